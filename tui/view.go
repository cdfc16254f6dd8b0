package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// View lays the model out for the terminal. It reads the model only.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	if m.fr != nil && m.fr.snap.Host.Hostname != "" {
		v.WindowTitle = "netvet top: " + m.fr.snap.Host.Hostname
	} else {
		v.WindowTitle = "netvet top"
	}
	return v
}

// Render is the screen as text with ANSI styles: exactly one line per
// terminal row, none wider than the terminal, every style closed on the line
// that opened it.
func (m *Model) Render() string {
	w, h := m.width, m.height
	if w <= 0 || h <= 0 {
		return ""
	}
	status := m.statusLine(w)
	var lines []string
	switch {
	case h == 1:
		lines = []string{status}
	case h == 2:
		lines = []string{m.tabsLine(w), status}
	default:
		lines = make([]string, 0, h)
		lines = append(lines, m.tabsLine(w), status)
		lines = append(lines, m.body(w, h-3)...)
		lines = append(lines, m.footer(w))
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight(fit(l, w), " "))
	}
	return b.String()
}

// fit cuts a line to w cells; ansi.Truncate keeps escape sequences whole and
// the trailing reset closes any style a cut left open.
func fit(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	if w <= 1 {
		return ansi.Truncate(s, w, "") + reset
	}
	return ansi.Truncate(s, w, "…") + reset
}

func (m *Model) bodyHeight() int { return max(m.height-3, 0) }

// body is the screen's area: exactly h lines.
func (m *Model) body(w, h int) []string {
	out := make([]string, 0, h)
	if m.stale() {
		out = append(out, m.pal.stale.on(m.staleText()))
	}
	if m.feedErr != nil {
		out = append(out, m.pal.crit.on("sampler stopped: "+m.feedErr.Error()))
	}
	switch {
	case m.showHelp:
		out = append(out, m.helpLines(w)...)
	case m.fr == nil:
		out = append(out, "", "  waiting for the first sample…")
	default:
		fixed, rows := m.screenLinesH(w, h-len(out))
		out = append(out, fixed...)
		room := h - len(out)
		if room > 0 && len(rows) > 0 {
			off := min(m.scroll[m.screen], max(len(rows)-room, 0))
			end := min(off+room, len(rows))
			out = append(out, rows[off:end]...)
			if end < len(rows) && room > 1 {
				// Say that the screen goes on, in place of its last line.
				out[len(out)-1] = m.pal.dim.on(fmt.Sprintf("  ↓ %d more lines (j, pgdn, G)", len(rows)-end+1))
			}
		}
	}
	if len(out) > h {
		out = out[:h]
	}
	for len(out) < h {
		out = append(out, "")
	}
	return out
}

// screenLines is the current screen's fixed lines (title, table header) and
// its scrolled rows, for the body's full height.
func (m *Model) screenLines(w int) ([]string, []string) {
	h := m.bodyHeight()
	if m.stale() {
		h--
	}
	if m.feedErr != nil {
		h--
	}
	return m.screenLinesH(w, h)
}

func (m *Model) screenLinesH(w, h int) ([]string, []string) {
	if m.fr == nil || m.showHelp {
		return nil, nil
	}
	switch m.screen {
	case scrOverview:
		return m.overview(w, h), nil
	case scrCPUs:
		return m.cpusScreen(w)
	case scrNICs:
		return m.nicsScreen(w)
	case scrTCP:
		return m.tcpScreen(w, h)
	case scrBonds:
		return m.bondsScreen(w)
	case scrFindings:
		return m.findingsScreen(w)
	}
	return nil, nil
}

func (m *Model) staleText() string {
	s := fmt.Sprintf(" STALE: no new sample for %s (expected every %s); the numbers below are that old ", age(m.age()), m.intervalText())
	if m.paused {
		s = fmt.Sprintf(" PAUSED %s ago: the numbers below are that old ", age(m.age()))
	}
	return s
}

func (m *Model) intervalText() string {
	iv := m.opt.Interval
	if iv <= 0 {
		iv = time.Second
	}
	return iv.String()
}

// tabsLine names the screens, the current one highlighted, and the mode.
func (m *Model) tabsLine(w int) string {
	mode := "LIVE"
	switch {
	case m.paused:
		mode = "PAUSED"
	case m.opt.Replay && m.ended:
		mode = "END"
	case m.opt.Replay && m.opt.Speed != 1:
		mode = fmt.Sprintf("REPLAY ×%g", m.opt.Speed)
	case m.opt.Replay:
		mode = "REPLAY"
	}
	// Three ways to name the screens, widest first; the narrowest names
	// only the current one.
	build := func(form int) string {
		var b strings.Builder
		for i := range numScreens {
			var label string
			switch {
			case form == 0:
				label = fmt.Sprintf(" %d %s", i+1, screenNames[i][0])
			case form == 1 || i == m.screen:
				label = fmt.Sprintf(" %d %s", i+1, screenNames[i][1])
			default:
				label = fmt.Sprintf(" %d", i+1)
			}
			if i == scrFindings && m.fr != nil && len(m.fr.findings) > 0 && form < 2 {
				label += fmt.Sprintf(" %d", len(m.fr.findings))
			}
			label += " "
			if i == m.screen {
				b.WriteString(m.pal.tabOn.on(label))
			} else {
				b.WriteString(m.pal.tab.on(label))
			}
		}
		return b.String()
	}
	tabs := build(0)
	for form := 1; form < 3 && ansi.StringWidth(tabs)+len(mode)+2 > w; form++ {
		tabs = build(form)
	}
	gap := w - ansi.StringWidth(tabs) - ansi.StringWidth(mode) - 1
	if gap < 1 {
		return tabs
	}
	return tabs + strings.Repeat(" ", gap) + m.modePaint(mode)
}

func (m *Model) modePaint(mode string) string {
	switch mode {
	case "PAUSED":
		return m.pal.hot.on(mode)
	case "END":
		return m.pal.dim.on(mode)
	}
	return m.pal.ok.on(mode)
}

// statusLine says what host this is and how fresh the numbers are; the age
// comes first so no terminal is too narrow to show it.
func (m *Model) statusLine(w int) string {
	type seg struct {
		text string
		prio int
	}
	var segs []seg
	add := func(prio int, s string) { segs = append(segs, seg{s, prio}) }
	if m.fr == nil {
		add(0, fmt.Sprintf("no sample yet (%s)", m.sourceText()))
	} else {
		a := "sample " + age(m.age()) + " ago"
		switch {
		case m.opt.Replay && m.ended && m.feedErr == nil:
			// The replay clock stopped with the recording: its last
			// snapshot is as fresh as the recording will ever be.
			a = "end of recording"
		case m.stale():
			a = m.pal.stale.on(a)
		case m.age() > m.staleLimit()/2:
			a = m.pal.warn.on(a)
		}
		add(0, a)
		hi := m.fr.snap.Host
		if hi.Hostname != "" {
			add(1, m.pal.bold.on(hi.Hostname))
		}
		if m.opt.Replay {
			add(1, m.replayText())
			if t := m.fr.snap.Time; !t.IsZero() {
				add(2, t.UTC().Format("15:04:05Z"))
				add(5, t.UTC().Format("2006-01-02"))
			}
		}
		add(2, m.ratesText())
		if hi.Kernel != "" {
			add(4, hi.Kernel)
		}
		if hi.Uptime > 0 {
			add(5, "up "+uptime(hi.Uptime))
		}
		if n := len(m.fr.s.cpus); n > 0 {
			add(6, fmt.Sprintf("%d CPUs", n))
		}
		add(3, m.windowText())
	}
	sep := m.pal.dim.on(" · ")
	for prio := 6; prio >= 0; prio-- {
		parts := make([]string, 0, len(segs))
		for _, s := range segs {
			if s.prio <= prio {
				parts = append(parts, s.text)
			}
		}
		line := strings.Join(parts, sep)
		if ansi.StringWidth(line) <= w || prio == 0 {
			return line
		}
	}
	return ""
}

func (m *Model) sourceText() string {
	if m.opt.Source == "" {
		return "live"
	}
	return m.opt.Source
}

func (m *Model) replayText() string {
	s := fmt.Sprintf("snapshot %d", m.count)
	if m.opt.Total > 0 {
		s += fmt.Sprintf("/%d", m.opt.Total)
	}
	if m.ended {
		s += " (end)"
	}
	return s
}

// ratesText says what the rates are measured over.
func (m *Model) ratesText() string {
	s := m.fr.s
	switch {
	case s.sinceBoot && s.secs > 0:
		return "rates: average since boot"
	case s.sinceBoot:
		return "no rates: one snapshot and no proc/uptime to divide by"
	case s.secs > 0:
		return fmt.Sprintf("rates over %.1fs", s.secs)
	}
	return "rates: interval unknown"
}

func (m *Model) windowText() string {
	if m.fr.secsOK {
		return fmt.Sprintf("window %d/%d (%.0fs)", m.fr.n, m.opt.Window, m.fr.secs)
	}
	return fmt.Sprintf("window %d/%d", m.fr.n, m.opt.Window)
}

// footer shows the filter being typed, or the keys, dropping the least
// needed ones first on a narrow terminal (help and quit stay).
func (m *Model) footer(w int) string {
	if m.filtering {
		return m.filter.View()
	}
	var pre string
	if f := m.filter.Value(); f != "" {
		pre = m.pal.hot.on("filter: "+f) + "  "
	}
	k := m.keys
	items := []struct {
		b     key.Binding
		label string
		drop  int // the order in which it goes when the line is too long
	}{
		{k.Next, "screens", 1}, {k.Sort, "sort", 2}, {k.Pause, "pause", 4}, {k.Filter, "filter", 3},
		{k.Help, "help", 99}, {k.Quit, "quit", 99},
	}
	for drop := 0; ; drop++ {
		var parts []string
		for _, it := range items {
			if it.drop > drop {
				parts = append(parts, m.pal.bold.on(it.b.Help().Key)+" "+m.pal.dim.on(it.label))
			}
		}
		line := pre + strings.Join(parts, "  ")
		if visibleWidth(line) <= w || drop >= 4 {
			return line
		}
	}
}

// helpLines lists every key in as many columns as the width holds.
func (m *Model) helpLines(w int) []string {
	var entries []string
	keyW := 0
	for _, group := range m.keys.FullHelp() {
		for _, b := range group {
			keyW = max(keyW, len([]rune(b.Help().Key)))
		}
	}
	colW := 0
	for _, group := range m.keys.FullHelp() {
		for _, b := range group {
			e := fmt.Sprintf("%-*s %s", keyW, b.Help().Key, b.Help().Desc)
			entries = append(entries, e)
			colW = max(colW, len([]rune(e))+3)
		}
	}
	cols := max(1, min(w/colW, 3))
	rows := (len(entries) + cols - 1) / cols
	lines := []string{m.pal.bold.on("Keys"), ""}
	for r := range rows {
		var b strings.Builder
		for c := range cols {
			i := c*rows + r
			if i >= len(entries) {
				break
			}
			e := entries[i]
			if c < cols-1 {
				e += strings.Repeat(" ", colW-len([]rune(e)))
			}
			b.WriteString(e)
		}
		lines = append(lines, b.String())
	}
	lines = append(lines, "")
	text := "Every screen is fed by the same window of snapshots: rates are over the newest interval, " +
		"charts over the whole window, findings are the analyzer's (netvet check) over the window. " +
		"'–' means the kernel does not say, not 0. The age in the status line grows when no sample comes; " +
		fmt.Sprintf("after %d intervals every screen is marked STALE. ", m.opt.StaleAfter) +
		"The filter matches CPU numbers, interfaces, drivers, listeners, destinations, bonds and finding text."
	return append(lines, wrapIndent(text, w, "", "")...)
}

// filtered reports whether a row with these texts passes the filter.
func (m *Model) filtered(texts ...string) bool {
	f := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	if f == "" {
		return true
	}
	for _, t := range texts {
		if strings.Contains(strings.ToLower(t), f) {
			return true
		}
	}
	return false
}

// title is a screen's first line: its name and what it is showing.
func (m *Model) title(name, detail string) string {
	if detail == "" {
		return m.pal.bold.on(name)
	}
	return m.pal.bold.on(name) + m.pal.dim.on(" — "+detail)
}

func visibleWidth(s string) int { return ansi.StringWidth(s) }
