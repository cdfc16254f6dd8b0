package copy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBadConfig(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, make([]byte, 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr string
	}{
		{"size 0", func(c *Config) { c.Size = 0 }, "size must be positive, got 0"},
		{"negative size", func(c *Config) { c.Size = -5 }, "size must be positive, got -5"},
		{"chunk 0", func(c *Config) { c.Chunk = 0 }, "chunk must be positive"},
		{"chunk larger than made file", func(c *Config) { c.Size = 4096; c.Chunk = 8192 }, "chunk 8KiB is larger than the file (4KiB)"},
		{"chunk larger than given file", func(c *Config) { c.File = small; c.Chunk = 4096 }, "chunk 4KiB is larger than the file " + small + " (1000B)"},
		{"missing file", func(c *Config) { c.File = filepath.Join(dir, "nope") }, "no such file or directory"},
		{"empty file", func(c *Config) { c.File = empty }, "empty"},
		{"file is a directory", func(c *Config) { c.File = dir }, "not a regular file"},
		{"repeat 0", func(c *Config) { c.Repeat = 0 }, "repeat must be at least 1"},
		{"no methods", func(c *Config) { c.Methods = nil }, "no method given"},
		{"no transports", func(c *Config) { c.Transports = nil }, "no transport given"},
		{"sender CPU out of range", func(c *Config) { c.PinSender = 4096 }, "pin-sender: no CPU 4096"},
		{"sink CPU negative", func(c *Config) { c.PinSink = -2 }, "pin-sink: no CPU -2"},
		{"dir missing", func(c *Config) { c.Dir = filepath.Join(dir, "missing") }, "cannot make the test file in " + filepath.Join(dir, "missing")},
		{"dir is a file", func(c *Config) { c.Dir = small }, "not a directory"},
		// /proc refuses new files even to root, unlike a chmod 0555
		// directory, which root writes into anyway.
		{"dir unwritable", func(c *Config) { c.Dir = "/proc" }, "cannot make the test file in /proc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Size, cfg.Chunk, cfg.Repeat = 64<<10, 4096, 1
			cfg.Dir = t.TempDir()
			tt.mod(&cfg)
			rep, err := Measure(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Measure error = %v, want one containing %q", err, tt.wantErr)
			}
			if rep != nil {
				t.Errorf("got a report with a configuration error")
			}
		})
	}
}

func TestBadConfigReportsEveryProblem(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Size, cfg.Chunk, cfg.Repeat = 0, -1, 0
	err := cfg.validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"size must be positive", "chunk must be positive", "repeat must be at least 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestParseLists(t *testing.T) {
	tests := []struct {
		in      string
		want    []Method
		wantErr string
	}{
		{"all", Methods(), ""},
		{"sendfile", []Method{Sendfile}, ""},
		{" read-write , splice,read-write", []Method{ReadWrite, Splice}, ""},
		{"splice,,tee", []Method{Splice, Tee}, ""},
		{"", nil, "no method given"},
		{",", nil, "no method given"},
		{"sendfile,memcpy", nil, `unknown method "memcpy" (known: read-write, mmap-write, sendfile, splice, tee, msg-zerocopy, io-copy)`},
	}
	for _, tt := range tests {
		got, err := ParseMethods(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseMethods(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseMethods(%q): %v", tt.in, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseMethods(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	tr, err := ParseTransports("pipe,tcp")
	if diff := cmp.Diff([]Transport{Pipe, TCP}, tr); err != nil || diff != "" {
		t.Errorf("ParseTransports: %v (-want +got):\n%s", err, diff)
	}
	if _, err := ParseTransports("udp"); err == nil || !strings.Contains(err.Error(), `unknown transport "udp"`) {
		t.Errorf("ParseTransports(udp) error = %v", err)
	}
}
