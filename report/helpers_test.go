package report

import (
	"bytes"
	"context"
	"testing"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

// load reads every snapshot of a recording, snapshot or sosreport folder.
func load(tb testing.TB, dir string) (*analyze.Window, collect.Origin) {
	tb.Helper()
	o, err := collect.OpenRoot(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { o.Close() })
	var snaps []*collect.Snapshot
	s := &collect.Sampler{Origin: o}
	if err := s.Run(context.Background(), o.Len(), func(sn *collect.Snapshot) error {
		snaps = append(snaps, sn)
		return nil
	}); err != nil {
		tb.Fatalf("reading %s: %v", dir, err)
	}
	return analyze.NewWindow(snaps, o.Interval()), o
}

// build reads dir and builds its report.
func build(tb testing.TB, dir string, bench Bench) *Report {
	tb.Helper()
	w, o := load(tb, dir)
	r, err := Build(Input{Window: w, Result: analyze.Analyze(w, analyze.Options{}), Source: "recording " + dir, Interval: o.Interval(), Bench: bench})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// render renders a page to a string.
func render(tb testing.TB, p *Page) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, p); err != nil {
		tb.Fatal(err)
	}
	return buf.String()
}

// testPage wraps r with fixed metadata, so pages compare across runs.
func testPage(r *Report) *Page { return NewPage(r, "2026-11-25T12:00:00Z", "test") }
