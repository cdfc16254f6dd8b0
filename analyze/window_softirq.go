package analyze

import (
	"slices"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/counter"
)

// SoftIRQDelta returns how many times softirq name ("NET_RX", "NET_TX")
// ran on CPU cpu over the window (proc/softirqs; unsigned int per CPU in
// kernel_stat, https://github.com/torvalds/linux/blob/master/include/linux/kernel_stat.h).
func (w *Window) SoftIRQDelta(name string, cpu int) (Delta, bool) {
	w.initSoftIRQ()
	return w.series(counter.Bits32, func(i int, s *collect.Snapshot) (uint64, bool) {
		cols := w.softirqCols[i]
		if cpu < 0 || cpu >= len(cols) || cols[cpu] < 0 {
			return 0, false
		}
		row, ok := s.SoftIRQs.Rows[name]
		if !ok || int(cols[cpu]) >= len(row) {
			return 0, false
		}
		return row[cols[cpu]], true
	})
}

func (w *Window) initSoftIRQ() {
	w.softirqOnce.Do(func() {
		w.softirqCols = make([][]int32, len(w.Snaps))
		for i, s := range w.Snaps {
			if s.SoftIRQs == nil {
				continue
			}
			if i > 0 && w.Snaps[i-1].SoftIRQs != nil && slices.Equal(w.Snaps[i-1].SoftIRQs.CPUs, s.SoftIRQs.CPUs) {
				w.softirqCols[i] = w.softirqCols[i-1]
				continue
			}
			w.softirqCols[i] = cpuColumns(s.SoftIRQs.CPUs)
		}
	})
}
