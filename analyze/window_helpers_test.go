package analyze

import (
	"time"

	"github.com/netvet/netvet/collect"
)

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// at returns a snapshot taken sec seconds after t0 on boot "b1".
func at(sec float64) *collect.Snapshot {
	return &collect.Snapshot{
		Time: t0.Add(time.Duration(sec * float64(time.Second))),
		Host: collect.HostInfo{BootID: "b1"},
	}
}

// netstat returns a snapshot at sec with the given netstat counters.
func netstat(sec float64, kv map[string]uint64) *collect.Snapshot {
	s := at(sec)
	s.Netstat = &collect.Counters{Values: kv}
	return s
}

// softnetRow is a softnet_stat row of a 6.x kernel (13 columns).
func softnetRow(cpu int, processed, dropped, squeeze uint64) collect.SoftnetCPU {
	return collect.SoftnetCPU{CPU: cpu, Processed: processed, Dropped: dropped, TimeSqueeze: squeeze, Columns: 13}
}

// irqs builds proc/interrupts from lines and a row-major table of counts.
func irqs(cpus []int, lines []collect.IRQLine, counts ...[]uint64) *collect.Interrupts {
	in := &collect.Interrupts{CPUs: cpus, Lines: lines}
	for _, row := range counts {
		if len(row) != len(cpus) {
			panic("irqs: row width differs from the CPU count")
		}
		in.Counts = append(in.Counts, row...)
	}
	return in
}

func line(irq string, num int, device string) collect.IRQLine {
	return collect.IRQLine{IRQ: irq, Num: num, Device: device, Queue: -1}
}

func withIRQs(s *collect.Snapshot, in *collect.Interrupts) *collect.Snapshot {
	s.Interrupts = in
	return s
}

// delta is a shorthand for expected Deltas over a window of n intervals.
func delta(inc uint64, secs float64, covered, n int) Delta {
	return Delta{Inc: inc, Seconds: secs, Intervals: covered, WindowIntervals: n}
}
