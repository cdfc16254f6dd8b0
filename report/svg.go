package report

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// figure draws fn on a w×h point canvas and returns the SVG element to put
// inline in the page, labelled with title for screen readers.
//
// Why the output may go into template.HTML: gonum's SVG canvas writes every
// piece of text through html.EscapeString (vgsvg.Canvas.FillString), and
// everything else it writes is numbers, colours and fixed markup. The title
// is escaped here. TestFigureEscapesText checks both with names that hold
// markup.
//
// gonum panics on some degenerate input (an empty palette, a colour map
// whose range is a point); that comes back as an error naming the figure,
// so one bad plot costs its figure, not the report.
func figure(title string, w, h vg.Length, fn func(dc draw.Canvas)) (svg template.HTML, err error) {
	defer func() {
		if r := recover(); r != nil {
			svg, err = "", fmt.Errorf("plot %q: %v", title, r)
		}
	}()
	c := vgsvg.New(w, h)
	fn(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("plot %q: %w", title, err)
	}
	return inlineSVG(buf.String(), title), nil
}

// inlineSVG turns a standalone SVG document into an element for an HTML
// page: the XML declaration and the generator comment go, the element gets
// a role, an accessible name and a <title>.
func inlineSVG(doc, title string) template.HTML {
	start := strings.Index(doc, "<svg")
	if start < 0 {
		return ""
	}
	doc = doc[start:]
	esc := html.EscapeString(title)
	doc = strings.Replace(doc, "<svg ", `<svg class="plot" role="img" aria-label="`+esc+`" `, 1)
	if end := strings.IndexByte(doc, '>'); end >= 0 {
		doc = doc[:end+1] + "<title>" + esc + "</title>" + doc[end+1:]
	}
	// #nosec: see figure for why this is safe.
	return template.HTML(doc)
}
