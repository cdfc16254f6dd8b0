package report

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/netvet/netvet/analyze"
)

// maxListenerBars bounds the listeners drawn; the table has them all.
const maxListenerBars = 20

// listenerFill is one listening socket's accept queue over the window.
type listenerFill struct {
	local             string
	peak, last, limit uint32
	peakFill, mean    float64 // queue / limit
	seen, full        int     // snapshots it was in, and at its limit in
}

// listenerFills reads every snapshot's listeners.json.
func listenerFills(w *analyze.Window) ([]listenerFill, bool) {
	by := map[string]*listenerFill{}
	var order []string
	any := false
	for _, s := range w.Snaps {
		if s.Listeners != nil {
			any = true
		}
		for _, l := range s.Listeners {
			f := by[l.Local]
			if f == nil {
				f = &listenerFill{local: l.Local}
				by[l.Local] = f
				order = append(order, l.Local)
			}
			f.seen++
			f.last, f.limit = l.Queue, l.Limit
			f.peak = max(f.peak, l.Queue)
			if l.Limit > 0 {
				fill := float64(l.Queue) / float64(l.Limit)
				f.peakFill = max(f.peakFill, fill)
				f.mean += fill
			}
			if l.Queue >= l.Limit {
				f.full++
			}
		}
	}
	out := make([]listenerFill, 0, len(order))
	for _, k := range order {
		f := by[k]
		f.mean /= float64(f.seen)
		out = append(out, *f)
	}
	slices.SortStableFunc(out, func(a, b listenerFill) int {
		if c := cmpDesc(a.peakFill, b.peakFill); c != 0 {
			return c
		}
		if c := cmpDesc(float64(a.peak), float64(b.peak)); c != 0 {
			return c
		}
		return analyze.NaturalCompare(a.local, b.local)
	})
	return out, any
}

func acceptFillPlot(w *analyze.Window) (Plot, error) {
	p := Plot{ID: "accept-fill", Title: "Accept-queue fill per listener"}
	fills, any := listenerFills(w)
	if !any {
		p.Empty = "no listener data in this source (netvet/listeners.json comes from inet_diag on the live host)"
		return p, nil
	}
	if len(fills) == 0 {
		p.Empty = "no TCP socket was listening"
		return p, nil
	}
	t := Table{Caption: "Listeners by peak accept-queue fill", Head: []string{"listener", "peak queue", "limit", "peak fill", "mean fill", "snapshots at the limit"},
		Num: []bool{false, true, true, true, true, true}, Fold: len(fills) > 16}
	for _, f := range fills {
		t.Rows = append(t.Rows, []string{f.local, strconv.FormatUint(uint64(f.peak), 10), strconv.FormatUint(uint64(f.limit), 10),
			pct(f.peakFill), pct(f.mean), fmt.Sprintf("%d of %d", f.full, f.seen)})
	}
	p.Tables = []Table{t}
	shown := fills[:min(len(fills), maxListenerBars)]
	labels := make([]string, len(shown))
	peak := make([]float64, len(shown))
	mean := make([]float64, len(shown))
	for i, f := range shown {
		labels[i] = f.local
		peak[i] = f.peakFill * 100
		mean[i] = f.mean * 100
	}
	p.Caption = "Accept-queue length over its limit (min(listen() backlog, net.core.somaxconn)) in each snapshot: at 100% new connections are dropped (tcp.listen_overflow)."
	if len(fills) > len(shown) {
		p.Caption += fmt.Sprintf(" The %d fullest of %d listeners; the table has all.", len(shown), len(fills))
	}
	groups := []barGroup{{name: "peak", values: peak}, {name: "mean", values: mean, color: restColor}}
	svg, err := figure(p.Title, figWidth, hbarsHeight(len(shown), 2), hbars(p.Title, "% of the accept-queue limit", labels, groups, 100))
	p.SVG = svg
	return p, err
}
