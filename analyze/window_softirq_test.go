package analyze

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

func TestSoftIRQDelta(t *testing.T) {
	mk := func(sec float64, cpus []int, netrx []uint64) *collect.Snapshot {
		s := at(sec)
		s.SoftIRQs = &collect.SoftIRQs{CPUs: cpus, Rows: map[string][]uint64{"NET_RX": netrx}}
		return s
	}
	w := NewWindow([]*collect.Snapshot{
		mk(0, []int{0, 1}, []uint64{math.MaxUint32, 10}),
		mk(1, []int{0, 1}, []uint64{9, 30}), // CPU 0's u32 wrapped: 10
		mk(2, []int{1}, []uint64{35}),       // CPU 0 offline
		mk(3, []int{0, 1}, []uint64{20, 40}),
		{Time: t0.Add(4e9), Host: collect.HostInfo{BootID: "b1"}}, // softirqs unreadable
	}, 0)
	tests := []struct {
		name   string
		softir string
		cpu    int
		want   Delta
		wantOK bool
	}{
		{"wrap and offline", "NET_RX", 0, Delta{Inc: 10, Seconds: 1, Intervals: 1, WindowIntervals: 4, Rises: 1, LongestRun: 1, Wraps: 1}, true},
		{"columns move", "NET_RX", 1, Delta{Inc: 30, Seconds: 3, Intervals: 3, WindowIntervals: 4, Rises: 3, LongestRun: 3}, true},
		{"absent softirq", "NET_TX", 1, Delta{}, false},
		{"absent CPU", "NET_RX", 5, Delta{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := w.SoftIRQDelta(tt.softir, tt.cpu)
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("SoftIRQDelta(%s, %d) (-want +got):\n%s", tt.softir, tt.cpu, diff)
			}
		})
	}
	// A row shorter than the CPU header (a truncated read) is absent for the missing CPU.
	short := NewWindow([]*collect.Snapshot{mk(0, []int{0, 1}, []uint64{1}), mk(1, []int{0, 1}, []uint64{2})}, 0)
	if _, ok := short.SoftIRQDelta("NET_RX", 1); ok {
		t.Error("SoftIRQDelta on a short row: ok")
	}
}
