package export

import (
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/counter"
)

// folder sums per-CPU counters over the CPUs (--fold-cpus) so that the sum
// is a proper Prometheus counter.
//
// The per-CPU counts of softnet_stat, proc/interrupts and proc/softirqs are
// 32-bit (internal/counter names the kernel sources) and wrap on busy hosts:
// softnet "processed" on a CPU at 1M packets/s every 71 minutes. Exported
// per CPU, a wrap looks to rate() like a reset and loses one interval's
// increase, as for any counter. A plain sum over 256 CPUs would instead
// drop by 2^32 when any one CPU wraps, and rate() would take the whole sum,
// billions, as the increase. So each CPU's count is unwrapped (the same
// rules as the analyzer's, internal/counter) between consecutive snapshots
// and the sum is of the unwrapped counts. A CPU that goes offline keeps its
// last count in the sum, so the sum never goes down either. A reboot (new
// boot id, or uptime going backwards) starts every sum again from the
// kernel's values: a reset, as rate() expects.
//
// A folder is not safe for concurrent use; the scrape source calls it with
// one collection at a time.
type folder struct {
	boot   string
	uptime float64
	series map[string]*foldSeries
}

// foldSeries is one per-CPU counter's state, indexed by CPU number.
type foldSeries struct {
	last []uint64 // the last raw reading
	acc  []uint64 // the unwrapped count
	seen []bool
}

func newFolder() *folder { return &folder{series: map[string]*foldSeries{}} }

// start begins a snapshot: a reboot forgets every series.
func (f *folder) start(h collect.HostInfo) {
	if counter.Rebooted(f.boot, h.BootID, f.uptime, h.Uptime) {
		clear(f.series)
	}
	f.boot, f.uptime = h.BootID, h.Uptime
}

// add records the readings of one series (raw[i] on CPU cpus[i]) and
// returns its monotonic sum over CPUs.
func (f *folder) add(key string, cpus []int, raw func(i int) uint64) uint64 {
	s := f.series[key]
	if s == nil {
		s = &foldSeries{}
		f.series[key] = s
	}
	for i, cpu := range cpus {
		if cpu < 0 {
			continue
		}
		if cpu >= len(s.acc) {
			n := cpu + 1
			s.last = append(s.last, make([]uint64, n-len(s.last))...)
			s.acc = append(s.acc, make([]uint64, n-len(s.acc))...)
			s.seen = append(s.seen, make([]bool, n-len(s.seen))...)
		}
		v := raw(i)
		if !s.seen[cpu] {
			s.acc[cpu], s.last[cpu], s.seen[cpu] = v, v, true
			continue
		}
		inc, _ := counter.Increase(s.last[cpu], v, counter.Bits32, false)
		s.acc[cpu] = counter.Add(s.acc[cpu], inc)
		s.last[cpu] = v
	}
	var sum uint64
	for _, v := range s.acc {
		sum = counter.Add(sum, v)
	}
	return sum
}
