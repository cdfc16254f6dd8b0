package tui

import (
	"fmt"
	"strings"
	"time"

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
