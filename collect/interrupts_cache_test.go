package collect

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestInterruptsCache parses a stream of samples with one cache and checks
// each result against a parse without cache, and that earlier results are
// never changed by later parses (snapshots share Lines).
func TestInterruptsCache(t *testing.T) {
	s1 := string(readTestdata(t, "netutils-linux_multinic-multiqueue-4cpu-series-1"))
	s2 := string(readTestdata(t, "netutils-linux_multinic-multiqueue-4cpu-series-2"))
	header, _, _ := strings.Cut(s2, "\n")
	samples := []struct {
		name      string
		text      string
		reuseLast bool // the previous sample's Lines are reused
	}{
		{"first sample", s1, false},
		{"same layout, new counts", s2, true},
		{"same again", s2, true},
		{"a vector renamed", strings.Replace(s2, "eth4-TxRx-1", "eth4-TxRx-7", 1), false},
		{"a row removed", dropLine(s2, "eth0\n"), false},
		{"a row inserted first", header + "\n  3:   1   2   3   4   IR-PCI-MSI 1-edge  eth9\n" + s2[len(header)+1:], false},
		{"back to the layout", s2, false},
		{"a CPU goes offline", strings.Replace(header, "CPU3", "CPU5", 1) + s2[len(header):], true},
	}
	var (
		cache interruptsCache
		prev  *Interrupts
		kept  []*Interrupts // every result, to check they never change
		copy  []*Interrupts // deep copies taken when they were returned
	)
	for _, s := range samples {
		got, err := parseInterrupts("proc/interrupts", []byte(s.text), &cache)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		want, _ := parseInterrupts("proc/interrupts", []byte(s.text), nil)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: cached parse differs (-uncached +cached):\n%s", s.name, diff)
		}
		if prev != nil {
			reused := len(got.Lines) > 0 && &got.Lines[0] == &prev.Lines[0]
			if reused != s.reuseLast {
				t.Errorf("%s: Lines reused = %v, want %v", s.name, reused, s.reuseLast)
			}
			if &got.Counts[0] == &prev.Counts[0] {
				t.Errorf("%s: Counts shared with the previous sample", s.name)
			}
		}
		prev = got
		kept = append(kept, got)
		copy = append(copy, &Interrupts{CPUs: slices.Clone(got.CPUs), Lines: slices.Clone(got.Lines), Counts: slices.Clone(got.Counts)})
	}
	for i := range kept {
		if diff := cmp.Diff(copy[i], kept[i]); diff != "" {
			t.Errorf("sample %q changed after later parses:\n%s", samples[i].name, diff)
		}
	}
}

func dropLine(s, suffix string) string {
	var b strings.Builder
	for l := range strings.Lines(s) {
		if !strings.HasSuffix(l, suffix) {
			b.WriteString(l)
		}
	}
	return b.String()
}

// TestInterruptsSteadyStateAllocs: with an unchanged layout a sample
// allocates the Counts slice and the Interrupts value, nothing per row.
func TestInterruptsSteadyStateAllocs(t *testing.T) {
	data := readTestdata(t, "netutils-linux_ixgbe-igb-32cpu-mixed-affinity")
	var cache interruptsCache
	if _, err := parseInterrupts("proc/interrupts", data, &cache); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := parseInterrupts("proc/interrupts", data, &cache); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 2 {
		t.Errorf("%v allocations per steady-state parse, want ≤ 2 (Counts, Interrupts)", allocs)
	}
}

// errFS fails Open of one path with err.
type errFS struct {
	fs.FS
	path string
	err  error
}

func (e errFS) Open(name string) (fs.File, error) {
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
		{"permission", errFS{fstest.MapFS{"proc/interrupts": {Data: good}}, "proc/interrupts", fs.ErrPermission},
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
