package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

// tcpScreen shows the accept queues of the listeners (fill bars), the
// overflow and SYN drop rates with their charts, and TIME_WAIT by
// destination.
func (m *Model) tcpScreen(w, h int) ([]string, []string) {
	f := m.fr
	g := f.tcpGauges
	tw := "TIME_WAIT " + num(g.tw)
	if g.twMax.ok {
		tw += " of " + num(g.twMax) + " max"
	}
	detail := fmt.Sprintf("%s · ESTABLISHED %s · %s · orphans %s", plural(len(f.listeners), "listener"), num(g.estab), tw, num(g.orphans))
	fixed := []string{m.title("TCP", detail)}
	r := f.s.tcp
	fixed = append(fixed, pack(w, "  ",
		m.lossText("listen overflows", r.overflows), m.lossText("listen drops", r.listenDrops),
		m.lossText("SYN queue drops", r.reqQFullDrop), "syncookies sent "+si(r.cookiesSent)+"/s",
		"active opens "+si(r.activeOpens)+"/s", "passive opens "+si(r.passiveOpens)+"/s",
		"retransmits "+si(r.retrans)+"/s")...)
	if ch := min(max((h-len(fixed))/3, 0), 10); ch >= 4 {
		n := min(max(w/30, 1), 2)
		cw := (w - (n - 1)) / n
		cols := [][]string{chart("listen overflows/s", f.overflows, cw, ch, m.pal.crit)}
		if n > 1 {
			cols = append(cols, chart("SYN queue drops/s", f.syn, cw, ch, m.pal.crit))
		}
		fixed = append(fixed, sideBySide(cols, cw)...)
	}

	ls := make([]listenerView, 0, len(f.listeners))
	for _, l := range f.listeners {
		if m.filtered(l.Local) {
			ls = append(ls, l)
		}
	}
	switch m.sortName() {
	case "address":
		slices.SortStableFunc(ls, func(a, b listenerView) int { return strings.Compare(a.Local, b.Local) })
	case "max in window":
		slices.SortStableFunc(ls, func(a, b listenerView) int {
			return cmp.Compare(fill(b.maxQueue, b.Limit), fill(a.maxQueue, a.Limit))
		})
	}
	var rows []string
	rows = append(rows, m.title("Listeners", "accept queue now / limit (min of listen() backlog and somaxconn) · sort: "+m.sortName()+" (s)"))
	if f.snap.Listeners == nil {
		rows = append(rows, m.pal.dim.on("  not available (netvet/listeners.json: needs inet_diag, usually root)"))
	}
	addrW := 22
	for _, l := range ls {
		addrW = max(addrW, min(len(l.Local), 40))
	}
	for _, l := range ls {
		rows = append(rows, m.listenerRow(l, addrW, w))
	}
	if len(ls) == 0 && f.snap.Listeners != nil {
		rows = append(rows, m.pal.dim.on("  no listening TCP socket matches"))
	}
	rows = append(rows, "")
	rows = append(rows, m.remoteRows(w)...)
	return fixed, rows
}

// listenerRow is one listener: address, fill bar, share, queue/limit, the
// most seen in the window and FULL; the bar takes what the width leaves.
func (m *Model) listenerRow(l listenerView, addrW, w int) string {
	fl := fill(l.Queue, l.Limit)
	p := m.pal.ok
	full := l.Queue >= l.Limit && l.Limit > 0 || l.Limit == 0 && l.Queue > 0
	switch {
	case full:
		p = m.pal.crit
	case fl >= 0.5:
		p = m.pal.warn
	}
	pct := "–"
	if l.Limit > 0 {
		pct = fmt.Sprintf("%.0f%%", fl*100)
	}
	tail := fmt.Sprintf(" %5s %s/%s max %s", pct, analyze.Commas(uint64(l.Queue)), analyze.Commas(uint64(l.Limit)), analyze.Commas(uint64(l.maxQueue)))
	if full {
		tail += " " + m.pal.crit.on("FULL")
	}
	barW := min(w-2-addrW-1-2-visibleWidth(tail), 40)
	bar := ""
	if barW >= 4 {
		n := int(min(fl, 1)*float64(barW) + 0.5)
		if l.Queue > 0 && n == 0 {
			n = 1
		}
		bar = " [" + p.on(strings.Repeat("█", n)) + strings.Repeat(" ", barW-n) + "]"
	}
	return fmt.Sprintf("  %-*s%s%s", addrW, l.Local, bar, tail)
}

var remoteCols = []column{
	{title: "destination", width: 24, left: true},
	{title: "TIME_WAIT", width: 9},
	{title: "ESTABLISHED", width: 11},
	{title: "other", width: 6, prio: 1},
}

func (m *Model) remoteRows(w int) []string {
	f := m.fr
	if f.snap.TCPRemotes == nil {
		return []string{m.title("TIME_WAIT by destination", ""), m.pal.dim.on("  not available (netvet/tcp_remotes.json: needs inet_diag, usually root)")}
	}
	rs := make([]collect.TCPRemote, 0, len(f.remotes))
	var total int
	for _, r := range f.remotes {
		total += r.TimeWait
		if m.filtered(r.Remote) {
			rs = append(rs, r)
		}
	}
	out := []string{m.title("TIME_WAIT by destination", fmt.Sprintf("%s, %s sockets in TIME_WAIT (connections this host opened)", plural(len(f.remotes), "destination"), analyze.Commas(uint64(total))))}
	t := layout(remoteCols, w)
	out = append(out, t.header(m.pal.head))
	for _, r := range rs {
		out = append(out, t.row([]cell{c(r.Remote), c(analyze.Commas(uint64(r.TimeWait))), c(analyze.Commas(uint64(r.Established))), c(analyze.Commas(uint64(r.Other)))}))
	}
	if len(rs) == 0 {
		out = append(out, m.pal.dim.on("  no outgoing connection matches"))
	}
	return out
}

func (m *Model) lossText(label string, r rate) string {
	s := label + " " + si(r) + "/s"
	if r.ok && r.v > 0 {
		return m.pal.crit.on(s)
	}
	return s
}

// num prints a gauge with separators, "–" when unknown.
func num(r rate) string {
	if !r.ok {
		return "–"
	}
	return analyze.Commas(uint64(r.v))
}

// sepDot separates items on a line.
const sepDot = " · "

// pack lays out items separated by " · " on as few lines as w allows,
// each line starting with indent.
func pack(w int, indent string, items ...string) []string {
	var out []string
	cur := indent
	for _, it := range items {
		sep := sepDot
		if cur == indent {
			sep = ""
		}
		if cur != indent && visibleWidth(cur)+len(sep)+visibleWidth(it) > w {
			out = append(out, cur)
			cur, sep = indent, ""
		}
		cur += sep + it
	}
	if cur != indent {
		out = append(out, cur)
	}
	return out
}
