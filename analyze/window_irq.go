package analyze

import (
	"slices"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/counter"
)

// proc/interrupts counts are unsigned int per CPU and wrap at 2^32
// (irq_desc_kstat_cpu in
// https://github.com/torvalds/linux/blob/master/include/linux/irqdesc.h; the
// arch rows come from irq_cpustat_t, also unsigned int). Lines are keyed by
// their IRQ field ("42", "LOC"), never by row: a line added or freed between
// two snapshots moves every row after it. When the device names of a line
// differ between two snapshots the IRQ was freed and requested again, so a
// decrease there is a reset, never a wrap.

// rowKind says how a proc/interrupts row counts toward per-CPU totals.
type rowKind uint8

const (
	rowDevice rowKind = iota // a numbered IRQ: NIC queues, storage, …
	rowArch                  // an architecture row with per-CPU counts: LOC, RES, CAL, NMI, IPI0, …
	rowTotal                 // ERR, MIS: one system-wide count, not per CPU
)

// irqLayout locates lines and CPUs in one or more consecutive snapshots whose
// proc/interrupts have the same rows and columns.
type irqLayout struct {
	rows map[string]int32 // IRQ field -> row
	kind []rowKind        // per row
	cpus []int            // CPU of each column
	cols []int32          // CPU -> column, -1 when absent
}

func (l *irqLayout) col(cpu int) int32 {
	if cpu < 0 || cpu >= len(l.cols) {
		return -1
	}
	return l.cols[cpu]
}

type irqIndex struct {
	lay    []*irqLayout      // per snapshot; nil when it has no usable interrupts
	lines  []collect.IRQLine // every line of the window (see IRQLines)
	maxCPU int
}

func (w *Window) initIRQ() {
	w.irqOnce.Do(func() {
		ix := &w.irq
		ix.lay = make([]*irqLayout, len(w.Snaps))
		ix.maxCPU = -1
		var prev *collect.Interrupts
		for i, s := range w.Snaps {
			in := s.Interrupts
			if in == nil || len(in.Counts) != len(in.Lines)*len(in.CPUs) {
				prev = nil
				continue // absent, or inconsistent: unusable rather than a panic
			}
			if prev != nil && sameIRQLayout(prev, in) {
				ix.lay[i] = ix.lay[i-1]
			} else {
				ix.lay[i] = newIRQLayout(in)
				ix.maxCPU = max(ix.maxCPU, len(ix.lay[i].cols)-1)
			}
			prev = in
		}
		// Lines: the newest snapshot's, then those only older ones had.
		seen := map[string]bool{}
		var last *irqLayout
		for i := len(w.Snaps) - 1; i >= 0; i-- {
			if ix.lay[i] == nil || ix.lay[i] == last {
				continue
			}
			last = ix.lay[i]
			for _, ln := range w.Snaps[i].Interrupts.Lines {
				if !seen[ln.IRQ] {
					seen[ln.IRQ] = true
					ix.lines = append(ix.lines, ln)
				}
			}
		}
	})
}

func newIRQLayout(in *collect.Interrupts) *irqLayout {
	l := &irqLayout{
		rows: make(map[string]int32, len(in.Lines)),
		kind: make([]rowKind, len(in.Lines)),
		cpus: in.CPUs,
	}
	for r, ln := range in.Lines {
		if _, dup := l.rows[ln.IRQ]; !dup {
			l.rows[ln.IRQ] = int32(r)
		}
		switch {
		case ln.Num >= 0:
			l.kind[r] = rowDevice
		case ln.IRQ == "ERR" || ln.IRQ == "MIS":
			l.kind[r] = rowTotal
		default:
			l.kind[r] = rowArch
		}
	}
	l.cols = cpuColumns(in.CPUs)
	return l
}

// sameIRQLayout reports whether two snapshots' interrupts have the same rows
// (by IRQ field, in order) and columns, so one index serves both and their
// Counts line up cell for cell.
func sameIRQLayout(a, b *collect.Interrupts) bool {
	if len(a.Lines) != len(b.Lines) || !slices.Equal(a.CPUs, b.CPUs) {
		return false
	}
	if len(a.Lines) == 0 || &a.Lines[0] == &b.Lines[0] {
		return true // the collector reused the previous layout
	}
	for r := range a.Lines {
		if a.Lines[r].IRQ != b.Lines[r].IRQ {
			return false
		}
	}
	return true
}

// lineWidth is the width to read a line's counts with between two snapshots:
// 32 bits, unless the line's devices changed (the IRQ was re-requested: a
// decrease is then a reset).
func lineWidth(a, b *collect.IRQLine) counter.Width {
	if a != b && a.Device != b.Device {
		return counter.Bits64
	}
	return counter.Bits32
}

// IRQLines lists every proc/interrupts line of the window: the newest
// snapshot's lines in file order, then lines only older snapshots had (an
// IRQ freed during the window). Each is described as last seen.
func (w *Window) IRQLines() []collect.IRQLine {
	w.initIRQ()
	return slices.Clone(w.irq.lines)
}

// irqCell returns line irq's count on cpu in snapshot i, and the line.
func (w *Window) irqCell(i int, irq string, cpu int) (uint64, *collect.IRQLine, bool) {
	l := w.irq.lay[i]
	if l == nil {
		return 0, nil, false
	}
	r, ok := l.rows[irq]
	c := l.col(cpu)
	if !ok || c < 0 {
		return 0, nil, false
	}
	in := w.Snaps[i].Interrupts
	return in.Counts[int(r)*len(in.CPUs)+int(c)], &in.Lines[r], true
}

// IRQDelta returns how many interrupts of line irq ("42", "LOC") CPU cpu
// handled over the window. ok is false when that cell has no delta.
func (w *Window) IRQDelta(irq string, cpu int) (Delta, bool) {
	w.initIRQ()
	switch len(w.Snaps) {
	case 0:
		return Delta{}, false
	case 1:
		v, _, ok := w.irqCell(0, irq, cpu)
		if !ok {
			return Delta{}, false
		}
		return w.total(v), true
	}
	w.initSteps()
	var a accum
	pv, pl, pok := w.irqCell(0, irq, cpu)
	for i := 1; i < len(w.Snaps); i++ {
		cv, cl, cok := w.irqCell(i, irq, cpu)
		if pok && cok {
			a.add(i, w.steps[i], pv, cv, lineWidth(pl, cl))
		}
		pv, pl, pok = cv, cl, cok
	}
	return a.result(len(w.Snaps) - 1)
}

// IRQLineDelta is one proc/interrupts line over the window.
type IRQLineDelta struct {
	Line  collect.IRQLine // as in the newest snapshot that has it
	CPUs  []int           // CPUs with a delta, ascending
	Inc   []uint64        // interrupts each of CPUs handled (aligned with CPUs)
	Total Delta           // all CPUs: per interval, the sum over the CPUs present at both ends
}

// IRQLineDelta returns line irq's interrupts per CPU over the window (the
// spread of a NIC queue's interrupts), ok=false when the line has no delta.
func (w *Window) IRQLineDelta(irq string) (IRQLineDelta, bool) {
	w.initIRQ()
	var out IRQLineDelta
	for i := len(w.Snaps) - 1; i >= 0; i-- {
		if l := w.irq.lay[i]; l != nil {
			if r, ok := l.rows[irq]; ok {
				out.Line = w.Snaps[i].Interrupts.Lines[r]
				break
			}
		}
	}
	if len(w.Snaps) == 0 || w.irq.maxCPU < 0 {
		return out, false
	}
	inc := make([]uint64, w.irq.maxCPU+1)
	has := make([]bool, w.irq.maxCPU+1)
	if len(w.Snaps) == 1 {
		l := w.irq.lay[0]
		if l == nil {
			return out, false
		}
		r, ok := l.rows[irq]
		if !ok {
			return out, false
		}
		var sum uint64
		for j, v := range w.Snaps[0].Interrupts.Row(int(r)) {
			if l.col(l.cpus[j]) != int32(j) {
				continue // a negative or repeated CPU in a malformed header
			}
			inc[l.cpus[j]], has[l.cpus[j]] = v, true
			sum = counter.Add(sum, v)
		}
		out.Total = w.total(sum)
		out.CPUs, out.Inc = compactCPUs(inc, has)
		return out, true
	}
	w.initSteps()
	var tot accum
	for i := 1; i < len(w.Snaps); i++ {
		lp, lc := w.irq.lay[i-1], w.irq.lay[i]
		if lp == nil || lc == nil {
			continue
		}
		rp, okp := lp.rows[irq]
		rc, okc := lc.rows[irq]
		if !okp || !okc {
			continue
		}
		inP, inC := w.Snaps[i-1].Interrupts, w.Snaps[i].Interrupts
		width := lineWidth(&inP.Lines[rp], &inC.Lines[rc])
		p, c := inP.Row(int(rp)), inC.Row(int(rc))
		st := w.steps[i]
		var sum uint64
		var reset, wrap, found bool
		for j, cpu := range lc.cpus {
			if lc.col(cpu) != int32(j) {
				continue // a negative or repeated CPU in a malformed header
			}
			pj := int32(j)
			if lp != lc {
				if pj = lp.col(cpu); pj < 0 {
					continue
				}
			}
			d, ch := counter.Increase(p[pj], c[j], width, st.reboot)
			inc[cpu] = counter.Add(inc[cpu], d)
			has[cpu] = true
			sum = counter.Add(sum, d)
			reset = reset || ch == counter.Reset
			wrap = wrap || ch == counter.Wrapped
			found = true
		}
		if found {
			tot.record(i, st, sum, reset, wrap)
		}
	}
	var ok bool
	out.Total, ok = tot.result(len(w.Snaps) - 1)
	out.CPUs, out.Inc = compactCPUs(inc, has)
	return out, ok
}

func compactCPUs(inc []uint64, has []bool) ([]int, []uint64) {
	var cpus []int
	var vals []uint64
	for cpu, h := range has {
		if h {
			cpus = append(cpus, cpu)
			vals = append(vals, inc[cpu])
		}
	}
	return cpus, vals
}
