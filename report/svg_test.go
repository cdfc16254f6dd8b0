package report

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"gonum.org/v1/plot/vg/draw"
)

// TestFigureEscapesText draws a plot whose title and labels hold markup:
// gonum escapes the text it writes and figure escapes the accessible name,
// so the SVG parses to no element the names spelt.
func TestFigureEscapesText(t *testing.T) {
	const evil = `x<script>alert(1)</script>&"y`
	svg, err := figure(evil, 200, 150, hbars(evil, evil, []string{evil, "ok"}, []barGroup{{name: evil, values: []float64{1, 2}}, {name: "b", values: []float64{2, 1}}}, 0))
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if strings.Contains(s, "<script") || strings.Contains(s, "<?xml") {
		t.Fatalf("unescaped markup or an XML declaration in the SVG:\n%.400s", s)
	}
	doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><body>" + s))
	if err != nil {
		t.Fatal(err)
	}
	texts := 0
	walk(doc, func(n *html.Node) {
		switch n.Data {
		case "script":
			t.Error("a <script> element in the SVG")
		case "text", "title":
			if text(n) == evil {
				texts++
			}
		}
	})
	// The <title>, the plot title, the axis label, a tick label, a legend entry.
	if texts < 5 {
		t.Errorf("the name is text in %d places, want at least 5", texts)
	}
	if !strings.HasPrefix(s, `<svg class="plot" role="img" aria-label="x&lt;script&gt;`) {
		t.Errorf("the SVG does not start with its escaped accessible name:\n%.200s", s)
	}
}

// TestFigurePanicIsAnError: gonum panics on some input; one bad plot must
// not take the report down.
func TestFigurePanicIsAnError(t *testing.T) {
	_, err := figure("bad", 100, 100, func(draw.Canvas) { panic("heatmap: empty palette") })
	if err == nil || !strings.Contains(err.Error(), `plot "bad": heatmap: empty palette`) {
		t.Errorf("error %v", err)
	}
}
