package tui

import (
	"strconv"
	"strings"
)

// stripMetric is one row of the per-CPU strip.
type stripMetric struct {
	label string
	get   func(*cpuRates) rate
	loss  bool // any non-zero value is trouble: painted red whatever its share
}

var stripMetrics = []stripMetric{
	{"nic irq/s", func(c *cpuRates) rate { return c.nicIRQ }, false},
	{"NET_RX/s", func(c *cpuRates) rate { return c.softirq[sirqNetRX] }, false},
	{"processed/s", func(c *cpuRates) rate { return c.processed }, false},
	{"dropped/s", func(c *cpuRates) rate { return c.dropped }, true},
	{"squeezed/s", func(c *cpuRates) rate { return c.squeezed }, true},
}

var blocks = []rune("▁▂▃▄▅▆▇█")

const (
	stripLabel = 12 // "processed/s "
	stripNote  = 18 // " max 12.3k cpu255"
)

// stripGroup is how many CPUs share a cell of the strip at width w.
func stripGroup(n, w int) int {
	avail := w - stripLabel - stripNote
	if avail < 4 {
		avail = max(w-stripLabel, 1)
	}
	return max((n+avail-1)/avail, 1)
}

// cpuStrip draws one row per metric with a cell per CPU (or per group of
// CPUs when they outnumber the columns: a cell then shows its busiest CPU),
// its height and colour the CPU's share of the busiest one. Zero is "·",
// unknown is blank.
func (m *Model) cpuStrip(w int) []string {
	cpus := m.fr.s.cpus
	if len(cpus) == 0 {
		return []string{m.pal.dim.on("no per-CPU counters (proc/net/softnet_stat, proc/softirqs absent)")}
	}
	avail := w - stripLabel - stripNote
	if avail < 4 {
		avail = max(w-stripLabel, 1)
	}
	per := stripGroup(len(cpus), w)
	cells := (len(cpus) + per - 1) / per
	cw := min(max(avail/cells, 1), 4)

	var out []string
	// Axis: CPU numbers at the start of every few cells.
	axis := make([]byte, cells*cw)
	for i := range axis {
		axis[i] = ' '
	}
	// A label every few cells: as often as the widest CPU number allows.
	widest := len(strconv.Itoa(cpus[len(cpus)-1].cpu)) + 1
	step := max(1, (widest+cw-1)/cw)
	if step > 1 {
		step = (step + 1) / 2 * 2 // even steps: labels on round-ish CPU numbers
	}
	for c := 0; c < cells; c += step {
		label := strconv.Itoa(cpus[c*per].cpu)
		pos := c * cw
		if pos+len(label) > len(axis) {
			break
		}
		if pos > 0 && axis[pos-1] != ' ' {
			continue
		}
		copy(axis[pos:], label)
	}
	out = append(out, m.pal.dim.on(strings.TrimRight(pad("cpu", stripLabel)+string(axis), " ")))

	for _, sm := range stripMetrics {
		var most rate
		mostCPU := -1
		for i := range cpus {
			if r := sm.get(&cpus[i]); r.ok && (!most.ok || r.v > most.v) {
				most, mostCPU = r, cpus[i].cpu
			}
		}
		var b strings.Builder
		b.WriteString(pad(sm.label, stripLabel))
		for c := 0; c < cells; c++ {
			var v rate
			for i := c * per; i < min((c+1)*per, len(cpus)); i++ {
				if r := sm.get(&cpus[i]); r.ok && (!v.ok || r.v > v.v) {
					v = r
				}
			}
			ch, p := m.heatCell(v, most, sm.loss)
			if cw >= 3 {
				// Wide cells keep a gap, so neighbours with the same
				// value still read as separate CPUs.
				b.WriteString(p.on(strings.Repeat(ch, cw-1)))
				b.WriteByte(' ')
			} else {
				b.WriteString(p.on(strings.Repeat(ch, cw)))
			}
		}
		note := "max –"
		if most.ok {
			note = "max " + si(most)
			if most.v > 0 {
				note += " cpu" + strconv.Itoa(mostCPU)
			}
		}
		b.WriteString(" ")
		b.WriteString(m.pal.dim.on(note))
		out = append(out, b.String())
	}
	return out
}

// heatCell is one CPU's character and paint for a value against the
// busiest CPU's.
func (m *Model) heatCell(v, most rate, loss bool) (string, paint) {
	switch {
	case !v.ok:
		return " ", ""
	case v.v <= 0:
		return "·", m.pal.heat[0]
	}
	share := 1.0
	if most.v > 0 {
		share = v.v / most.v
	}
	lvl := min(int(share*float64(len(blocks))), len(blocks)-1)
	p := m.pal.heat[1]
	switch {
	case loss:
		p = m.pal.crit
	case share > 0.66:
		p = m.pal.heat[3]
	case share > 0.33:
		p = m.pal.heat[2]
	}
	return string(blocks[lvl]), p
}

// pad left-aligns s in n cells (s is plain text).
func pad(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat(" ", n-len(s))
}
