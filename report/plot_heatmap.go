package report

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// heatRowH is the height of one queue row of the heat map, in points.
const heatRowH vg.Length = 9

// heatStops is a sequential light-to-dark scale (ColorBrewer YlOrRd without
// its palest step, so the lowest count still shows against the white of
// "no interrupts").
var heatStops = []uint32{0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c, 0xfc4e2a, 0xe31a1c, 0xbd0026, 0x800026}

// heatPalette is heatStops interpolated to n colours.
type heatPalette int

func (n heatPalette) Colors() []color.Color {
	out := make([]color.Color, int(n))
	for i := range out {
		f := float64(i) / float64(max(int(n)-1, 1)) * float64(len(heatStops)-1)
		k := min(int(f), len(heatStops)-2)
		t := f - float64(k)
		a, b := heatStops[k], heatStops[k+1]
		mix := func(shift uint) uint8 {
			x, y := float64(uint8(a>>shift)), float64(uint8(b>>shift))
			return uint8(math.Round(x + (y-x)*t))
		}
		out[i] = color.RGBA{R: mix(16), G: mix(8), B: mix(0), A: 0xff}
	}
	return out
}

// logGrid is a heat map grid of log10 counts; a zero count is NaN, which
// gonum leaves undrawn (white: no interrupts). Row 0 of z is drawn on top.
type logGrid struct {
	z [][]float64
}

func (g logGrid) Dims() (c, r int) {
	if len(g.z) == 0 {
		return 0, 0
	}
	return len(g.z[0]), len(g.z)
}
func (g logGrid) Z(c, r int) float64 { return g.z[len(g.z)-1-r][c] }
func (g logGrid) X(c int) float64    { return float64(c) }
func (g logGrid) Y(r int) float64    { return float64(r) }

// logRange returns the grid's log10 range, widened to at least one decade
// so that gonum's palette scale is finite.
func (g logGrid) logRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range g.z {
		for _, v := range row {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 1) {
		return 0, 1
	}
	lo = math.Floor(lo)
	hi = math.Max(math.Ceil(hi), lo+1)
	return lo, hi
}

func newLogGrid(h heat) logGrid {
	g := logGrid{z: make([][]float64, len(h.z))}
	for i, row := range h.z {
		g.z[i] = make([]float64, len(row))
		for j, v := range row {
			g.z[i][j] = math.NaN()
			if v > 0 {
				g.z[i][j] = math.Log10(float64(v))
			}
		}
	}
	return g
}

// heatHeight is the figure height for the heat map's rows.
func heatHeight(h heat) vg.Length {
	return max(minFigureH+40, vg.Length(len(h.rows))*heatRowH+110)
}

// drawHeat draws the heat map with its log colour scale on the right.
func drawHeat(h heat, title string) func(dc draw.Canvas) {
	return func(dc draw.Canvas) {
		g := newLogGrid(h)
		lo, hi := g.logRange()
		pal := heatPalette(64)

		p := newPlot(title, "CPU", "")
		hm := plotter.NewHeatMap(g, pal)
		hm.Min, hm.Max = lo, hi
		p.Add(hm)
		rows := make([]plot.Tick, len(h.rows))
		for i, l := range h.rows {
			rows[i] = plot.Tick{Value: float64(len(h.rows) - 1 - i), Label: l}
		}
		p.Y.Tick.Marker = plot.ConstantTicks(rows)
		p.Y.Tick.Label.Font.Size = 6
		every := (len(h.cols) + 31) / 32
		var cols []plot.Tick
		for i, l := range h.cols {
			if i%every == 0 {
				cols = append(cols, plot.Tick{Value: float64(i), Label: l})
			}
		}
		p.X.Tick.Marker = plot.ConstantTicks(cols)
		p.X.Tick.Label.Font.Size = 6
		if len(h.cols) > 16 {
			p.X.Tick.Label.Rotation = math.Pi / 2
			p.X.Tick.Label.XAlign = draw.XRight
			p.X.Tick.Label.YAlign = draw.YCenter
		}
		const barW = 70
		p.Draw(draw.Crop(dc, 0, -barW, 0, 0))

		// The colour scale: the same palette as a one-column heat map,
		// labelled in decades.
		steps := 32
		bar := logGrid{z: make([][]float64, steps)}
		for i := range bar.z {
			bar.z[i] = []float64{hi - (hi-lo)*(float64(i)+0.5)/float64(steps)}
		}
		cb := newPlot("", "", "interrupts")
		cbm := plotter.NewHeatMap(barGrid{bar, lo, hi}, pal)
		cbm.Min, cbm.Max = lo, hi
		cb.Add(cbm)
		cb.HideX()
		var dec []plot.Tick
		for k := lo; k <= hi; k++ {
			dec = append(dec, plot.Tick{Value: k, Label: si(math.Pow(10, k))})
		}
		cb.Y.Tick.Marker = plot.ConstantTicks(dec)
		cb.Y.Min, cb.Y.Max = lo, hi
		// At most 260 pt tall, at the top: a colour scale as tall as 64
		// queue rows is no easier to read.
		height := dc.Max.Y - dc.Min.Y
		barH := min(height-70, 260)
		cb.Draw(draw.Crop(dc, dc.Max.X-dc.Min.X-barW+8, 0, height-30-barH, -30))
	}
}

// barGrid places a one-column logGrid on the log axis from lo to hi.
type barGrid struct {
	logGrid
	lo, hi float64
}

func (b barGrid) Y(r int) float64 {
	n := len(b.z)
	return b.lo + (b.hi-b.lo)*(float64(r)+0.5)/float64(n)
}
