package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

// The heat map keeps at most this many rows (NIC queues) and columns
// (CPUs); beyond, neighbours are summed into bins. 64×64 cells keep the SVG
// of the worst case (every cell non-zero) near 400 kB, and a row stays tall
// enough to read its label. The text table beside it is never binned.
const (
	maxHeatRows = 64
	maxHeatCols = 64
)

// queueIRQ is one NIC queue vector's interrupts over the window.
type queueIRQ struct {
	iface, label string
	irq          int
	perCPU       map[int]uint64
	total        uint64
	affinity     string // smp_affinity_list, "" when not read
}

// heat is the CPU × NIC-queue interrupt matrix, binned for drawing.
type heat struct {
	queues []queueIRQ // every queue vector, in NIC then queue order
	cpus   []int      // every CPU column of proc/interrupts
	rows   []string   // row labels (top first), after binning
	cols   []string   // column labels, after binning
	z      [][]uint64 // z[row][col]: interrupts in the bin
}

// queueIRQs lists the NIC queue vectors of the newest snapshot with their
// interrupts per CPU over the window.
func queueIRQs(w *analyze.Window) []queueIRQ {
	last := w.Last()
	byIf := collect.NICIRQs(last)
	ifaces := make([]string, 0, len(byIf))
	for n := range byIf {
		ifaces = append(ifaces, n)
	}
	slices.SortFunc(ifaces, analyze.NaturalCompare)
	var out []queueIRQ
	for _, n := range ifaces {
		for _, q := range byIf[n] {
			d, ok := w.IRQLineDelta(strconv.Itoa(q.IRQ))
			if !ok {
				continue
			}
			v := queueIRQ{iface: n, label: queueLabel(n, q), irq: q.IRQ, perCPU: make(map[int]uint64, len(d.CPUs)), total: d.Total.Inc}
			for i, c := range d.CPUs {
				if d.Inc[i] > 0 {
					v.perCPU[c] = d.Inc[i]
				}
			}
			if last.Config != nil {
				if a, ok := last.Config.IRQs[q.IRQ]; ok {
					v.affinity = a.Affinity.List()
				}
			}
			out = append(out, v)
		}
	}
	return out
}

// queueLabel names a queue vector as "eth0 TxRx-3" ("eth0" for a NIC's
// only vector).
func queueLabel(iface string, q collect.QueueIRQ) string {
	if q.Kind == "single" || q.Kind == "" {
		return iface
	}
	return fmt.Sprintf("%s %s-%d", iface, q.Kind, q.Queue)
}

// buildHeat bins the queue vectors over the CPU columns.
func buildHeat(qs []queueIRQ, cpus []int) heat {
	h := heat{queues: qs, cpus: cpus}
	colBin := (len(cpus) + maxHeatCols - 1) / maxHeatCols
	rowBin := (len(qs) + maxHeatRows - 1) / maxHeatRows
	colOf := make(map[int]int, len(cpus))
	for i, c := range cpus {
		colOf[c] = i / max(colBin, 1)
	}
	for i := 0; i < len(cpus); i += max(colBin, 1) {
		j := min(i+colBin, len(cpus)) - 1
		if colBin <= 1 || i == j {
			h.cols = append(h.cols, strconv.Itoa(cpus[i]))
		} else {
			h.cols = append(h.cols, cpumask.Of(cpus[i:j+1]...).List())
		}
	}
	// Rows are binned within one NIC, never across two.
	for start := 0; start < len(qs); {
		end := start + 1
		for end < len(qs) && end-start < rowBin && qs[end].iface == qs[start].iface {
			end++
		}
		row := make([]uint64, len(h.cols))
		for _, q := range qs[start:end] {
			for c, v := range q.perCPU {
				if k, ok := colOf[c]; ok {
					row[k] += v
				}
			}
		}
		label := qs[start].label
		if end-start > 1 {
			label = fmt.Sprintf("%s … %s", qs[start].label, strings.TrimPrefix(qs[end-1].label, qs[end-1].iface+" "))
		}
		h.rows = append(h.rows, label)
		h.z = append(h.z, row)
		start = end
	}
	return h
}

// heatTable is the text form of the heat map: one row per queue vector.
func heatTable(qs []queueIRQ, single bool) Table {
	when := "in the window"
	if single {
		when = "since boot"
	}
	t := Table{
		Caption: "Interrupts per NIC queue vector " + when,
		Head:    []string{"queue", "IRQ", "interrupts", "busiest CPU", "its share", "CPUs that took any", "affinity"},
		Num:     []bool{false, true, true, true, true, false, false},
		Fold:    len(qs) > 16,
	}
	for _, q := range qs {
		busiest, top := -1, uint64(0)
		var took []int
		for c, v := range q.perCPU {
			took = append(took, c)
			if v > top || v == top && c < busiest {
				busiest, top = c, v
			}
		}
		share, bcpu := "—", "—"
		if busiest >= 0 && q.total > 0 {
			share = pct(float64(top) / float64(q.total))
			bcpu = strconv.Itoa(busiest)
		}
		t.Rows = append(t.Rows, []string{q.label, strconv.Itoa(q.irq), analyze.Commas(q.total), bcpu, share,
			orDash(cpumask.Of(took...).List()), orDash(q.affinity)})
	}
	return t
}
