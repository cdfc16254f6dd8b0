package analyze

import (
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/counter"
)

// CPUInterrupts is how many interrupts one CPU handled over the window,
// summed over every proc/interrupts line, each read with the 32-bit rule.
type CPUInterrupts struct {
	CPU     int
	Devices Delta // numbered IRQs (NIC queues, storage, …)
	// All adds the architecture's per-CPU rows (LOC, RES, CAL, TLB, NMI,
	// IPIn, …). ERR and MIS are left out of both: they are one system-wide
	// count, not per CPU.
	All Delta
}

// CPUInterruptsDelta returns CPU cpu's interrupt totals over the window,
// counted over the intervals where the CPU had a column at both ends (an
// offline CPU has none). A line present at only one end of an interval adds
// nothing to it, as a new series adds nothing to a Prometheus increase().
func (w *Window) CPUInterruptsDelta(cpu int) (CPUInterrupts, bool) {
	w.initCPUIRQ()
	for _, c := range w.cpuIRQ {
		if c.CPU == cpu {
			return c, true
		}
	}
	return CPUInterrupts{CPU: cpu}, false
}

// InterruptsByCPU returns every CPU's interrupt totals, ascending by CPU.
func (w *Window) InterruptsByCPU() []CPUInterrupts {
	w.initCPUIRQ()
	return append([]CPUInterrupts(nil), w.cpuIRQ...)
}

// cellFlag marks how a CPU's cells moved in an interval.
type cellFlag uint8

const (
	cellReset cellFlag = 1 << iota
	cellWrap
)

// initCPUIRQ sums every line per CPU, once: 60 snapshots of 1,000 lines by
// 256 CPUs are 15 million cells, so the loop runs over the flat Counts of
// snapshots with the same layout without any lookup.
func (w *Window) initCPUIRQ() {
	w.cpuIRQOnce.Do(func() {
		w.initIRQ()
		if len(w.Snaps) == 0 || w.irq.maxCPU < 0 {
			return
		}
		if len(w.Snaps) == 1 {
			w.cpuIRQ = w.cpuIRQTotals()
			return
		}
		w.initSteps()
		n := w.irq.maxCPU + 1
		dev, all := make([]accum, n), make([]accum, n)
		seen := make([]bool, n)
		var b irqSums
		for i := 1; i < len(w.Snaps); i++ {
			lp, lc := w.irq.lay[i-1], w.irq.lay[i]
			if lp == nil || lc == nil {
				continue
			}
			st := w.steps[i]
			b.sumInterval(w.Snaps[i-1].Interrupts, w.Snaps[i].Interrupts, lp, lc, st.reboot)
			for j, cpu := range lc.cpus {
				if b.pcol[j] < 0 {
					continue
				}
				seen[cpu] = true
				f := b.flags[j]
				dev[cpu].record(i, st, b.dev[j], f&cellReset != 0, f&cellWrap != 0)
				all[cpu].record(i, st, counter.Add(b.dev[j], b.arch[j]), f&cellReset != 0, f&cellWrap != 0)
			}
		}
		for cpu := range seen {
			if !seen[cpu] {
				continue
			}
			c := CPUInterrupts{CPU: cpu}
			c.Devices, _ = dev[cpu].result(len(w.Snaps) - 1)
			c.All, _ = all[cpu].result(len(w.Snaps) - 1)
			w.cpuIRQ = append(w.cpuIRQ, c)
		}
	})
}

// cpuIRQTotals is the single-snapshot case: totals since boot.
func (w *Window) cpuIRQTotals() []CPUInterrupts {
	l := w.irq.lay[0]
	if l == nil {
		return nil
	}
	in := w.Snaps[0].Interrupts
	nc := len(in.CPUs)
	dev, arch := make([]uint64, nc), make([]uint64, nc)
	for r := range in.Lines {
		if l.kind[r] == rowTotal {
			continue
		}
		tgt := arch
		if l.kind[r] == rowDevice {
			tgt = dev
		}
		for j, v := range in.Row(r) {
			tgt[j] = counter.Add(tgt[j], v)
		}
	}
	var out []CPUInterrupts
	for cpu, j := range l.cols {
		if j >= 0 {
			out = append(out, CPUInterrupts{CPU: cpu, Devices: w.total(dev[j]), All: w.total(counter.Add(dev[j], arch[j]))})
		}
	}
	return out
}

// irqSums holds one interval's per-column sums (columns of the newer
// snapshot), reused across intervals.
type irqSums struct {
	dev, arch []uint64
	flags     []cellFlag
	pcol      []int32 // column of the same CPU in the older snapshot, -1 when absent
}

func (b *irqSums) reset(nc int) {
	b.dev = resize(b.dev, nc)
	b.arch = resize(b.arch, nc)
	b.flags = resize(b.flags, nc)
	b.pcol = resize(b.pcol, nc)
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// sumInterval adds up every line's increase per CPU between two snapshots.
func (b *irqSums) sumInterval(inP, inC *collect.Interrupts, lp, lc *irqLayout, reboot bool) {
	nc := len(lc.cpus)
	b.reset(nc)
	same := lp == lc
	for j, cpu := range lc.cpus {
		switch {
		case lc.col(cpu) != int32(j):
			b.pcol[j] = -1 // a negative or repeated CPU in a malformed header
		case same:
			b.pcol[j] = int32(j)
		default:
			b.pcol[j] = lp.col(cpu)
		}
	}
	sharedLines := len(inC.Lines) > 0 && len(inP.Lines) > 0 && &inP.Lines[0] == &inC.Lines[0]
	npc := len(inP.CPUs)
	for r := range inC.Lines {
		k := lc.kind[r]
		if k == rowTotal {
			continue
		}
		rp := int32(r)
		if !same {
			var ok bool
			if rp, ok = lp.rows[inC.Lines[r].IRQ]; !ok {
				continue // a line requested during the interval
			}
		}
		width := counter.Bits32
		if !sharedLines {
			width = lineWidth(&inP.Lines[rp], &inC.Lines[r])
		}
		tgt := b.arch
		if k == rowDevice {
			tgt = b.dev
		}
		c := inC.Counts[r*nc : (r+1)*nc]
		p := inP.Counts[int(rp)*npc : (int(rp)+1)*npc]
		switch {
		case reboot:
			for j, v := range c {
				if b.pcol[j] >= 0 {
					tgt[j] = counter.Add(tgt[j], v)
					b.flags[j] |= cellReset
				}
			}
		case same:
			p = p[:len(c)]
			for j, v := range c {
				if v >= p[j] {
					tgt[j] = counter.Add(tgt[j], v-p[j])
					continue
				}
				b.addDown(tgt, j, p[j], v, width)
			}
		default:
			for j, v := range c {
				pj := b.pcol[j]
				if pj < 0 {
					continue
				}
				if v >= p[pj] {
					tgt[j] = counter.Add(tgt[j], v-p[pj])
					continue
				}
				b.addDown(tgt, j, p[pj], v, width)
			}
		}
	}
}

// addDown handles a cell that went down: a wrap or a reset.
func (b *irqSums) addDown(tgt []uint64, j int, prev, cur uint64, width counter.Width) {
	d, ch := counter.Delta(prev, cur, width)
	tgt[j] = counter.Add(tgt[j], d)
	if ch == counter.Wrapped {
		b.flags[j] |= cellWrap
	} else {
		b.flags[j] |= cellReset
	}
}

// cpuColumns maps CPU numbers to their column; -1 for CPUs without one.
func cpuColumns(cpus []int) []int32 {
	maxCPU := -1
	for _, c := range cpus {
		maxCPU = max(maxCPU, c)
	}
	cols := make([]int32, maxCPU+1)
	for c := range cols {
		cols[c] = -1
	}
	for j, c := range cpus {
		if c >= 0 && cols[c] < 0 {
			cols[c] = int32(j)
		}
	}
	return cols
}
