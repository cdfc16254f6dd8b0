package report

import (
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

func TestBuildHeatSmallIsNotBinned(t *testing.T) {
	qs := []queueIRQ{
		{iface: "eth0", label: "eth0 TxRx-0", irq: 40, perCPU: map[int]uint64{0: 100, 1: 5}, total: 105},
		{iface: "eth0", label: "eth0 TxRx-1", irq: 41, perCPU: map[int]uint64{2: 7}, total: 7},
		{iface: "eth1", label: "eth1", irq: 50, perCPU: map[int]uint64{}, total: 0},
	}
	h := buildHeat(qs, []int{0, 1, 2, 3})
	if d := cmp.Diff([]string{"eth0 TxRx-0", "eth0 TxRx-1", "eth1"}, h.rows); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"0", "1", "2", "3"}, h.cols); d != "" {
		t.Errorf("cols (-want +got):\n%s", d)
	}
	want := [][]uint64{{100, 5, 0, 0}, {0, 0, 7, 0}, {0, 0, 0, 0}}
	if d := cmp.Diff(want, h.z); d != "" {
		t.Errorf("z (-want +got):\n%s", d)
	}
}

// TestBuildHeatBinsBigHosts: 130 CPUs and 73 vectors exceed 64×64, so
// neighbours are summed; a bin never mixes two NICs, and nothing is lost.
func TestBuildHeatBinsBigHosts(t *testing.T) {
	var cpus []int
	for c := range 130 {
		cpus = append(cpus, c)
	}
	var qs []queueIRQ
	var total uint64
	for q := range 70 {
		qs = append(qs, queueIRQ{iface: "eth0", label: fmt.Sprintf("eth0 rx-%d", q), perCPU: map[int]uint64{q: 10, 129: 1}, total: 11})
		total += 11
	}
	for q := range 3 {
		qs = append(qs, queueIRQ{iface: "eth1", label: fmt.Sprintf("eth1 rx-%d", q), perCPU: map[int]uint64{100 + q: 1000}, total: 1000})
		total += 1000
	}
	h := buildHeat(qs, cpus)
	if len(h.cols) != 44 || h.cols[0] != "0-2" || h.cols[43] != "129" {
		t.Errorf("columns: %d, first %q, last %q; want 44 bins of 3 CPUs, the last one CPU 129", len(h.cols), h.cols[0], h.cols[len(h.cols)-1])
	}
	// Bins of two vectors: 35 for eth0, then eth1's three as two bins.
	if len(h.rows) != 37 {
		t.Fatalf("%d rows, want 37", len(h.rows))
	}
	for i, want := range map[int]string{0: "eth0 rx-0 … rx-1", 34: "eth0 rx-68 … rx-69", 35: "eth1 rx-0 … rx-1", 36: "eth1 rx-2"} {
		if h.rows[i] != want {
			t.Errorf("row %d is %q, want %q", i, h.rows[i], want)
		}
	}
	var sum uint64
	for _, row := range h.z {
		for _, v := range row {
			sum += v
		}
	}
	if sum != total {
		t.Errorf("binned cells sum to %d, want %d", sum, total)
	}
	if got := h.z[35][33]; got != 2000 { // CPUs 99-101 hold eth1 rx-0 (100) and rx-1 (101)
		t.Errorf("eth1 rx-0…1 on CPUs 99-101: %d, want 2000", got)
	}
}

func TestLogGridRange(t *testing.T) {
	for _, tc := range []struct {
		z      [][]uint64
		lo, hi float64
	}{
		{[][]uint64{{0, 0}}, 0, 1}, // nothing: one decade, so the palette has a scale
		{[][]uint64{{5, 0}}, 0, 1}, // one value: widened to a decade
		{[][]uint64{{3, 250000}}, 0, 6},
		{[][]uint64{{1000, 1000}}, 3, 4},
	} {
		lo, hi := newLogGrid(heat{z: tc.z}).logRange()
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("%v: range %v..%v, want %v..%v", tc.z, lo, hi, tc.lo, tc.hi)
		}
	}
	g := newLogGrid(heat{z: [][]uint64{{0, 100}, {10, 0}}})
	// Row 0 is drawn on top: gonum's row 0 is the bottom one.
	if g.Z(1, 1) != 2 || g.Z(0, 0) != 1 || !math.IsNaN(g.Z(0, 1)) {
		t.Errorf("grid: Z(1,1)=%v Z(0,0)=%v Z(0,1)=%v", g.Z(1, 1), g.Z(0, 0), g.Z(0, 1))
	}
}

func TestHeatTable(t *testing.T) {
	qs := []queueIRQ{
		{label: "eth0 TxRx-0", irq: 40, perCPU: map[int]uint64{0: 100, 3: 300, 2: 300}, total: 700, affinity: "0-3"},
		{label: "eth0 TxRx-1", irq: 41, perCPU: map[int]uint64{}, total: 0},
	}
	got := heatTable(qs, false)
	want := [][]string{
		{"eth0 TxRx-0", "40", "700", "2", "42.9%", "0,2-3", "0-3"}, // a tie goes to the lower CPU
		{"eth0 TxRx-1", "41", "0", "—", "—", "—", "—"},
	}
	if d := cmp.Diff(want, got.Rows); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got.Fold {
		t.Error("two rows folded")
	}
	if heatTable(qs, true).Caption != "Interrupts per NIC queue vector since boot" {
		t.Error("a single snapshot's table does not say since boot")
	}
}

func TestQueueLabel(t *testing.T) {
	for _, tc := range []struct {
		q    collect.QueueIRQ
		want string
	}{
		{collect.QueueIRQ{Queue: 3, Kind: "TxRx"}, "eth0 TxRx-3"},
		{collect.QueueIRQ{Queue: 0, Kind: "input"}, "eth0 input-0"},
		{collect.QueueIRQ{Queue: 0, Kind: "single"}, "eth0"},
	} {
		if got := queueLabel("eth0", tc.q); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.q, got, tc.want)
		}
	}
}
