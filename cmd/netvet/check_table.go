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
			fmt.Fprintf(w, "     - %s: %s\n", e.Metric, evidenceValue(e))
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

// evidenceValue formats one evidence line: "68,604 packets (12.3/s) [proc/net/softnet_stat]".
func evidenceValue(e analyze.Evidence) string {
	var b strings.Builder
	if e.Text != "" {
		b.WriteString(e.Text)
	} else {
		b.WriteString(numberText(e.Value))
		if e.Unit != "" {
			b.WriteString(" " + e.Unit)
		}
	}
	if e.Rate != nil {
		fmt.Fprintf(&b, " (%s/s)", numberText(*e.Rate))
	}
	if e.Source != "" {
		fmt.Fprintf(&b, " [%s]", e.Source)
	}
	return b.String()
}

// numberText prints integers with thousands separators and fractions with
// three significant digits.
func numberText(v float64) string {
	if v == float64(int64(v)) && v < 1e15 && v > -1e15 {
		s := fmt.Sprintf("%d", int64(v))
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		var out []byte
		for i := range s {
			if i > 0 && (len(s)-i)%3 == 0 {
				out = append(out, ',')
			}
			out = append(out, s[i])
		}
		if neg {
			return "-" + string(out)
		}
		return string(out)
	}
	if v >= 1000 || v <= -1000 {
		return numberText(float64(int64(v + 0.5)))
	}
	return fmt.Sprintf("%.3g", v)
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
