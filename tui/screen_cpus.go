package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// cpuCol is one column of the CPUs table: how to read it and how much it
// matters when the terminal is narrow.
type cpuCol struct {
	column
	get func(*cpuRates) rate
}

func sirq(k int) func(*cpuRates) rate { return func(c *cpuRates) rate { return c.softirq[k] } }

var cpuCols = []cpuCol{
	{column{title: "CPU", width: 5, left: true}, nil},
	{column{title: "nic irq/s", width: 9, prio: 1}, func(c *cpuRates) rate { return c.nicIRQ }},
	{column{title: "NET_RX/s", width: 8, prio: 1}, sirq(sirqNetRX)},
	{column{title: "NET_TX/s", width: 8, prio: 2}, sirq(sirqNetTX)},
	{column{title: "processed/s", width: 11, prio: 1}, func(c *cpuRates) rate { return c.processed }},
	{column{title: "dropped/s", width: 9}, func(c *cpuRates) rate { return c.dropped }},
	{column{title: "squeezed/s", width: 10, prio: 1}, func(c *cpuRates) rate { return c.squeezed }},
	{column{title: "rps ipi/s", width: 9, prio: 3}, func(c *cpuRates) rate { return c.rps }},
	{column{title: "flow lim/s", width: 10, prio: 4}, func(c *cpuRates) rate { return c.flowLimit }},
	{column{title: "backlog", width: 7, prio: 4}, func(c *cpuRates) rate { return c.backlog }},
	{column{title: "TIMER/s", width: 7, prio: 5}, sirq(1)},
	{column{title: "SCHED/s", width: 7, prio: 5}, sirq(7)},
	{column{title: "RCU/s", width: 6, prio: 6}, sirq(9)},
	{column{title: "HRTIMER/s", width: 9, prio: 6}, sirq(8)},
	{column{title: "TASKLET/s", width: 9, prio: 7}, sirq(6)},
	{column{title: "BLOCK/s", width: 7, prio: 7}, sirq(4)},
	{column{title: "IRQ_POLL/s", width: 10, prio: 8}, sirq(5)},
	{column{title: "HI/s", width: 5, prio: 8}, sirq(0)},
}

// sortKeys names what s cycles through on a screen (the first is the
// default); nil when the screen has nothing to sort.
func sortKeys(s screenID) []string {
	switch s {
	case scrCPUs:
		return []string{"cpu", "dropped/s", "squeezed/s", "processed/s", "NET_RX/s", "nic irq/s", "NET_TX/s"}
	case scrNICs:
		return []string{"kind", "rx pps", "drops"}
	case scrTCP:
		return []string{"fill", "address", "max in window"}
	case scrFindings:
		return []string{"newest", "severity"}
	}
	return nil
}

func (m *Model) sortName() string {
	keys := sortKeys(m.screen)
	if len(keys) == 0 {
		return ""
	}
	return keys[m.sortCol[m.screen]%len(keys)]
}

// cpusScreen is a table of every CPU's softnet and softirq rates over the
// newest interval, with the total first.
func (m *Model) cpusScreen(w int) ([]string, []string) {
	cols := make([]column, len(cpuCols))
	sortBy := m.sortName()
	for i, cc := range cpuCols {
		cols[i] = cc.column
		if cc.title == sortBy {
			cols[i].title = cc.title + "▼"
			cols[i].width = max(cols[i].width, len(cc.title)+1)
		} else if i == 0 && sortBy == "cpu" {
			cols[i].title = "CPU▲"
		}
	}
	t := layout(cols, w)
	cpus := m.fr.s.cpus
	idx := make([]int, 0, len(cpus))
	for i := range cpus {
		n := strconv.Itoa(cpus[i].cpu)
		if m.filtered("cpu"+n, n) {
			idx = append(idx, i)
		}
	}
	if sortBy != "cpu" {
		var get func(*cpuRates) rate
		for _, cc := range cpuCols {
			if cc.title == sortBy {
				get = cc.get
			}
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(get(&cpus[b]).val(), get(&cpus[a]).val()) })
	}
	var total cpuRates
	for i := range cpus {
		total.nicIRQ = total.nicIRQ.add(cpus[i].nicIRQ)
		total.processed = total.processed.add(cpus[i].processed)
		total.dropped = total.dropped.add(cpus[i].dropped)
		total.squeezed = total.squeezed.add(cpus[i].squeezed)
		total.rps = total.rps.add(cpus[i].rps)
		total.flowLimit = total.flowLimit.add(cpus[i].flowLimit)
		total.backlog = total.backlog.add(cpus[i].backlog)
		for k := range total.softirq {
			total.softirq[k] = total.softirq[k].add(cpus[i].softirq[k])
		}
	}
	detail := fmt.Sprintf("%s · per second over the newest interval · sort: %s (s)", plural(len(cpus), "CPU"), sortBy)
	if hidden := len(cols) - len(t.keep); hidden > 0 {
		detail += fmt.Sprintf(" · %d more columns in a wider terminal", hidden)
	}
	fixed := []string{m.title("CPUs", detail), t.header(m.pal.head), m.pal.bold.on(t.row(m.cpuCells("all", &total)))}
	rows := make([]string, 0, len(idx))
	for _, i := range idx {
		rows = append(rows, t.row(m.cpuCells(strconv.Itoa(cpus[i].cpu), &cpus[i])))
	}
	if len(idx) == 0 {
		rows = append(rows, m.pal.dim.on("  no CPU matches the filter"))
	}
	return fixed, rows
}

func (m *Model) cpuCells(name string, r *cpuRates) []cell {
	cells := make([]cell, len(cpuCols))
	cells[0] = c(name)
	for i, cc := range cpuCols[1:] {
		v := cc.get(r)
		switch {
		case cc.title == "dropped/s" || cc.title == "flow lim/s":
			cells[i+1] = m.lossCell(v)
		case cc.title == "squeezed/s" && v.ok && v.v > 0:
			cells[i+1] = cp(si(v), m.pal.warn)
		default:
			cells[i+1] = c(si(v))
		}
	}
	return cells
}
