package report

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Figure sizes in points. The page scales every SVG to its column width
// (CSS), so these set proportions and the text size relative to the plot:
// 640 pt fits an A4 page (about 510 pt between margins) at 80%.
const (
	figWidth   vg.Length = 640
	panelH     vg.Length = 150 // one panel of a stack of time series
	barRowH    vg.Length = 14  // one bar of a horizontal bar chart
	minFigureH vg.Length = 120
)

// palette10 is a qualitative palette (Tableau 10) that stays distinct in
// print; the "rest" line is grey.
var palette10 = []color.Color{
	rgb(0x4e79a7), rgb(0xf28e2b), rgb(0xe15759), rgb(0x76b7b2), rgb(0x59a14f),
	rgb(0xedc948), rgb(0xb07aa1), rgb(0xff9da7), rgb(0x9c755f),
}

var restColor = rgb(0x9a9a9a)

func rgb(v uint32) color.Color {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// newPlot returns a plot with the report's text sizes.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = 10
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = 8
		a.Tick.Label.Font.Size = 7
	}
	return p
}

// legendW is the strip to the right of a plot that holds its legend: a
// legend inside the data area hides the lines at the top right.
const legendW vg.Length = 120

// newLegend returns a legend in the report's text size, for legendStrip.
func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font.Size = 7
	l.Top, l.Left = true, true
	l.ThumbnailWidth = 12
	return l
}

// legendStrip is the part of dc right of the plot area, level with plot
// canvas pc, where its legend goes.
func legendStrip(dc, pc draw.Canvas) draw.Canvas {
	c := pc
	c.Min.X = dc.Max.X - legendW + 6
	c.Max.X = dc.Max.X
	c.Max.Y -= 14 // below the plot's title
	return c
}

// line is one named line of a time-series panel.
type line struct {
	name   string
	xs, ys []float64
	rest   bool // the mean of the series not drawn one by one: grey, dashed
}

// seriesLines turns series into lines of their per-second rates.
func seriesLines(ss []series, rest string) []line {
	out := make([]line, 0, len(ss))
	for _, s := range ss {
		xs, ys := s.downsample(maxPoints).rate()
		out = append(out, line{name: s.name, xs: xs, ys: ys, rest: s.name == rest})
	}
	return out
}

// panel is one plot of a vertical stack sharing the time axis.
type panel struct {
	title, ylabel string
	lines         []line
}

// stackPlots draws panels one above the other in one figure, each with its
// own legend; the time axis is labelled on the bottom one only.
func stackPlots(panels []panel, xlabel string) func(dc draw.Canvas) {
	return func(dc draw.Canvas) {
		rows := make([][]*plot.Plot, len(panels))
		legends := make([]plot.Legend, len(panels))
		for i, pn := range panels {
			legends[i] = newLegend()
			xl := ""
			if i == len(panels)-1 {
				xl = xlabel
			}
			p := newPlot(pn.title, xl, pn.ylabel)
			p.Y.Min, p.Y.Max = 0, 1 // an all-zero panel still has a scale
			p.X.Min = 0             // time starts at the first snapshot
			for k, ln := range pn.lines {
				if len(ln.xs) == 0 {
					continue
				}
				xys := make(plotter.XYs, len(ln.xs))
				for j := range ln.xs {
					xys[j] = plotter.XY{X: ln.xs[j], Y: ln.ys[j]}
					p.Y.Max = math.Max(p.Y.Max, ln.ys[j]*1.05)
				}
				l, err := plotter.NewLine(xys)
				if err != nil {
					panic(err)
				}
				l.Width = 1.2
				l.Color = palette10[k%len(palette10)]
				if ln.rest {
					l.Color = restColor
					l.Dashes = []vg.Length{3, 2}
				}
				p.Add(l)
				legends[i].Add(ln.name, l)
			}
			p.Y.Tick.Marker = siTicks{}
			p.Add(plotter.NewGrid())
			rows[i] = []*plot.Plot{p}
		}
		tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadY: 6, PadTop: 2, PadBottom: 2, PadLeft: 2, PadRight: 6}
		canvases := plot.Align(rows, tiles, draw.Crop(dc, 0, -legendW, 0, 0))
		for i := range rows {
			rows[i][0].Draw(canvases[i][0])
			legends[i].Draw(legendStrip(dc, canvases[i][0]))
		}
	}
}

// siTicks labels an axis with SI-prefixed numbers ("20k", "1.5M"), so a
// packet rate of 30,000,000/s does not print as 3e+07.
type siTicks struct{}

func (siTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = si(ts[i].Value)
		}
	}
	return ts
}

// si formats v with an SI prefix and up to three significant digits.
func si(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e12:
		return trimFloat(v/1e12) + "T"
	case a >= 1e9:
		return trimFloat(v/1e9) + "G"
	case a >= 1e6:
		return trimFloat(v/1e6) + "M"
	case a >= 1e3:
		return trimFloat(v/1e3) + "k"
	}
	return trimFloat(v)
}

// trimFloat prints v with at most three decimals and no trailing zeros.
func trimFloat(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/1000, 'f', -1, 64)
}

// hbars draws a horizontal bar chart: one bar per label, top to bottom in
// the order given, with the values printed at the bar's end by the caller's
// table (the chart carries the shape).
func hbars(title, xlabel string, labels []string, groups []barGroup, xmax float64) func(dc draw.Canvas) {
	return func(dc draw.Canvas) {
		p := newPlot(title, xlabel, "")
		leg := newLegend()
		n := len(labels)
		width := vg.Length(10)
		if len(groups) > 1 {
			width = vg.Length(14) / vg.Length(len(groups))
		}
		for g, grp := range groups {
			vals := make(plotter.Values, n)
			for i := range vals {
				v := grp.values[n-1-i] // first label on top
				if math.IsNaN(v) || math.IsInf(v, 0) {
					v = 0
				}
				vals[i] = v
			}
			b, err := plotter.NewBarChart(vals, width)
			if err != nil {
				panic(err)
			}
			b.Horizontal = true
			b.Color = palette10[g%len(palette10)]
			if grp.color != nil {
				b.Color = grp.color
			}
			b.LineStyle.Width = 0
			// The first group on top, in the legend's order.
			b.Offset = width * (vg.Length(len(groups)-1)/2 - vg.Length(g))
			p.Add(b)
			if len(groups) > 1 {
				leg.Add(grp.name, b)
			}
		}
		names := make([]string, n)
		for i := range names {
			names[i] = labels[n-1-i]
		}
		p.NominalY(names...)
		p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
		p.X.Min, p.X.Max = 0, xmax
		for _, g := range groups {
			for _, v := range g.values {
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					p.X.Max = math.Max(p.X.Max, v*1.05)
				}
			}
		}
		p.X.Max = math.Max(p.X.Max, 1e-9) // all zero: still a scale
		p.X.Tick.Marker = siTicks{}
		p.Add(plotter.NewGrid())
		drawWithLegend(p, leg, dc)
	}
}

// drawWithLegend draws p, with leg (when it has entries) in a strip to its
// right.
func drawWithLegend(p *plot.Plot, leg plot.Legend, dc draw.Canvas) {
	if !hasEntries(leg) {
		p.Draw(dc)
		return
	}
	pc := draw.Crop(dc, 0, -legendW, 0, 0)
	p.Draw(pc)
	leg.Draw(legendStrip(dc, pc))
}

// hasEntries reports whether a legend has anything to show.
func hasEntries(l plot.Legend) bool {
	r := l.Rectangle(draw.Canvas{})
	return r.Max.Y-r.Min.Y > 0
}

// barGroup is one series of bars (one colour) of a bar chart.
type barGroup struct {
	name   string
	values []float64
	color  color.Color
}

// hbarsHeight is the figure height for n labels of a horizontal bar chart.
func hbarsHeight(n, groups int) vg.Length {
	per := barRowH
	if groups > 1 {
		per += 4
	}
	return max(minFigureH, vg.Length(n)*per+70)
}
