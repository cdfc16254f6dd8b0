package tui

import (
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/guptarohit/asciigraph"
)

// chart draws a series (NaN: unknown) as an asciigraph plot of h lines (a
// title, then the plot; two lines when there is nothing to plot) no wider
// than w. The y axis starts at 0.
// When the series is longer than the plot is wide, each column shows the
// largest value of the intervals it covers, so a one-second burst of drops
// is never averaged away; when shorter, each interval is drawn as a step
// several columns wide.
func chart(title string, data []float64, w, h int, titlePaint paint) []string {
	out := make([]string, 0, h)
	now := "–"
	if n := len(data); n > 0 && !math.IsNaN(data[n-1]) {
		now = siFloat(data[n-1])
	}
	out = append(out, titlePaint.on(title)+" "+now)
	rows := h - 1
	const axis = 7 // " 12.3k ┤": label, space, axis
	cols := w - axis
	switch {
	case rows < 2 || cols < 4:
		return out[:min(len(out), h)]
	case len(data) == 0:
		return append(out, "  (needs two snapshots)")
	case allNaN(data):
		return append(out, "  (not in this source)")
	case maxOf(data) == 0:
		// Nothing happened: one flat line says so and leaves the rest of
		// the height to what has something to show.
		return append(out, "     0┼"+strings.Repeat("─", min(len(data), cols)))
	}
	pts := resample(data, cols)
	plot := asciigraph.Plot(pts,
		asciigraph.Height(rows-1),
		asciigraph.LowerBound(0),
		asciigraph.Offset(2),
		asciigraph.YAxisValueFormatter(siFloat),
	)
	for _, l := range strings.Split(plot, "\n") {
		if len(out) == h {
			break
		}
		if ansi.StringWidth(l) > w {
			l = ansi.Truncate(l, w, "")
		}
		out = append(out, l)
	}
	return padLines(out, h)
}

func allNaN(d []float64) bool {
	for _, v := range d {
		if !math.IsNaN(v) {
			return false
		}
	}
	return true
}

// resample fits data into at most cols columns: by the maximum of each
// bucket when longer, by repeating each point when shorter.
func resample(data []float64, cols int) []float64 {
	n := len(data)
	if n > cols {
		out := make([]float64, cols)
		for i := range out {
			lo, hi := i*n/cols, (i+1)*n/cols
			v := math.NaN()
			for _, x := range data[lo:max(hi, lo+1)] {
				if !math.IsNaN(x) && (math.IsNaN(v) || x > v) {
					v = x
				}
			}
			out[i] = v
		}
		return out
	}
	k := cols / n
	out := make([]float64, 0, n*k)
	for _, v := range data {
		for range k {
			out = append(out, v)
		}
	}
	return out
}

func padLines(l []string, h int) []string {
	for len(l) < h {
		l = append(l, "")
	}
	return l[:h]
}

func maxOf(d []float64) float64 {
	m := 0.0
	for _, v := range d {
		if !math.IsNaN(v) && v > m {
			m = v
		}
	}
	return m
}
