package analyze

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

func TestIRQDelta(t *testing.T) {
	cpus := []int{0, 1}
	q0, q1 := line("30", 30, "eth0-TxRx-0"), line("31", 31, "eth0-TxRx-1")
	loc := line("LOC", -1, "")
	tests := []struct {
		name   string
		snaps  []*collect.Snapshot
		irq    string
		cpu    int
		want   Delta
		wantOK bool
	}{
		{
			name: "plain",
			snaps: []*collect.Snapshot{
				withIRQs(at(0), irqs(cpus, []collect.IRQLine{q0}, []uint64{10, 20})),
				withIRQs(at(1), irqs(cpus, []collect.IRQLine{q0}, []uint64{15, 20})),
			},
			irq: "30", cpu: 0,
			want:   Delta{Inc: 5, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1},
			wantOK: true,
		},
		{
			// Line 29 was requested between the snapshots: every row after it
			// moved down one. The line, not the row, is followed.
			name: "rows move",
			snaps: []*collect.Snapshot{
				withIRQs(at(0), irqs(cpus, []collect.IRQLine{q0, q1}, []uint64{10, 20}, []uint64{100, 200})),
				withIRQs(at(1), irqs(cpus, []collect.IRQLine{line("29", 29, "nvme0q0"), q0, q1},
					[]uint64{5, 5}, []uint64{11, 20}, []uint64{130, 200})),
			},
			irq: "31", cpu: 0,
			want:   Delta{Inc: 30, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1},
			wantOK: true,
		},
		{
			name: "u32 wrap",
			snaps: []*collect.Snapshot{
				withIRQs(at(0), irqs(cpus, []collect.IRQLine{loc}, []uint64{math.MaxUint32 - 4, 0})),
				withIRQs(at(1), irqs(cpus, []collect.IRQLine{loc}, []uint64{5, 0})),
			},
			irq: "LOC", cpu: 0,
			want:   Delta{Inc: 10, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1, Wraps: 1},
			wantOK: true,
		},
		{
			// IRQ 30 was freed and given to another device: the count
			// restarted, so the fall from 2^32−5 to 5 is a reset (5 new), not
			// a wrap (10 new).
			name: "device changed: reset, not wrap",
			snaps: []*collect.Snapshot{
				withIRQs(at(0), irqs(cpus, []collect.IRQLine{q0}, []uint64{math.MaxUint32 - 4, 0})),
				withIRQs(at(1), irqs(cpus, []collect.IRQLine{line("30", 30, "mlx5_comp0")}, []uint64{5, 0})),
			},
			irq: "30", cpu: 0,
			want:   Delta{Inc: 5, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1, Resets: 1},
			wantOK: true,
		},
		{
			// CPU 1 is offline in snapshot 1: its column is absent there.
			name: "CPU column vanishes",
			snaps: []*collect.Snapshot{
				withIRQs(at(0), irqs(cpus, []collect.IRQLine{q0}, []uint64{10, 20})),
				withIRQs(at(1), irqs([]int{0}, []collect.IRQLine{q0}, []uint64{15})),
				withIRQs(at(2), irqs(cpus, []collect.IRQLine{q0}, []uint64{17, 29})),
				withIRQs(at(3), irqs(cpus, []collect.IRQLine{q0}, []uint64{17, 31})),
			},
			irq: "30", cpu: 1,
			want:   Delta{Inc: 2, Seconds: 1, Intervals: 1, WindowIntervals: 3, Rises: 1, LongestRun: 1, RunAtEnd: 1},
			wantOK: true,
		},
		{
			name: "line absent",
			snaps: []*collect.Snapshot{
				withIRQs(at(0), irqs(cpus, []collect.IRQLine{q0}, []uint64{10, 20})),
				withIRQs(at(1), irqs(cpus, []collect.IRQLine{q0}, []uint64{15, 20})),
			},
			irq: "31", cpu: 0, want: Delta{}, wantOK: false,
		},
		{
			name: "CPU absent",
			snaps: []*collect.Snapshot{
				withIRQs(at(0), irqs(cpus, []collect.IRQLine{q0}, []uint64{10, 20})),
				withIRQs(at(1), irqs(cpus, []collect.IRQLine{q0}, []uint64{15, 20})),
			},
			irq: "30", cpu: 7, want: Delta{}, wantOK: false,
		},
		{
			// Counts do not match Lines × CPUs (a broken collector): the
			// snapshot's interrupts are unusable, not a panic.
			name: "inconsistent counts",
			snaps: []*collect.Snapshot{
				withIRQs(at(0), &collect.Interrupts{CPUs: cpus, Lines: []collect.IRQLine{q0}, Counts: []uint64{1}}),
				withIRQs(at(1), irqs(cpus, []collect.IRQLine{q0}, []uint64{15, 20})),
			},
			irq: "30", cpu: 0, want: Delta{}, wantOK: false,
		},
		{
			name:  "single snapshot",
			snaps: []*collect.Snapshot{withIRQs(at(0), irqs(cpus, []collect.IRQLine{q0}, []uint64{10, 20}))},
			irq:   "30", cpu: 1,
			want:   Delta{Inc: 20, SinceBoot: true},
			wantOK: true,
		},
		{
			name:  "single snapshot, absent",
			snaps: []*collect.Snapshot{withIRQs(at(0), irqs(cpus, []collect.IRQLine{q0}, []uint64{10, 20}))},
			irq:   "31", cpu: 1, want: Delta{}, wantOK: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NewWindow(tt.snaps, 0).IRQDelta(tt.irq, tt.cpu)
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("IRQDelta(%s, %d) (-want +got):\n%s", tt.irq, tt.cpu, diff)
			}
		})
	}
}

func TestIRQLineDelta(t *testing.T) {
	q0 := line("30", 30, "eth0-TxRx-0")
	q0.NIC, q0.Queue, q0.Kind = "eth0", 0, "TxRx"
	q0old := line("30", 30, "eth0-rx-0")
	w := NewWindow([]*collect.Snapshot{
		withIRQs(at(0), irqs([]int{0, 1, 2}, []collect.IRQLine{q0old}, []uint64{100, 0, 5})),
		withIRQs(at(1), irqs([]int{0, 1, 2}, []collect.IRQLine{q0old}, []uint64{1100, 0, 5})),
		// CPU 2 went offline; the line's devices changed name (a driver reload).
		withIRQs(at(2), irqs([]int{0, 1}, []collect.IRQLine{q0}, []uint64{50, 10})),
		withIRQs(at(3), irqs([]int{0, 1}, []collect.IRQLine{q0}, []uint64{60, 10})),
	}, 0)
	got, ok := w.IRQLineDelta("30")
	if !ok {
		t.Fatal("IRQLineDelta(30): not ok")
	}
	want := IRQLineDelta{
		Line: q0, // as in the newest snapshot
		CPUs: []int{0, 1, 2},
		// CPU 0: 1000, then a reset (1100 → 50: 50 new), then 10. CPU 1: 10 new after the reset.
		Inc:   []uint64{1060, 10, 0},
		Total: Delta{Inc: 1070, Seconds: 3, Intervals: 3, WindowIntervals: 3, Rises: 3, LongestRun: 3, RunAtEnd: 3, Resets: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("IRQLineDelta(30) (-want +got):\n%s", diff)
	}
	if _, ok := w.IRQLineDelta("99"); ok {
		t.Error("IRQLineDelta(99): ok for an absent line")
	}
	single, ok := NewWindow(w.Snaps[:1], 0).IRQLineDelta("30")
	wantSingle := IRQLineDelta{Line: q0old, CPUs: []int{0, 1, 2}, Inc: []uint64{100, 0, 5}, Total: Delta{Inc: 105, SinceBoot: true}}
	if diff := cmp.Diff(wantSingle, single); !ok || diff != "" {
		t.Errorf("single IRQLineDelta(30) ok=%v (-want +got):\n%s", ok, diff)
	}
	if _, ok := NewWindow([]*collect.Snapshot{at(0)}, 0).IRQLineDelta("30"); ok {
		t.Error("IRQLineDelta without interrupts: ok")
	}
}

// TestIRQMalformed feeds what a broken collector could produce: a negative
// CPU in the header, a CPU listed twice. Nothing may panic; the good columns
// still count.
func TestIRQMalformed(t *testing.T) {
	q0 := line("30", 30, "eth0-TxRx-0")
	for _, n := range []int{1, 2} {
		var snaps []*collect.Snapshot
		for i := range n {
			snaps = append(snaps, withIRQs(at(float64(i)), irqs([]int{-1, 0, 0}, []collect.IRQLine{q0}, []uint64{5, uint64(10 * (i + 1)), 7})))
		}
		w := NewWindow(snaps, 0)
		// CPU 0's first column counts (10, then 20), never its repeat (7).
		const want = 10
		if d, ok := w.IRQDelta("30", 0); !ok || d.Inc != want {
			t.Errorf("%d snapshots: IRQDelta(30, 0) = %+v, %v; want Inc %d", n, d, ok, want)
		}
		if c, ok := w.CPUInterruptsDelta(0); !ok || c.All.Inc != want {
			t.Errorf("%d snapshots: CPUInterruptsDelta(0) = %+v, %v; want Inc %d", n, c, ok, want)
		}
		if _, ok := w.IRQDelta("30", -1); ok {
			t.Errorf("%d snapshots: IRQDelta(30, -1) ok", n)
		}
		ld, _ := w.IRQLineDelta("30")
		if len(ld.CPUs) != 1 || ld.CPUs[0] != 0 || ld.Inc[0] != want {
			t.Errorf("%d snapshots: IRQLineDelta = %v %v, want CPU 0 with %d", n, ld.CPUs, ld.Inc, want)
		}
		for _, c := range w.InterruptsByCPU() {
			if c.CPU < 0 {
				t.Errorf("%d snapshots: InterruptsByCPU lists CPU %d", n, c.CPU)
			}
		}
	}
}

func TestIRQLines(t *testing.T) {
	a, b, c := line("29", 29, "ahci"), line("30", 30, "eth0-TxRx-0"), line("LOC", -1, "")
	b2 := line("30", 30, "eth0-TxRx-0 renamed")
	w := NewWindow([]*collect.Snapshot{
		withIRQs(at(0), irqs([]int{0}, []collect.IRQLine{a, b}, []uint64{1}, []uint64{2})),
		withIRQs(at(1), irqs([]int{0}, []collect.IRQLine{b2, c}, []uint64{2}, []uint64{3})),
		at(2), // no interrupts
	}, 0)
	// Newest lines first (as last seen), then the freed line 29.
	if diff := cmp.Diff([]collect.IRQLine{b2, c, a}, w.IRQLines()); diff != "" {
		t.Errorf("IRQLines (-want +got):\n%s", diff)
	}
}

func TestCPUInterruptsDelta(t *testing.T) {
	cpus := []int{0, 1}
	lines := []collect.IRQLine{line("30", 30, "eth0-TxRx-0"), line("LOC", -1, ""), line("ERR", -1, "")}
	w := NewWindow([]*collect.Snapshot{
		withIRQs(at(0), irqs(cpus, lines, []uint64{10, 0}, []uint64{1000, 1000}, []uint64{3, 0})),
		withIRQs(at(1), irqs(cpus, lines, []uint64{20, 5}, []uint64{1100, 1050}, []uint64{9, 0})),
	}, 0)
	got := w.InterruptsByCPU()
	want := []CPUInterrupts{
		{CPU: 0, // ERR's 6 are system-wide, not CPU 0's
			Devices: Delta{Inc: 10, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1},
			All:     Delta{Inc: 110, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1}},
		{CPU: 1,
			Devices: Delta{Inc: 5, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1},
			All:     Delta{Inc: 55, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("InterruptsByCPU (-want +got):\n%s", diff)
	}
	if c, ok := w.CPUInterruptsDelta(1); !ok || c != want[1] {
		t.Errorf("CPUInterruptsDelta(1) = %+v, %v; want %+v", c, ok, want[1])
	}
	if _, ok := w.CPUInterruptsDelta(2); ok {
		t.Error("CPUInterruptsDelta(2): ok for an absent CPU")
	}
	single := NewWindow(w.Snaps[1:], 0).InterruptsByCPU()
	wantSingle := []CPUInterrupts{
		{CPU: 0, Devices: Delta{Inc: 20, SinceBoot: true}, All: Delta{Inc: 1120, SinceBoot: true}},
		{CPU: 1, Devices: Delta{Inc: 5, SinceBoot: true}, All: Delta{Inc: 1055, SinceBoot: true}},
	}
	if diff := cmp.Diff(wantSingle, single); diff != "" {
		t.Errorf("single InterruptsByCPU (-want +got):\n%s", diff)
	}
	if got := NewWindow([]*collect.Snapshot{at(0), at(1)}, 0).InterruptsByCPU(); got != nil {
		t.Errorf("InterruptsByCPU without interrupts = %v, want nil", got)
	}
}

// TestIRQHelpersAgree checks the three IRQ helpers against each other on
// random windows with moving rows, CPUs going offline, wraps, resets,
// re-requested IRQs and a reboot: the per-CPU totals (a flat loop over
// Counts) must equal the sum of the per-cell deltas (a lookup per snapshot),
// and IRQLineDelta must agree with both.
func TestIRQHelpersAgree(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 7))
		snaps := randomIRQWindow(rng, 12)
		w := NewWindow(snaps, 0)
		lines := w.IRQLines()
		for _, c := range w.InterruptsByCPU() {
			var dev, all uint64
			for _, ln := range lines {
				if ln.IRQ == "ERR" {
					continue
				}
				d, ok := w.IRQDelta(ln.IRQ, c.CPU)
				if !ok {
					continue
				}
				all += d.Inc
				if ln.Num >= 0 {
					dev += d.Inc
				}
			}
			if dev != c.Devices.Inc || all != c.All.Inc {
				t.Fatalf("seed %d CPU %d: per-CPU totals %d/%d, sum of IRQDelta %d/%d", seed, c.CPU, c.Devices.Inc, c.All.Inc, dev, all)
			}
		}
		for _, ln := range lines {
			ld, ok := w.IRQLineDelta(ln.IRQ)
			var sum uint64
			for k, cpu := range ld.CPUs {
				d, _ := w.IRQDelta(ln.IRQ, cpu)
				if d.Inc != ld.Inc[k] {
					t.Fatalf("seed %d line %s CPU %d: IRQLineDelta %d, IRQDelta %d", seed, ln.IRQ, cpu, ld.Inc[k], d.Inc)
				}
				sum += d.Inc
			}
			if ok && sum != ld.Total.Inc {
				t.Fatalf("seed %d line %s: Total %d, sum over CPUs %d", seed, ln.IRQ, ld.Total.Inc, sum)
			}
		}
	}
}

// randomIRQWindow builds n snapshots whose interrupts change in every way
// the kernel's can between two reads.
func randomIRQWindow(rng *rand.Rand, n int) []*collect.Snapshot {
	allCPUs := []int{0, 1, 2, 3}
	names := []collect.IRQLine{line("24", 24, "ahci"), line("30", 30, "eth0-TxRx-0"), line("31", 31, "eth0-TxRx-1"),
		line("LOC", -1, ""), line("RES", -1, ""), line("ERR", -1, "")}
	state := map[string][]uint64{}
	for _, ln := range names {
		state[ln.IRQ] = make([]uint64, len(allCPUs))
		for c := range allCPUs {
			state[ln.IRQ][c] = uint64(rng.Uint32())
		}
	}
	var out []*collect.Snapshot
	var prevLines []collect.IRQLine
	var prevCPUs []int
	boot := "b1"
	for i := range n {
		// Counters move: mostly up (with u32 wraps), sometimes a reset.
		for _, ln := range names {
			for c := range allCPUs {
				switch rng.IntN(10) {
				case 0:
					state[ln.IRQ][c] = uint64(rng.IntN(100)) // reset
				default:
					state[ln.IRQ][c] = (state[ln.IRQ][c] + uint64(rng.IntN(1<<20))) & math.MaxUint32
				}
			}
		}
		s := at(float64(i))
		if rng.IntN(12) == 0 {
			boot = "b" + string(rune('2'+i))
		}
		s.Host.BootID = boot
		// Keep the previous layout (shared slices, as the collector does) or
		// draw a new one: some lines freed, CPUs offline, rows reordered, a
		// device renamed.
		if prevLines != nil && rng.IntN(2) == 0 {
			s.Interrupts = &collect.Interrupts{CPUs: prevCPUs, Lines: prevLines}
		} else {
			var lines []collect.IRQLine
			for _, ln := range names {
				if rng.IntN(5) > 0 {
					if rng.IntN(6) == 0 {
						ln.Device += "-re"
					}
					lines = append(lines, ln)
				}
			}
			rng.Shuffle(len(lines), func(a, b int) { lines[a], lines[b] = lines[b], lines[a] })
			var cpus []int
			for _, c := range allCPUs {
				if rng.IntN(4) > 0 {
					cpus = append(cpus, c)
				}
			}
			s.Interrupts = &collect.Interrupts{CPUs: cpus, Lines: lines}
		}
		for _, ln := range s.Interrupts.Lines {
			for _, c := range s.Interrupts.CPUs {
				s.Interrupts.Counts = append(s.Interrupts.Counts, state[ln.IRQ][c])
			}
		}
		prevLines, prevCPUs = s.Interrupts.Lines, s.Interrupts.CPUs
		out = append(out, s)
	}
	return out
}
