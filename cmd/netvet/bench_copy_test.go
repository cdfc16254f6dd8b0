package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	benchcopy "github.com/netvet/netvet/bench/copy"
)

func execBenchCopy(t *testing.T, args ...string) (string, error) {
	t.Helper()
	c := newBenchCopyCmd()
	var out bytes.Buffer
	c.SetOut(&out)
	c.SetErr(&out)
	c.SetArgs(args)
	err := c.Execute()
	return out.String(), err
}

func TestBenchCopyBadFlags(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"size 0", []string{"--size", "0"}, "size must be positive, got 0"},
		{"size garbage", []string{"--size", "lots"}, `--size: size "lots": no number`},
		{"chunk larger than file", []string{"--size", "1M", "--chunk", "2M"}, "chunk 2MiB is larger than the file (1MiB)"},
		{"chunk 0", []string{"--chunk", "0"}, "chunk must be positive"},
		{"chunk too big", []string{"--chunk", "2G"}, "--chunk 2G: at most 1GiB"},
		{"missing file", []string{"--file", filepath.Join(dir, "nope")}, "no such file or directory"},
		{"unwritable dir", []string{"--dir", "/proc", "--size", "64k", "--chunk", "4k"}, "cannot make the test file in /proc"},
		{"missing dir", []string{"--dir", filepath.Join(dir, "x"), "--size", "64k", "--chunk", "4k"}, "cannot make the test file in " + filepath.Join(dir, "x")},
		{"unknown method", []string{"--methods", "read-write,memcpy"}, `--methods: unknown method "memcpy"`},
		{"unknown transport", []string{"--transports", "udp"}, `--transports: unknown transport "udp"`},
		{"bad format", []string{"--format", "xml"}, `--format "xml": want table or json`},
		{"repeat 0", []string{"--repeat", "0", "--size", "64k", "--chunk", "4k"}, "repeat must be at least 1"},
		{"file and size", []string{"--file", "/etc/hostname", "--size", "1M"}, "if any flags in the group [file size] are set none of the others can be"},
		{"no such CPU", []string{"--pin-sink", "9999", "--size", "64k", "--chunk", "4k"}, "pin-sink: no CPU 9999"},
		{"stray argument", []string{"fast"}, `unknown command "fast"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := execBenchCopy(t, append(tt.args, "--no-progress")...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestBenchCopyJSON(t *testing.T) {
	out, err := execBenchCopy(t, "--size", "300k", "--chunk", "64k", "--repeat", "2",
		"--methods", "read-write,splice,tee", "--transports", "unix,pipe", "--format", "json",
		"--dir", t.TempDir(), "--no-progress")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var rep benchcopy.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if rep.Schema != benchcopy.Schema || rep.Config.FileBytes != 300<<10 || rep.Config.ChunkBytes != 64<<10 {
		t.Errorf("schema %q, file %d, chunk %d", rep.Schema, rep.Config.FileBytes, rep.Config.ChunkBytes)
	}
	if len(rep.Results) != 6 {
		t.Fatalf("%d results, want 3 methods × 2 transports", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Summary == nil || r.Summary.Runs != 2 || r.Summary.VsReadWrite == nil {
			t.Errorf("%s over %s: summary %+v", r.Method, r.Transport, r.Summary)
		}
	}
}

func TestBenchCopyTable(t *testing.T) {
	out, err := execBenchCopy(t, "--size", "128k", "--chunk", "32k", "--repeat", "1",
		"--methods", "read-write,sendfile", "--transports", "tcp", "--dir", t.TempDir(), "--no-progress")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"128KiB file, 32KiB chunks, 1 run(s) each, warm page cache", "│ tcp       │ read-write │", "│ tcp       │ sendfile   │"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := progressLine(&b, "")
	p(3, 12, "splice over tcp, run 1/5")
	p(12, 12, "done")
	want := "\r\033[K[#######.......................] 3/12 splice over tcp, run 1/5\r\033[K"
	if b.String() != want {
		t.Errorf("progress output %q, want %q", b.String(), want)
	}
}
