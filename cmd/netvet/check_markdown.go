package main

import (
	"fmt"
	"io"
	"strings"
)

// writeCheckMarkdown writes the check for a ticket or a wiki page.
func writeCheckMarkdown(w io.Writer, r checkResult) error {
	fmt.Fprintf(w, "# netvet check: %s\n\n", mdEscape(orDash(r.last.Host.Hostname)))
	fmt.Fprintf(w, "- kernel: %s\n- source: %s\n- window: %s\n- result: %s\n",
		mdEscape(orDash(r.last.Host.Kernel)), mdEscape(describeOrigin(r.origin)), windowText(r), countsText(r.shown))
	if len(r.shown) > 0 {
		fmt.Fprintf(w, "\n| severity | finding | subject | summary |\n|---|---|---|---|\n")
		for _, f := range r.shown {
			fmt.Fprintf(w, "| %s | `%s` | %s | %s |\n", f.Severity, f.ID, mdEscape(f.Subject), mdEscape(f.Summary))
		}
	}
	for _, f := range r.shown {
		fmt.Fprintf(w, "\n## %s: `%s` %s\n\n%s\n", f.Severity, f.ID, mdEscape(f.Subject), mdEscape(f.Summary))
		if len(f.Evidence) > 0 {
			fmt.Fprintf(w, "\n| evidence | value |\n|---|---|\n")
			for _, e := range f.Evidence {
				fmt.Fprintf(w, "| %s | %s |\n", mdEscape(e.Metric), mdEscape(e.String()))
			}
		}
		for i, rec := range f.Recommendations {
			fmt.Fprintf(w, "\n**Do %d.** %s\n", i+1, mdEscape(rec.Summary))
			if len(rec.Commands) > 0 {
				fmt.Fprintf(w, "\n```sh\n%s\n```\n", strings.Join(rec.Commands, "\n"))
			}
			if rec.Persist != "" {
				fmt.Fprintf(w, "\n- persist: %s\n", mdEscape(rec.Persist))
			}
			if rec.Risk != "" {
				fmt.Fprintf(w, "- risk: %s\n", mdEscape(rec.Risk))
			}
		}
	}
	if len(r.res.Blind) > 0 {
		fmt.Fprintf(w, "\n## Not available\n\n")
		for _, b := range r.res.Blind {
			fmt.Fprintf(w, "- `%s`: %s — hides %s\n", b.Collector, mdEscape(orDash(b.Reason)), strings.Join(b.Hides, ", "))
		}
	}
	return nil
}

// mdEscape keeps table cells and text from breaking the Markdown.
func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "`", "'")
	return r.Replace(s)
}
