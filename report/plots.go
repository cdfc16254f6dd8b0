package report

import (
	"fmt"
	"strconv"
	"time"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

// topLines is how many CPUs or interfaces a time-series panel draws one by
// one; the others are one grey line, their mean.
const topLines = 6

// hostPlots builds the plots of one window.
func hostPlots(w *analyze.Window, every time.Duration) ([]Plot, error) {
	st := steps(w.Snaps, every)
	builders := []func() (Plot, error){
		func() (Plot, error) { return irqHeatPlot(w) },
		func() (Plot, error) { return softnetPlot(w, st) },
		func() (Plot, error) { return nicPlot(w, st) },
		func() (Plot, error) { return acceptFillPlot(w) },
	}
	out := make([]Plot, 0, len(builders))
	for _, b := range builders {
		p, err := b()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

const noSeries = "one snapshot: a time series needs at least two (record with netvet record --duration)"

func irqHeatPlot(w *analyze.Window) (Plot, error) {
	p := Plot{ID: "irq-heatmap", Title: "Interrupts per CPU and NIC queue"}
	last := w.Last()
	if last.Interrupts == nil {
		p.Empty = "proc/interrupts is not in this source"
		return p, nil
	}
	qs := queueIRQs(w)
	if len(qs) == 0 {
		p.Empty = "no interrupt vector in proc/interrupts could be matched to a network interface's queue"
		return p, nil
	}
	h := buildHeat(qs, last.Interrupts.CPUs)
	when := "over the window"
	if w.Single() {
		when = "since boot"
	}
	p.Caption = fmt.Sprintf("Each row is a queue's interrupt vector, each column a CPU; the colour is the number of interrupts %s on a log scale (white: none). %d vectors on %d CPUs.",
		when, len(qs), len(h.cpus))
	var total uint64
	for _, q := range qs {
		total += q.total
	}
	if total == 0 {
		p.Caption += " No queue vector fired " + when + "."
	}
	if len(h.rows) < len(qs) || len(h.cols) < len(h.cpus) {
		p.Caption += fmt.Sprintf(" Neighbouring cells are summed into %d × %d bins; the table has every vector.", len(h.rows), len(h.cols))
	}
	svg, err := figure(p.Title, figWidth, heatHeight(h), drawHeat(h, p.Title))
	if err != nil {
		return p, err
	}
	p.SVG = svg
	p.Tables = []Table{heatTable(qs, w.Single())}
	return p, nil
}

// softnetColumns are the three softnet_stat columns the plot shows.
var softnetColumns = []struct {
	title string
	col   int
	get   func(*collect.SoftnetCPU) uint64
}{
	{"processed (packets/s)", 1, func(r *collect.SoftnetCPU) uint64 { return r.Processed }},
	{"dropped: backlog full (packets/s)", 2, func(r *collect.SoftnetCPU) uint64 { return r.Dropped }},
	{"time squeezed: budget ran out (events/s)", 3, func(r *collect.SoftnetCPU) uint64 { return r.TimeSqueeze }},
}

func softnetPlot(w *analyze.Window, st []step) (Plot, error) {
	p := Plot{ID: "softnet", Title: "Softnet per CPU over time"}
	cpus := w.SoftnetCPUs()
	if len(cpus) == 0 {
		p.Empty = "proc/net/softnet_stat is not in this source"
		return p, nil
	}
	p.Tables = []Table{softnetTable(w, cpus)}
	if w.Single() {
		p.Empty = noSeries
		return p, nil
	}
	rest := fmt.Sprintf("mean of the other %d CPUs", max(len(cpus)-topLines, 0))
	var panels []panel
	for _, c := range softnetColumns {
		all := softnetSeries(w, st, c.col, c.get)
		panels = append(panels, panel{title: c.title, ylabel: "per second", lines: seriesLines(topSeries(all, topLines, rest), rest)})
	}
	p.Caption = fmt.Sprintf("proc/net/softnet_stat per interval. Each panel draws the %d CPUs with the largest total for that column; the grey dashed line is the mean of the others.", topLines)
	if len(cpus) <= topLines+1 {
		p.Caption = "proc/net/softnet_stat per interval, one line per CPU."
	}
	svg, err := figure(p.Title, figWidth, panelH*3+30, stackPlots(panels, "seconds since the first snapshot"))
	p.SVG = svg
	return p, err
}

// softnetTable lists every CPU's softnet totals over the window.
func softnetTable(w *analyze.Window, cpus []int) Table {
	when := "in the window"
	if w.Single() {
		when = "since boot"
	}
	t := Table{Caption: "Softnet per CPU " + when, Head: []string{"CPU", "processed", "per second", "dropped", "time squeezed"},
		Num: []bool{true, true, true, true, true}, Fold: len(cpus) > 16}
	for _, c := range cpus {
		d, ok := w.SoftnetDelta(c)
		if !ok {
			continue
		}
		rate := "—"
		if r, ok := d.Processed.Rate(); ok {
			rate = rateText(r)
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(c), deltaText(d.Processed), rate, deltaText(d.Dropped), deltaText(d.TimeSqueeze)})
	}
	return t
}

// deltaText is a delta's increase, or a dash when the counter is absent.
func deltaText(d analyze.Delta) string {
	if !d.Known() {
		return "—"
	}
	return analyze.Commas(d.Inc)
}
