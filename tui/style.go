package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// paint is a style reduced to the escape sequence that opens it, so hot
// loops (a 256-CPU strip, a table of queues) colour cells by concatenation
// instead of a lipgloss Render per cell. Every painted run ends with reset,
// so truncating a line never leaves a style open past its end.
type paint string

const reset = "\x1b[m"

func paintOf(st lipgloss.Style) paint {
	s := st.Render("X")
	i := strings.IndexByte(s, 'X')
	if i <= 0 {
		return ""
	}
	return paint(s[:i])
}

// on wraps s in the paint; the empty paint leaves s as it is.
func (p paint) on(s string) string {
	if p == "" || s == "" {
		return s
	}
	return string(p) + s + reset
}

// palette holds the dashboard's paints. Colours are the 16 ANSI ones, which
// every terminal maps to its own theme; bubbletea downsamples or strips them
// for the terminal it runs in (NO_COLOR, TERM=dumb).
type palette struct {
	bold, dim, tab, tabOn, head, crit, warn, info, ok, hot, stale, badge paint
	heat                                                                 [4]paint // idle, low, mid, high
}

func newPalette() palette {
	c := func(n string) lipgloss.Style { return lipgloss.NewStyle().Foreground(lipgloss.Color(n)) }
	return palette{
		bold:  paintOf(lipgloss.NewStyle().Bold(true)),
		dim:   paintOf(lipgloss.NewStyle().Faint(true)),
		tab:   paintOf(c("7")),
		tabOn: paintOf(lipgloss.NewStyle().Reverse(true).Bold(true)),
		head:  paintOf(lipgloss.NewStyle().Bold(true).Underline(true)),
		crit:  paintOf(c("9").Bold(true)),
		warn:  paintOf(c("11")),
		info:  paintOf(c("14")),
		ok:    paintOf(c("10")),
		hot:   paintOf(c("11").Bold(true)),
		stale: paintOf(lipgloss.NewStyle().Reverse(true).Bold(true).Foreground(lipgloss.Color("9"))),
		badge: paintOf(lipgloss.NewStyle().Reverse(true)),
		heat:  [4]paint{paintOf(lipgloss.NewStyle().Faint(true)), paintOf(c("2")), paintOf(c("3")), paintOf(c("9"))},
	}
}
