package copy

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr string
	}{
		{"4096", 4096, ""},
		{"0", 0, ""},
		{"64k", 64 << 10, ""},
		{"64K", 64 << 10, ""},
		{"128KiB", 128 << 10, ""},
		{"1G", 1 << 30, ""},
		{"1.5GiB", 3 << 29, ""},
		{"2m", 2 << 20, ""},
		{"1T", 1 << 40, ""},
		{"1kB", 1000, ""},
		{"500MB", 500_000_000, ""},
		{"2GB", 2_000_000_000, ""},
		{" 8B ", 8, ""},
		{"", 0, "no number"},
		{"G", 0, "no number"},
		{"1.2.3k", 0, "bad number"},
		{"10X", 0, `unknown unit "X"`},
		{"-1", 0, "no number"},
		{"1.5", 0, "not a whole number"},
		{"99999999T", 0, "too large"},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSize(%q) error = %v, want containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	tests := map[int64]string{0: "0B", 1000: "1000B", 1024: "1KiB", 1536: "1.5KiB", 128 << 10: "128KiB", 1 << 30: "1GiB", 5 << 40: "5TiB"}
	for in, want := range tests {
		if got := FormatSize(in); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", in, got, want)
		}
	}
}
