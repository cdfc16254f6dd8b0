package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// findingsScreen is the analyzer's full text: each finding with its
// evidence and what to do, the commands as they are to be pasted.
func (m *Model) findingsScreen(w int) ([]string, []string) {
	f := m.fr
	fs := m.shownFindings()
	if m.sortName() == "severity" {
		slices.SortStableFunc(fs, func(a, b finding) int { return cmp.Compare(b.Severity, a.Severity) })
	}
	span := fmt.Sprintf("%d snapshots", f.n)
	if f.secsOK {
		span += fmt.Sprintf(", %.1fs", f.secs)
	}
	detail := fmt.Sprintf("%d over the window (%s) · sort: %s (s)", len(fs), span, m.sortName())
	if f.sinceBoot {
		detail = fmt.Sprintf("%d from one snapshot: counters are totals since boot, never critical", len(fs))
	}
	fixed := []string{m.title("Findings", detail)}
	var rows []string
	if len(fs) == 0 {
		rows = append(rows, "", "  "+m.pal.ok.on("Nothing the analyzer looks for is wrong in this window."))
	}
	for i, fd := range fs {
		if i > 0 {
			rows = append(rows, "")
		}
		rows = append(rows, m.findingText(w, fd)...)
	}
	if len(f.blind) > 0 {
		rows = append(rows, "", m.pal.bold.on("Not looked at"))
		for _, b := range f.blind {
			line := fmt.Sprintf("%s %s", b.Collector, b.State)
			if b.Reason != "" {
				line += ": " + b.Reason
			}
			line += "; hides " + strings.Join(b.Hides, ", ")
			rows = append(rows, wrapIndent(line, w, "  ", "    ")...)
		}
	}
	return fixed, rows
}

func (m *Model) findingText(w int, f finding) []string {
	head := fmt.Sprintf("%s %s %s %s", m.sevTag(f.Severity), m.pal.bold.on(f.ID), f.Subject,
		m.pal.dim.on("· showing for "+m.sinceText(f.since)))
	out := []string{head}
	out = append(out, wrapIndent(f.Summary, w, "  ", "  ")...)
	if len(f.Evidence) > 0 {
		out = append(out, m.pal.dim.on("  evidence"))
		for _, e := range f.Evidence {
			out = append(out, wrapIndent(e.Metric+": "+e.String(), w, "    ", "      ")...)
		}
	}
	for j, r := range f.Recommendations {
		out = append(out, wrapIndent(fmt.Sprintf("do %d: %s", j+1, r.Summary), w, "  ", "        ")...)
		for _, c := range r.Commands {
			for _, l := range wrapIndent(c, w, "    $ ", "      ") {
				out = append(out, m.pal.info.on(l))
			}
		}
		if r.Persist != "" {
			out = append(out, wrapIndent("persist: "+r.Persist, w, "    ", "      ")...)
		}
		if r.Risk != "" {
			out = append(out, wrapIndent("risk: "+r.Risk, w, "    ", "      ")...)
		}
	}
	return out
}

// wrapIndent wraps plain text to w cells: the first line after first, the
// others after rest. Words longer than a line are cut, so no line is wider
// than the terminal.
func wrapIndent(s string, w int, first, rest string) []string {
	room := w - max(len(first), len(rest))
	if room < 8 {
		return []string{first + s}
	}
	lines := strings.Split(ansi.Wrap(s, room, ""), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = rest + lines[i]
		}
	}
	return lines
}
