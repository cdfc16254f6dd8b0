package collect

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// irqErrFS fails Open of one path with err.
type irqErrFS struct {
	fs.FS
	path string
	err  error
}

func (e irqErrFS) Open(name string) (fs.File, error) {
	if name == e.path {
		return nil, &fs.PathError{Op: "open", Path: name, Err: e.err}
	}
	return e.FS.Open(name)
}

func TestCollectInterrupts(t *testing.T) {
	good := readTestdata(t, "netutils-linux_qlcnic-48cpu-all-queues-on-cpu0")
	bad := []byte("  CPU0 CPU1\n  0: 5 6 IO-APIC 2-edge timer\n  1: 7 IO-APIC 1-edge i8042\n")
	tests := []struct {
		name      string
		fsys      fs.FS
		wantState State
		wantErr   string
		wantLines int // -1: Interrupts is nil
	}{
		{"ok", fstest.MapFS{"proc/interrupts": {Data: good}}, StateOK, "", 47},
		{"missing", fstest.MapFS{"proc/softirqs": {Data: []byte("x")}}, StateUnavailable, "file does not exist", -1},
		{"permission", irqErrFS{fstest.MapFS{"proc/interrupts": {Data: good}}, "proc/interrupts", fs.ErrPermission},
			StateUnavailable, "permission denied", -1},
		{"bad row", fstest.MapFS{"proc/interrupts": {Data: bad}}, StateError, "proc/interrupts:3: IRQ 1: 1 counts for 2 CPUs", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewCollector().Collect(context.Background(), tt.fsys, nil, true)
			st, ok := s.StatusOf("interrupts")
			if !ok || st.State != tt.wantState || !strings.Contains(st.Err, tt.wantErr) {
				t.Errorf("status = %+v, want %s with %q", st, tt.wantState, tt.wantErr)
			}
			switch {
			case tt.wantLines < 0 && s.Interrupts != nil:
				t.Errorf("Interrupts has %d lines, want nil", len(s.Interrupts.Lines))
			case tt.wantLines >= 0 && s.Interrupts == nil:
				t.Errorf("Interrupts = nil, want %d lines", tt.wantLines)
			case tt.wantLines >= 0 && len(s.Interrupts.Lines) != tt.wantLines:
				t.Errorf("Interrupts has %d lines, want %d", len(s.Interrupts.Lines), tt.wantLines)
			}
		})
	}
}

// FuzzInterrupts: no input panics; what is returned is consistent; and a
// parse with a cache warmed by another input equals a parse without cache.
func FuzzInterrupts(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "interrupts", "*"))
	for _, file := range files {
		if filepath.Base(file) != "README.md" {
			f.Add(readTestdata(f, filepath.Base(file)))
		}
	}
	f.Add([]byte("  CPU0 CPU1\n  0: 5 6 IO-APIC 2-edge timer\nERR: 1\n FIQ: x\n"))
	warm := readTestdata(f, "netutils-linux_i40e-e1000e-4cpu")
	f.Fuzz(func(t *testing.T, data []byte) {
		plain, errPlain := parseInterrupts("proc/interrupts", data, nil)
		if plain != nil {
			n := len(plain.CPUs)
			if n == 0 || len(plain.Counts) != len(plain.Lines)*n {
				t.Fatalf("%d CPUs, %d lines, %d counts", n, len(plain.Lines), len(plain.Counts))
			}
			for _, l := range plain.Lines {
				if l.IRQ == "" || l.Num >= 0 && l.Desc != "" || l.Num < 0 && (l.Chip != "" || l.HWIRQ != "" || l.NIC != "") {
					t.Fatalf("odd line %+v", l)
				}
			}
		}
		var cache interruptsCache
		if _, err := parseInterrupts("proc/interrupts", warm, &cache); err != nil {
			t.Fatal(err)
		}
		cached, errCached := parseInterrupts("proc/interrupts", data, &cache)
		if diff := cmp.Diff(plain, cached); diff != "" {
			t.Fatalf("cached parse differs:\n%s", diff)
		}
		if (errPlain == nil) != (errCached == nil) {
			t.Fatalf("errors differ: %v / %v", errPlain, errCached)
		}
	})
}
