package accept

import (
	"fmt"
	"io"
	"strings"
)

// ProgressBar returns a progress callback that redraws one line on w (a
// terminal: the caller checks) and a function that erases it when done.
func ProgressBar(w io.Writer) (update func(Progress), clear func()) {
	const width = 24
	last := 0
	update = func(p Progress) {
		frac := 0.0
		if p.Length > 0 {
			frac = min(float64(p.Elapsed)/float64(p.Length), 1)
		}
		fill := int(frac * width)
		line := fmt.Sprintf("[%d/%d] %-22s %-9s %-7s %s%s %4.1f/%.1fs %8s/s",
			p.Run, p.Runs, p.Model, p.Mode, p.Phase,
			strings.Repeat("█", fill), strings.Repeat("░", width-fill),
			p.Elapsed.Seconds(), p.Length.Seconds(), siFmt(p.Rate))
		pad := max(last-len(line), 0)
		last = len(line)
		fmt.Fprintf(w, "\r%s%s", line, strings.Repeat(" ", pad))
	}
	clear = func() {
		if last > 0 {
			fmt.Fprintf(w, "\r%s\r", strings.Repeat(" ", last))
		}
	}
	return update, clear
}
