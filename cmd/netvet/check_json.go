package main

import (
	"encoding/json"
	"io"
	"time"

	"github.com/netvet/netvet/analyze"
)

// checkJSON is the netvet.check/v1 schema (DESIGN.md "Findings").
type checkJSON struct {
	Schema     string            `json:"schema"`
	Host       string            `json:"host"`
	Kernel     string            `json:"kernel"`
	Source     string            `json:"source"`
	Window     windowJSON        `json:"window"`
	Findings   []analyze.Finding `json:"findings"`
	Collectors []collectorJSON   `json:"collectors"`
	Blind      []analyze.Blind   `json:"blind,omitempty"`
}

type windowJSON struct {
	Start     *time.Time `json:"start,omitempty"`
	End       *time.Time `json:"end,omitempty"`
	Seconds   float64    `json:"seconds"`
	Snapshots int        `json:"snapshots"`
	SinceBoot bool       `json:"since_boot"` // one snapshot: totals since boot
}

type collectorJSON struct {
	Name       string  `json:"name"`
	OK         bool    `json:"ok"`
	State      string  `json:"state"`
	Error      string  `json:"error,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

func writeCheckJSON(w io.Writer, r checkResult) error {
	out := checkJSON{
		Schema:   "netvet.check/v1",
		Host:     r.last.Host.Hostname,
		Kernel:   r.last.Host.Kernel,
		Source:   describeOrigin(r.origin),
		Findings: r.shown,
		Blind:    r.res.Blind,
		Window:   windowJSON{Snapshots: r.window.Len(), SinceBoot: r.window.Single()},
	}
	if out.Findings == nil {
		out.Findings = []analyze.Finding{}
	}
	if t := r.window.First().Time; !t.IsZero() {
		out.Window.Start = &t
	}
	if t := r.window.Last().Time; !t.IsZero() {
		out.Window.End = &t
	}
	if secs, ok := r.window.Seconds(); ok {
		out.Window.Seconds = secs
	} else if secs, ok := r.window.SinceBoot(); ok && r.window.Single() {
		out.Window.Seconds = secs
	}
	for _, st := range r.last.Status {
		out.Collectors = append(out.Collectors, collectorJSON{
			Name: st.Name, OK: st.State == "ok", State: string(st.State), Error: st.Err,
			DurationMS: float64(st.Duration.Microseconds()) / 1000,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
