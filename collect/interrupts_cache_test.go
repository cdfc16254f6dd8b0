package collect

import (
	"slices"
	"strings"
	"testing"

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
