package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/netvet/netvet/analyze"
)

// windowText says what the findings are computed over.
func windowText(r checkResult) string {
	w := r.window
	if w.Single() {
		up := ""
		if secs, ok := w.SinceBoot(); ok {
			up = fmt.Sprintf(" (uptime %s)", uptime(secs))
		}
		return "one snapshot: counters are totals since boot" + up + ", so nothing is reported as critical"
	}
	secs, ok := w.Seconds()
	span := "of unknown length"
	if ok {
		span = fmt.Sprintf("over %.1f s", secs)
	}
	return fmt.Sprintf("%d snapshots %s (%s → %s)", w.Len(), span, timeText(w.First().Time), timeText(w.Last().Time))
}

func countsText(fs []analyze.Finding) string {
	n := map[analyze.Severity]int{}
	for _, f := range fs {
		n[f.Severity]++
	}
	return fmt.Sprintf("%d critical, %d warning, %d info", n[analyze.Critical], n[analyze.Warning], n[analyze.Info])
}

func writeCheckTable(w io.Writer, r checkResult) error {
	fmt.Fprintf(w, "netvet check: %s, kernel %s\nsource: %s\nwindow: %s\n",
		orDash(r.last.Host.Hostname), orDash(r.last.Host.Kernel), describeOrigin(r.origin), windowText(r))
	if len(r.shown) == 0 {
		fmt.Fprintln(w, "\nNo findings.")
	}
	for _, sev := range []analyze.Severity{analyze.Critical, analyze.Warning, analyze.Info} {
		var rows [][]string
		for _, f := range r.shown {
			if f.Severity == sev {
				rows = append(rows, []string{f.ID, f.Subject, f.Summary})
			}
		}
		title := fmt.Sprintf("%s (%d)", strings.ToUpper(sev.String()), len(rows))
		if err := writeTableWrapped(w, title, []string{"finding", "subject", "summary"}, rows, 118); err != nil {
			return err
		}
	}
	if len(r.shown) > 0 {
		fmt.Fprintln(w, "\nDETAILS AND WHAT TO DO")
	}
	for i, f := range r.shown {
		writeFindingText(w, i+1, f)
	}
	writeBlind(w, r.res.Blind)
	fmt.Fprintf(w, "\nResult: %s\n", countsText(r.shown))
	return nil
}

func writeFindingText(w io.Writer, n int, f analyze.Finding) {
	fmt.Fprintf(w, "\n%d. [%s] %s  %s\n   %s\n", n, f.Severity, f.ID, f.Subject, f.Summary)
	if len(f.Evidence) > 0 {
		fmt.Fprintln(w, "   evidence:")
		for _, e := range f.Evidence {
			fmt.Fprintf(w, "     - %s: %s\n", e.Metric, e.String())
		}
	}
	for j, rec := range f.Recommendations {
		fmt.Fprintf(w, "   do %d: %s\n", j+1, rec.Summary)
		for _, c := range rec.Commands {
			fmt.Fprintf(w, "       %s\n", c)
		}
		if rec.Persist != "" {
			fmt.Fprintf(w, "       persist: %s\n", rec.Persist)
		}
		if rec.Risk != "" {
			fmt.Fprintf(w, "       risk: %s\n", rec.Risk)
		}
	}
}

func writeBlind(w io.Writer, blind []analyze.Blind) {
	if len(blind) == 0 {
		return
	}
	fmt.Fprintln(w, "\nNOT AVAILABLE (these findings could not be looked for)")
	for _, b := range blind {
		reason := b.Reason
		if reason == "" {
			reason = b.State
		}
		fmt.Fprintf(w, "  - %s: %s\n    hides: %s\n", b.Collector, reason, strings.Join(b.Hides, ", "))
	}
}
