package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/netvet/netvet/analyze"
)

// hostFacts reads what identifies the host from the newest snapshot.
func hostFacts(w *analyze.Window, source string) HostFacts {
	s := w.Last()
	h := HostFacts{Hostname: s.Host.Hostname, Kernel: s.Host.Kernel, BootID: s.Host.BootID, CPUs: s.Host.CPUs, Source: source}
	if s.Host.Uptime > 0 {
		h.Uptime = seconds(s.Host.Uptime)
	}
	if cfg := s.Config; cfg != nil {
		if t := cfg.Topology; t != nil {
			if n := t.Online.Count(); n > 0 {
				h.CPUs = n
			}
			h.Nodes = len(t.Nodes)
		}
		if ib := cfg.IRQBalance; ib != nil {
			h.IRQBalance = "not running"
			if ib.Running {
				h.IRQBalance = "running"
				if ib.PID > 0 {
					h.IRQBalance = fmt.Sprintf("running (pid %d)", ib.PID)
				}
				if ib.Banned != "" {
					h.IRQBalance += ", banned CPUs " + ib.Banned
				}
			}
		}
	}
	if h.CPUs == 0 {
		h.CPUs = len(s.Softnet)
	}
	return h
}

// windowFacts says what the counters cover.
func windowFacts(w *analyze.Window) WindowFacts {
	f := WindowFacts{Snapshots: w.Len(), SinceBoot: w.Single()}
	if t := w.First().Time; !t.IsZero() {
		f.Start = t.UTC().Format(time.RFC3339)
	}
	if t := w.Last().Time; !t.IsZero() {
		f.End = t.UTC().Format(time.RFC3339)
	}
	if f.SinceBoot {
		f.Text = "one snapshot: counters are totals since boot, so nothing is critical"
		if up, ok := w.SinceBoot(); ok {
			f.Seconds = up
			f.Text = fmt.Sprintf("one snapshot: counters are totals since boot (uptime %s), so nothing is critical", seconds(up))
		}
		return f
	}
	if secs, ok := w.Seconds(); ok {
		f.Seconds = secs
		f.Text = fmt.Sprintf("%d snapshots over %s", w.Len(), seconds(secs))
	} else {
		f.Text = fmt.Sprintf("%d snapshots over a span of unknown length", w.Len())
	}
	return f
}

// findingViews turns findings into what the page shows, with anchors
// f-1, f-2, … in the analyzer's order (most severe first).
func findingViews(fs []analyze.Finding) ([]FindingView, Counts) {
	var c Counts
	out := make([]FindingView, 0, len(fs))
	for i, f := range fs {
		switch f.Severity {
		case analyze.Critical:
			c.Critical++
		case analyze.Warning:
			c.Warning++
		default:
			c.Info++
		}
		v := FindingView{Anchor: fmt.Sprintf("f-%d", i+1), ID: f.ID, Severity: f.Severity.String(),
			Subject: f.Subject, Summary: f.Summary, Recommendations: f.Recommendations}
		for _, e := range f.Evidence {
			v.Evidence = append(v.Evidence, evidenceRow(e))
		}
		out = append(out, v)
	}
	return out, c
}

func evidenceRow(e analyze.Evidence) EvidenceRow {
	r := EvidenceRow{Metric: e.Metric, Source: e.Source}
	if e.Text != "" {
		r.Value = e.Text
	} else {
		r.Value = analyze.FormatNumber(e.Value)
		switch e.Unit {
		case "":
		case "%":
			r.Value += "%"
		default:
			r.Value += " " + e.Unit
		}
	}
	if e.Rate != nil {
		r.Rate = rateText(*e.Rate)
	}
	return r
}

// maxActionCommands bounds the commands an action shows in the summary;
// every command is in the finding itself.
const maxActionCommands = 6

// maxNamedSubjects bounds the other subjects an action names.
const maxNamedSubjects = 5

// topActions returns the first recommendation of the three most severe
// finding IDs, each over every subject it concerns: four NICs with a small
// ring are one action ("raise the rings"), not three of the top three.
func topActions(fs []analyze.Finding, views []FindingView) []Action {
	var out []Action
	index := map[string]int{}
	for i, f := range fs {
		if len(f.Recommendations) == 0 {
			continue
		}
		rec := f.Recommendations[0]
		k, seen := index[f.ID]
		if !seen {
			if len(out) == 3 {
				continue
			}
			index[f.ID] = len(out)
			k = len(out)
			out = append(out, Action{Severity: f.Severity.String(), ID: f.ID, Anchor: views[i].Anchor, Summary: rec.Summary})
		}
		a := &out[k]
		a.Subjects = append(a.Subjects, f.Subject)
		for _, cmd := range rec.Commands {
			if len(a.Commands) < maxActionCommands {
				a.Commands = append(a.Commands, cmd)
			} else {
				a.More++
			}
		}
	}
	for i := range out {
		if others := out[i].Subjects[1:]; len(others) > 0 {
			// The summary was written for the first subject; say that
			// the others follow (a few by name: 255 CPUs are a count).
			list := strings.Join(others, ", ")
			if len(others) > maxNamedSubjects {
				list = fmt.Sprintf("%s and %d more", strings.Join(others[:maxNamedSubjects], ", "), len(others)-maxNamedSubjects)
			}
			out[i].Summary = fmt.Sprintf("%s (and likewise for %s)", out[i].Summary, list)
		}
	}
	return out
}
