package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

func TestListenerFills(t *testing.T) {
	snap := func(ls ...collect.Listener) *collect.Snapshot { return &collect.Snapshot{Listeners: ls} }
	w := analyze.NewWindow([]*collect.Snapshot{
		snap(collect.Listener{Local: "0.0.0.0:80", Queue: 0, Limit: 128}, collect.Listener{Local: "[::]:443", Queue: 64, Limit: 128}),
		snap(collect.Listener{Local: "0.0.0.0:80", Queue: 129, Limit: 128}, collect.Listener{Local: "[::]:443", Queue: 32, Limit: 128}),
		snap(collect.Listener{Local: "[::]:443", Queue: 0, Limit: 128}, collect.Listener{Local: "127.0.0.1:9", Queue: 0, Limit: 0}),
	}, 0)
	got, any := listenerFills(w)
	if !any {
		t.Fatal("listeners.json present, but reported absent")
	}
	want := []listenerFill{
		{local: "0.0.0.0:80", peak: 129, last: 129, limit: 128, peakFill: 129.0 / 128, mean: (0 + 129.0/128) / 2, seen: 2, full: 1},
		{local: "[::]:443", peak: 64, last: 0, limit: 128, peakFill: 0.5, mean: (0.5 + 0.25 + 0) / 3, seen: 3},
		// A zero limit (a socket listen()ing with backlog 0) has no fill,
		// and its empty queue is at its limit.
		{local: "127.0.0.1:9", peak: 0, last: 0, limit: 0, seen: 1, full: 1},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(listenerFill{})); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// No listeners.json at all is not "no listener".
	if _, any := listenerFills(analyze.NewWindow([]*collect.Snapshot{{}}, 0)); any {
		t.Error("no listeners.json, reported present")
	}
}

func TestAcceptFillPlotReasons(t *testing.T) {
	p, err := acceptFillPlot(analyze.NewWindow([]*collect.Snapshot{{}}, 0))
	if err != nil || p.SVG != "" || p.Empty == "" {
		t.Errorf("no listeners.json: svg %d bytes, empty %q, err %v", len(p.SVG), p.Empty, err)
	}
	p, err = acceptFillPlot(analyze.NewWindow([]*collect.Snapshot{{Listeners: []collect.Listener{}}}, 0))
	if err != nil || p.Empty != "no TCP socket was listening" {
		t.Errorf("empty listeners.json: empty %q, err %v", p.Empty, err)
	}
}
