package report

import (
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/bench/accept"
)

// AcceptView is `netvet bench accept` in the page.
type AcceptView struct {
	Machine, Setup string
	Notes          []string
	Plots          []Plot
	Table          Table
}

// acceptView draws each model's rate, latency percentiles and per-worker
// fairness from the median run of each model and mode.
func acceptView(r *accept.Report) (*AcceptView, error) {
	c := r.Config
	loop := "closed loop"
	if c.Rate > 0 {
		loop = fmt.Sprintf("open loop at %s requests/s", analyze.FormatNumber(c.Rate))
	}
	v := &AcceptView{
		Machine: fmt.Sprintf("%s: %d CPUs, kernel %s; run %s", orDash(r.Host.Hostname), r.Host.CPUs, orDash(r.Host.Kernel), r.Time.UTC().Format(time.RFC3339)),
		Setup: fmt.Sprintf("%d workers, %d connections from %d client threads, %s, %s window after %s warm-up, %d run(s) each",
			c.Workers, c.Conns, c.ClientThreads, loop, seconds(c.DurationS), seconds(c.WarmupS), c.Repeat),
		Notes: r.Notes,
	}
	if r.Netns {
		v.Setup += ", in a network namespace of its own"
	}
	if c.ChurnS > 0 {
		v.Setup += fmt.Sprintf(", a worker restarted every %s", seconds(c.ChurnS))
	}
	for _, s := range r.Skipped {
		v.Notes = append(v.Notes, fmt.Sprintf("%s skipped: %s", s.Model, s.Reason))
	}
	labels := make([]string, len(r.Results))
	for i, res := range r.Results {
		labels[i] = fmt.Sprintf("%s (%s)", res.Model, res.Mode)
	}
	var modes []accept.Mode
	for _, res := range r.Results {
		if !slices.Contains(modes, res.Mode) {
			modes = append(modes, res.Mode)
		}
	}
	var models []string
	for _, res := range r.Results {
		if !slices.Contains(models, string(res.Model)) {
			models = append(models, string(res.Model))
		}
	}
	var groups []barGroup
	for _, m := range modes {
		g := barGroup{values: make([]float64, len(models))}
		for i := range g.values {
			g.values[i] = math.NaN()
		}
		for _, res := range r.Results {
			if res.Mode == m {
				g.name = fmt.Sprintf("%s (%s)", m, res.Unit)
				g.values[slices.Index(models, string(res.Model))] = float64(res.Median().Rate)
			}
		}
		groups = append(groups, g)
	}
	rate := Plot{ID: "accept-rate", Title: "Accept models: rate",
		Caption: "The median run's rate: connections per second when every request has its own connection (close), requests per second over kept-alive connections."}
	lat := Plot{ID: "accept-latency", Title: "Accept models: latency percentiles",
		Caption: "Request latency of the median run (log scale), from the client's send (the intended send time in open loop) to the whole response."}
	fair := Plot{ID: "accept-fairness", Title: "Accept models: per-worker load",
		Caption: "Each dot is one worker's connections (close) or requests (keep-alive) divided by an equal share: 1 is fair, 0 a worker that got nothing. Jain's index is in the table."}
	var err error
	if rate.SVG, err = figure(rate.Title, figWidth, hbarsHeight(len(models), len(groups)), hbars(rate.Title, "per second", models, groups, 0)); err != nil {
		return nil, err
	}
	if lat.SVG, err = figure(lat.Title, figWidth, hbarsHeight(len(labels), 1), latencyDots(lat.Title, labels, r.Results)); err != nil {
		return nil, err
	}
	if fair.SVG, err = figure(fair.Title, figWidth, hbarsHeight(len(labels), 1), fairnessDots(fair.Title, labels, r.Results)); err != nil {
		return nil, err
	}
	v.Plots = []Plot{rate, lat, fair}
	v.Table = acceptTable(r)
	return v, nil
}

// percentiles are the latency marks drawn, with their glyphs.
var percentiles = []struct {
	name  string
	get   func(accept.Latency) accept.Num
	glyph draw.GlyphDrawer
}{
	{"p50", func(l accept.Latency) accept.Num { return l.P50 }, draw.CircleGlyph{}},
	{"p90", func(l accept.Latency) accept.Num { return l.P90 }, draw.SquareGlyph{}},
	{"p99", func(l accept.Latency) accept.Num { return l.P99 }, draw.TriangleGlyph{}},
	{"p99.9", func(l accept.Latency) accept.Num { return l.P999 }, draw.CrossGlyph{}},
}

func latencyDots(title string, labels []string, rs []accept.Result) func(dc draw.Canvas) {
	return func(dc draw.Canvas) {
		p := newPlot(title, "latency (µs, log scale)", "")
		leg := newLegend()
		lo, hi := math.Inf(1), math.Inf(-1)
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		n := len(rs)
		for k, pc := range percentiles {
			var xys plotter.XYs
			for i, res := range rs {
				v := float64(pc.get(res.Median().Latency))
				if pc.get(res.Median().Latency).Valid() && v > 0 {
					xys = append(xys, plotter.XY{X: v, Y: float64(n - 1 - i)})
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
			if len(xys) == 0 {
				continue
			}
			s, err := plotter.NewScatter(xys)
			if err != nil {
				panic(err)
			}
			s.GlyphStyle = draw.GlyphStyle{Color: palette10[k], Radius: 2.5, Shape: pc.glyph}
			p.Add(s)
			leg.Add(pc.name, s)
		}
		if lo > hi {
			lo, hi = 1, 10 // nothing measured: an empty decade
		}
		// A little room either side, so the extreme marks are not cut.
		p.X.Min, p.X.Max = lo/1.3, hi*1.3
		p.NominalY(reversed(labels)...)
		p.Add(plotter.NewGrid())
		drawWithLegend(p, leg, dc)
	}
}

func fairnessDots(title string, labels []string, rs []accept.Result) func(dc draw.Canvas) {
	return func(dc draw.Canvas) {
		p := newPlot(title, "load relative to an equal share (1 = fair)", "")
		n := len(rs)
		var xys plotter.XYs
		hi := 2.0
		for i, res := range rs {
			for _, x := range workerShares(res) {
				xys = append(xys, plotter.XY{X: x, Y: float64(n - 1 - i)})
				hi = math.Max(hi, x*1.05)
			}
		}
		if len(xys) > 0 {
			s, err := plotter.NewScatter(xys)
			if err != nil {
				panic(err)
			}
			s.GlyphStyle = draw.GlyphStyle{Color: palette10[0], Radius: 2.5, Shape: draw.CircleGlyph{}}
			p.Add(s)
		}
		ref, err := plotter.NewLine(plotter.XYs{{X: 1, Y: -0.5}, {X: 1, Y: float64(n) - 0.5}})
		if err != nil {
			panic(err)
		}
		ref.Color = restColor
		ref.Dashes = []vg.Length{3, 2}
		p.Add(ref)
		p.X.Min, p.X.Max = -0.05, hi
		p.NominalY(reversed(labels)...)
		p.Add(plotter.NewGrid())
		p.Draw(dc)
	}
}

// workerShares is each worker's load over an equal share, from the median
// run: connections in close mode, requests in keep-alive.
func workerShares(res accept.Result) []float64 {
	ws := res.Median().Workers
	load := func(w accept.WorkerCount) float64 {
		if res.Mode == accept.Close {
			return float64(w.Conns)
		}
		return float64(w.Requests)
	}
	total := 0.0
	for _, w := range ws {
		total += load(w)
	}
	if total == 0 || len(ws) == 0 {
		return nil
	}
	out := make([]float64, len(ws))
	for i, w := range ws {
		out[i] = load(w) / (total / float64(len(ws)))
	}
	return out
}

func acceptTable(r *accept.Report) Table {
	t := Table{Caption: "Every model and mode (median run; rate range over the repeats)",
		Head: []string{"model", "mode", "rate", "min–max", "p50 µs", "p99 µs", "p99.9 µs", "Jain", "max/min", "errors", "wasted wakeups", "server CPU µs/conn"},
		Num:  []bool{false, false, true, true, true, true, true, true, true, true, true, true}}
	for _, res := range r.Results {
		m := res.Median()
		t.Rows = append(t.Rows, []string{string(res.Model), string(res.Mode), numText(m.Rate) + " " + res.Unit,
			numText(res.RateMin) + "–" + numText(res.RateMax), numText(m.Latency.P50), numText(m.Latency.P99), numText(m.Latency.P999),
			fixed(m.Jain, 3), fixed(m.MaxMin, 2), analyze.Commas(m.Errors.Total()), analyze.Commas(m.WastedWakeups), fixed(m.ServerCPUPerConn, 1)})
	}
	return t
}

// numText is an accept.Num as text; null (not measured) is a dash.
func numText(n accept.Num) string {
	if !n.Valid() {
		return "—"
	}
	return analyze.FormatNumber(math.Round(float64(n)))
}

func fixed(n accept.Num, prec int) string {
	if !n.Valid() {
		return "—"
	}
	return fmt.Sprintf("%.*f", prec, float64(n))
}

func reversed(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}
