package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/netvet/netvet/analyze"
)

// overview is the at-a-glance screen: the per-CPU strip, the busiest NICs,
// the charts and the findings, newest first, sized to fit h lines.
func (m *Model) overview(w, h int) []string {
	detail := "height and colour: share of the busiest CPU"
	if g := stripGroup(len(m.fr.s.cpus), w); g > 1 {
		detail = fmt.Sprintf("a cell is %d CPUs and shows the busiest; height and colour: share of the busiest CPU", g)
	}
	strip := append([]string{m.title("Per CPU", detail)}, m.cpuStrip(w)...)
	nics := m.overviewNICs()
	// Share the height: findings get at least their title and two lines,
	// the strip loses its title and axis before that; then the NICs (up
	// to a sixth of the screen), then the charts.
	findMin := min(1+len(m.shownFindings()), 3)
	if h < len(strip)+findMin && len(strip) > 2 {
		strip = strip[2:]
	}
	if h < len(strip)+findMin {
		strip = strip[:max(h-findMin, 0)]
	}
	rest := h - len(strip)
	nicRows := 0
	if rest >= findMin+2 {
		nicRows = min(len(nics), max(2, h/6), rest-findMin-1)
		rest -= 1 + nicRows
	}
	// The charts take what the findings do not need, between 4 and 16
	// lines; the findings keep at least half of what is left.
	chartH := 0
	if need := min(1+len(m.shownFindings()), max(rest/2, findMin)); rest-need >= 4 {
		chartH = min(rest-need, 16)
	}
	charts := m.overviewCharts(w, chartH)
	rest -= len(charts)
	out := append([]string{}, strip...)
	if nicRows > 0 {
		out = append(out, m.nicSummary(w, nics, nicRows)...)
	}
	out = append(out, charts...)
	out = append(out, m.findingLines(w, max(rest, 0))...)
	return out
}

// overviewNICs are the interfaces worth a row: those with traffic or a
// physical link, busiest first; loopback only when it is all there is.
func (m *Model) overviewNICs() []nicView {
	var out []nicView
	for _, n := range m.fr.nics {
		if !m.filtered(n.name, n.driver, n.kind) {
			continue
		}
		busy := n.rxPkts.val() > 0 || n.txPkts.val() > 0
		if n.name == "lo" || (!busy && n.kind != "physical" && n.kind != "bond") {
			continue
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		for _, n := range m.fr.nics {
			if n.name == "lo" && m.filtered(n.name) {
				out = append(out, n)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b nicView) int {
		return cmp.Compare(b.rxPkts.val()+b.txPkts.val(), a.rxPkts.val()+a.txPkts.val())
	})
	return out
}

var nicSummaryCols = []column{
	{title: "NIC", width: 10, left: true},
	{title: "rx pps", width: 7},
	{title: "tx pps", width: 7, prio: 1},
	{title: "rx bit/s", width: 8, prio: 2},
	{title: "tx bit/s", width: 8, prio: 2},
	{title: "drop/s", width: 7},
	{title: "overrun/s", width: 9, prio: 1},
	{title: "err/s", width: 6, prio: 3},
	{title: "link", width: 9, left: true, prio: 4},
}

func (m *Model) nicSummary(w int, nics []nicView, rows int) []string {
	t := layout(nicSummaryCols, w)
	out := []string{t.header(m.pal.head)}
	more := len(nics) - rows
	if more > 0 {
		rows-- // the last row says how many more there are
		more++
	}
	for i := 0; i < rows && i < len(nics); i++ {
		n := nics[i]
		link := n.oper
		if n.speed > 0 {
			link += " " + speedText(n.speed)
		}
		out = append(out, t.row([]cell{
			c(n.name), c(si(n.rxPkts)), c(si(n.txPkts)), c(si(n.rxBits)), c(si(n.txBits)),
			m.lossCell(n.drops), m.lossCell(n.overruns), m.lossCell(n.errs), c(link),
		}))
	}
	if more > 0 && rows >= 0 {
		out = append(out, m.pal.dim.on(fmt.Sprintf("  … %d more on the NICs screen (3)", more)))
	}
	return out
}

// lossCell paints a loss rate red when it is above zero.
func (m *Model) lossCell(r rate) cell {
	if r.ok && r.v > 0 {
		return cp(si(r), m.pal.crit)
	}
	return c(si(r))
}

// overviewCharts puts the pps, drops and squeezes charts side by side (as
// many as the width holds).
func (m *Model) overviewCharts(w, h int) []string {
	if h < 2 {
		return nil
	}
	type ch struct {
		title string
		data  []float64
		p     paint
	}
	charts := []ch{
		{"drops/s", m.fr.drops, m.pal.crit},
		{"pps (rx+tx)", m.fr.pps, m.pal.bold},
		{"squeezes/s", m.fr.squeezes, m.pal.warn},
	}
	n := min(max(w/26, 1), 3)
	if n < 3 {
		charts = charts[:n]
	} else {
		charts = []ch{charts[1], charts[0], charts[2]}
	}
	cw := (w - (n - 1)) / n
	cols := make([][]string, n)
	for i, c := range charts {
		cols[i] = chart(c.title, c.data, cw, h, c.p)
	}
	return sideBySide(cols, cw)
}

// sideBySide joins blocks of lines into columns cw wide.
func sideBySide(cols [][]string, cw int) []string {
	if len(cols) == 0 {
		return nil
	}
	n := 0
	for _, col := range cols {
		n = max(n, len(col))
	}
	out := make([]string, n)
	for r := range out {
		var b strings.Builder
		for i, col := range cols {
			l := ""
			if r < len(col) {
				l = col[r]
			}
			if i < len(cols)-1 {
				l = fit(l, cw)
				l += strings.Repeat(" ", max(cw-visibleWidth(l), 0)+1)
			}
			b.WriteString(l)
		}
		out[r] = b.String()
	}
	return out
}

// findingLines lists findings one per line, newest first: severity, how
// long it has shown, ID, subject, summary.
func (m *Model) findingLines(w, h int) []string {
	if h <= 0 {
		return nil
	}
	fs := m.shownFindings()
	detail := "newest first; details on the Findings screen (6)"
	if m.fr.sinceBoot {
		detail = "from one snapshot: totals since boot, never critical"
	}
	out := []string{m.title(fmt.Sprintf("Findings %d", len(fs)), detail)}
	if len(fs) == 0 {
		return append(out, m.pal.ok.on("  nothing the analyzer looks for is wrong in this window"))
	}
	for i := 0; i < len(fs) && len(out) < h; i++ {
		f := fs[i]
		if len(out) == h-1 && len(fs)-i > 1 {
			out = append(out, m.pal.dim.on(fmt.Sprintf("  … %d more", len(fs)-i)))
			break
		}
		line := fmt.Sprintf("%s %6s %s %s %s", m.sevTag(f.Severity), m.sinceText(f.since),
			f.ID, m.pal.bold.on(f.Subject), m.pal.dim.on(f.Summary))
		out = append(out, line)
	}
	return out
}

// shownFindings are the findings that pass the filter.
func (m *Model) shownFindings() []finding {
	var out []finding
	for _, f := range m.fr.findings {
		if m.filtered(f.ID, f.Subject, f.Summary) {
			out = append(out, f)
		}
	}
	return out
}

func (m *Model) sevTag(s analyze.Severity) string {
	switch s {
	case analyze.Critical:
		return m.pal.crit.on("CRIT")
	case analyze.Warning:
		return m.pal.warn.on("WARN")
	}
	return m.pal.info.on("INFO")
}

// sinceText is how long a finding has been showing, in the snapshots' own
// time, or in snapshots when they carry no time.
func (m *Model) sinceText(s seenAt) string {
	cur := m.fr.snap.Time
	if !cur.IsZero() && !s.t.IsZero() {
		return age(cur.Sub(s.t))
	}
	return plural(m.count-s.n+1, "snap")
}
