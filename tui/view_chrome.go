package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// The frame around every screen: the tabs, the status line that says how
// fresh the numbers are, the footer with the keys, and the help.

// tabsLine names the screens, the current one highlighted, and the mode.
func (m *Model) tabsLine(w int) string {
	mode := "LIVE"
	switch {
	case m.paused:
		mode = "PAUSED"
	case m.stale():
		mode = "STALE"
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
	case "STALE":
		return m.pal.stale.on(mode)
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
