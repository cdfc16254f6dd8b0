package analyze

import (
	"slices"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/counter"
)

// SoftnetDelta is one CPU's proc/net/softnet_stat over the window. Every
// column is a u32 in the kernel (softnet_seq_show in
// https://github.com/torvalds/linux/blob/master/net/core/net-procfs.c) and
// wraps; the Deltas account for it. A column the kernel did not print (old
// kernels have fewer) is the zero Delta: Known reports which.
type SoftnetDelta struct {
	CPU            int
	Processed      Delta // packets taken from the backlog / NAPI polls
	Dropped        Delta // backlog full (netdev_max_backlog)
	TimeSqueeze    Delta // net_rx_action ran out of budget or time
	CPUCollision   Delta // always 0 since 4.x, kept for old kernels
	ReceivedRPS    Delta // IPIs received to process RPS backlog
	FlowLimitCount Delta // packets dropped by the flow limit
}

// softnetColumns lists the counter columns: the 1-based column the kernel
// prints it in (SoftnetCPU.Columns must reach it) and how to read it.
var softnetColumns = [...]struct {
	col int
	get func(*collect.SoftnetCPU) uint64
}{
	{1, func(s *collect.SoftnetCPU) uint64 { return s.Processed }},
	{2, func(s *collect.SoftnetCPU) uint64 { return s.Dropped }},
	{3, func(s *collect.SoftnetCPU) uint64 { return s.TimeSqueeze }},
	{9, func(s *collect.SoftnetCPU) uint64 { return s.CPUCollision }},
	{10, func(s *collect.SoftnetCPU) uint64 { return s.ReceivedRPS }},
	{11, func(s *collect.SoftnetCPU) uint64 { return s.FlowLimitCount }},
}

// softnetIndex maps CPU numbers to softnet rows, per snapshot. Snapshots
// whose rows list the same CPUs in the same order share one slice.
type softnetIndex struct {
	rows [][]int32 // rows[i][cpu] = row in Snaps[i].Softnet, or -1
	cpus []int     // every CPU seen, ascending
}

func (w *Window) initSoftnet() {
	w.softnetOnce.Do(func() {
		ix := &w.softnet
		ix.rows = make([][]int32, len(w.Snaps))
		seen := map[int]bool{}
		for i, s := range w.Snaps {
			if i > 0 && sameSoftnetCPUs(w.Snaps[i-1].Softnet, s.Softnet) {
				ix.rows[i] = ix.rows[i-1]
				continue
			}
			maxCPU := -1
			for _, r := range s.Softnet {
				maxCPU = max(maxCPU, r.CPU)
			}
			rows := make([]int32, maxCPU+1)
			for c := range rows {
				rows[c] = -1
			}
			for j, r := range s.Softnet {
				if r.CPU >= 0 && rows[r.CPU] < 0 {
					rows[r.CPU] = int32(j)
					if !seen[r.CPU] {
						seen[r.CPU] = true
						ix.cpus = append(ix.cpus, r.CPU)
					}
				}
			}
			ix.rows[i] = rows
		}
		slices.Sort(ix.cpus)
	})
}

func sameSoftnetCPUs(a, b []collect.SoftnetCPU) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].CPU != b[i].CPU {
			return false
		}
	}
	return true
}

// softnetRow returns CPU cpu's row in snapshot i.
func (w *Window) softnetRow(i, cpu int) (*collect.SoftnetCPU, bool) {
	rows := w.softnet.rows[i]
	if cpu < 0 || cpu >= len(rows) || rows[cpu] < 0 {
		return nil, false
	}
	return &w.Snaps[i].Softnet[rows[cpu]], true
}

// SoftnetCPUs lists every CPU that has a softnet row in some snapshot,
// ascending. Offline CPUs have none (softnet_get_online).
func (w *Window) SoftnetCPUs() []int {
	w.initSoftnet()
	return slices.Clone(w.softnet.cpus)
}

// SoftnetDelta returns CPU cpu's softnet counters over the window, summed
// over the intervals where the CPU had a row at both ends (see the Deltas'
// Intervals for the coverage of a CPU that came online or went offline).
// ok is false when the CPU has no delta at all.
func (w *Window) SoftnetDelta(cpu int) (SoftnetDelta, bool) {
	w.initSoftnet()
	out := SoftnetDelta{CPU: cpu}
	dst := [len(softnetColumns)]*Delta{&out.Processed, &out.Dropped, &out.TimeSqueeze,
		&out.CPUCollision, &out.ReceivedRPS, &out.FlowLimitCount}
	switch len(w.Snaps) {
	case 0:
		return out, false
	case 1:
		r, ok := w.softnetRow(0, cpu)
		if !ok {
			return out, false
		}
		for k, c := range softnetColumns {
			if r.Columns >= c.col {
				*dst[k] = w.total(c.get(r))
			}
		}
		return out, out.Processed.Known()
	}
	w.initSteps()
	var acc [len(softnetColumns)]accum
	prev, pok := w.softnetRow(0, cpu)
	for i := 1; i < len(w.Snaps); i++ {
		cur, cok := w.softnetRow(i, cpu)
		if pok && cok {
			for k, c := range softnetColumns {
				if prev.Columns >= c.col && cur.Columns >= c.col {
					acc[k].add(i, w.steps[i], c.get(prev), c.get(cur), counter.Bits32)
				}
			}
		}
		prev, pok = cur, cok
	}
	found := false
	for k := range acc {
		var ok bool
		*dst[k], ok = acc[k].result(len(w.Snaps) - 1)
		found = found || ok
	}
	return out, found
}
