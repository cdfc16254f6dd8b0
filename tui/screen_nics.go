package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

var queueCols = []column{
	{title: "queue", width: 5},
	{title: "irq", width: 9, left: true, prio: 2},
	{title: "irq/s", width: 6},
	{title: "affinity", width: 10, left: true, prio: 1},
	{title: "ran on", width: 10, left: true, prio: 3},
	{title: "rps cpus", width: 10, left: true, prio: 2},
	{title: "rx pkts/s", width: 9, prio: 1},
	{title: "tx pkts/s", width: 9, prio: 4},
	{title: "", width: 4, left: true},
}

// nicsScreen shows each interface: its link, rings and channels, its
// rates, and a row per queue with the vectors' interrupt rate, where they
// may run and where they ran, the RPS mask and the per-queue packets, the
// skewed queues marked.
func (m *Model) nicsScreen(w int) ([]string, []string) {
	nics := make([]nicView, 0, len(m.fr.nics))
	for _, n := range m.fr.nics {
		if m.filtered(n.name, n.driver, n.kind, n.master) {
			nics = append(nics, n)
		}
	}
	switch m.sortName() {
	case "rx pps":
		slices.SortStableFunc(nics, func(a, b nicView) int { return cmp.Compare(b.rxPkts.val(), a.rxPkts.val()) })
	case "drops":
		slices.SortStableFunc(nics, func(a, b nicView) int {
			return cmp.Compare(b.drops.val()+b.overruns.val(), a.drops.val()+a.overruns.val())
		})
	}
	detail := fmt.Sprintf("%s · per second over the newest interval · sort: %s (s)", plural(len(nics), "interface"), m.sortName())
	fixed := []string{m.title("NICs and queues", detail)}
	t := layout(queueCols, w)
	var rows []string
	for i, n := range nics {
		if i > 0 {
			rows = append(rows, "")
		}
		rows = append(rows, pack(w, "", m.nicHead(n)...)...)
		rows = append(rows, pack(w, "  ", m.nicRates(n)...)...)
		if len(n.queues) == 0 {
			continue
		}
		rows = append(rows, t.header(m.pal.head))
		for _, q := range n.queues {
			rows = append(rows, t.row(m.queueCells(q)))
		}
	}
	if len(nics) == 0 {
		rows = append(rows, m.pal.dim.on("  no interface matches"))
	}
	return fixed, rows
}

func (m *Model) nicHead(n nicView) []string {
	parts := []string{m.pal.bold.on(n.name)}
	kind := strings.TrimSpace(n.kind + " " + n.driver)
	if kind != "" {
		parts = append(parts, kind)
	}
	if n.master != "" {
		parts = append(parts, "in "+n.master)
	}
	link := n.oper
	if link == "" {
		link = "state –"
	}
	if n.speed > 0 {
		link += " " + speedText(n.speed)
	}
	if n.oper == "down" || n.oper == "lowerlayerdown" {
		link = m.pal.crit.on(link)
	}
	parts = append(parts, link)
	if n.mtu > 0 {
		parts = append(parts, "mtu "+strconv.Itoa(n.mtu))
	}
	if r := n.rings; r != nil {
		ring := fmt.Sprintf("ring rx %d/%d tx %d/%d", r.RX, r.RXMax, r.TX, r.TXMax)
		if r.RX < r.RXMax {
			ring = m.pal.warn.on(ring)
		}
		parts = append(parts, ring)
	}
	if ch := n.channels; ch != nil {
		var s []string
		if ch.Combined > 0 || ch.CombinedMax > 0 {
			s = append(s, fmt.Sprintf("combined %d/%d", ch.Combined, ch.CombinedMax))
		}
		if ch.RX > 0 || ch.RXMax > 0 {
			s = append(s, fmt.Sprintf("rx %d/%d", ch.RX, ch.RXMax))
		}
		if ch.TX > 0 || ch.TXMax > 0 {
			s = append(s, fmt.Sprintf("tx %d/%d", ch.TX, ch.TXMax))
		}
		if len(s) > 0 {
			parts = append(parts, "channels "+strings.Join(s, " "))
		}
	}
	return parts
}

func (m *Model) nicRates(n nicView) []string {
	loss := func(label string, r rate) string {
		s := label + " " + si(r) + "/s"
		if r.ok && r.v > 0 {
			return m.pal.crit.on(s)
		}
		return s
	}
	parts := []string{
		fmt.Sprintf("rx %s pps %s bit/s", si(n.rxPkts), si(n.rxBits)),
		fmt.Sprintf("tx %s pps %s bit/s", si(n.txPkts), si(n.txBits)),
		loss("drops", n.drops), loss("overruns", n.overruns), loss("errors", n.errs),
	}
	if n.skew > 0 {
		s := fmt.Sprintf("skew %.1f× by %s", n.skew, n.skewBy)
		if n.skew >= 2 {
			s = m.pal.hot.on(s)
		}
		parts = append(parts, s)
	}
	return parts
}

func (m *Model) queueCells(q queueView) []cell {
	irqs := make([]string, len(q.irqs))
	for i, n := range q.irqs {
		irqs[i] = strconv.Itoa(n)
	}
	set := func(ok bool, s string) string {
		if !ok || s == "" {
			return "–"
		}
		return s
	}
	ran := "–"
	if q.irqRate.ok {
		ran = set(!q.handled.IsEmpty(), q.handled.List())
		if q.handled.IsEmpty() {
			ran = "none"
		}
	}
	mark := c("")
	switch {
	case q.hot:
		mark = cp("HOT", m.pal.hot)
	case q.idle:
		mark = cp("idle", m.pal.dim)
	}
	hl := func(s string) cell {
		if q.hot {
			return cp(s, m.pal.hot)
		}
		return c(s)
	}
	return []cell{
		c(strconv.Itoa(q.q)), c(set(len(irqs) > 0, strings.Join(irqs, ","))), hl(si(q.irqRate)),
		c(set(q.hasAffinity, q.affinity.List())), c(ran), c(rpsText(q)),
		hl(si(q.rxPkts)), c(si(q.txPkts)), mark,
	}
}

// rpsText is the queue's RPS mask: "off" when it is empty (RPS disabled),
// "–" when sysfs did not say.
func rpsText(q queueView) string {
	switch {
	case !q.hasRPS:
		return "–"
	case q.rps.IsEmpty():
		return "off"
	}
	return q.rps.List()
}
