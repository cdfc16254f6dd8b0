package report

import (
	"errors"
	"time"

	"github.com/netvet/netvet/analyze"
)

// Input is one window to report on.
type Input struct {
	Window *analyze.Window
	Result analyze.Result // analyze.Analyze over Window
	Source string         // where the snapshots came from: "recording /tmp/x", "this host (db1)"
	// Interval is the recording's sampling interval (collect.Origin's),
	// for intervals whose snapshots carry neither time nor uptime.
	Interval time.Duration
	Bench    Bench // benchmark results; may be empty
}

// Build assembles the report of one window.
func Build(in Input) (*Report, error) {
	w := in.Window
	if w == nil || w.Len() == 0 {
		return nil, errors.New("no snapshot to report on")
	}
	r := &Report{
		Host:     hostFacts(w, in.Source),
		Window:   windowFacts(w),
		Blind:    in.Result.Blind,
		Rates:    rates(w),
		Bonds:    bondViews(w),
		analyzed: in.Result.Findings,
	}
	r.Findings, r.Counts = findingViews(in.Result.Findings)
	r.Top = topActions(in.Result.Findings, r.Findings)
	r.Config = configView(w, in.Result.Findings, r.Findings)
	var err error
	if r.Plots, err = hostPlots(w, in.Interval); err != nil {
		return nil, err
	}
	if r.Bench, err = benchView(in.Bench); err != nil {
		return nil, err
	}
	return r, nil
}

// RateTable is the report's rates as a table (the template's view).
func (r *Report) RateTable() Table { return rateTable(r.Rates, r.Window.SinceBoot) }
