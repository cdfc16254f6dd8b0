package report

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// structure is what a reader sees of a page, without the bytes: the
// sections, the findings, each plot's SVG count or its reason for having
// none, the tables. Golden files hold it as JSON.
type structure struct {
	Title    string      `json:"title"`
	Sections []string    `json:"sections"`
	Findings []string    `json:"findings"` // "severity id subject", page order
	Plots    []plotShape `json:"plots"`
	Bonds    []string    `json:"bonds,omitempty"`
	NICs     []string    `json:"nics,omitempty"`
	Tables   int         `json:"tables"`
}

type plotShape struct {
	ID     string   `json:"id"`
	SVGs   int      `json:"svgs"`
	Empty  string   `json:"empty,omitempty"`
	Tables []string `json:"tables,omitempty"` // captions
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	return slices.Contains(strings.Fields(v), class)
}

// walk calls fn on every element under n, depth first, in document order.
func walk(n *html.Node, fn func(*html.Node)) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			fn(c)
		}
		walk(c, fn)
	}
}

// text is the text content of n, spaces collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// parsePage parses a rendered page and checks what every page must be:
// self-contained (no script, no external reference: every src or href is
// an anchor of this page, or a data: URI inside an SVG) and each plot with
// exactly one SVG or a reason for none.
func parsePage(t *testing.T, page string) (*html.Node, structure) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	var s structure
	ids := map[string]bool{}
	var hrefs []string
	walk(doc, func(n *html.Node) {
		if id, ok := attr(n, "id"); ok {
			if ids[id] {
				t.Errorf("id %q appears twice", id)
			}
			ids[id] = true
		}
		switch n.DataAtom {
		case atom.Script, atom.Link, atom.Img, atom.Iframe, atom.Object, atom.Embed:
			t.Errorf("<%s> in a self-contained page", n.Data)
		case atom.Title:
			if n.Parent != nil && n.Parent.DataAtom == atom.Head {
				s.Title = text(n)
			}
		case atom.Section:
			id, _ := attr(n, "id")
			s.Sections = append(s.Sections, id)
		case atom.Table:
			s.Tables++
		case atom.Article:
			if hasClass(n, "finding") && n.Parent != nil {
				id, _ := attr(n, "data-finding")
				sev := strings.Fields(text(firstOf(n, atom.H3)))
				subject := text(firstClass(n, "subject"))
				if len(sev) > 0 {
					s.Findings = append(s.Findings, fmt.Sprintf("%s %s %s", sev[0], id, subject))
				}
			}
		case atom.Figure:
			s.Plots = append(s.Plots, plotOf(t, n))
		case atom.H3:
			if b, ok := attr(n, "data-bond"); ok {
				s.Bonds = append(s.Bonds, b)
			}
			if nic, ok := attr(n, "data-nic"); ok {
				s.NICs = append(s.NICs, nic)
			}
		}
		for _, a := range n.Attr {
			if a.Key == "src" || a.Key == "href" || a.Key == "xlink:href" || a.Key == "href" && a.Namespace == "xlink" {
				hrefs = append(hrefs, a.Val)
			}
		}
	})
	for _, h := range hrefs {
		switch {
		case strings.HasPrefix(h, "#"):
			if !ids[h[1:]] {
				t.Errorf("link to #%s, which is not in the page", h[1:])
			}
		case strings.HasPrefix(h, "data:"):
		default:
			t.Errorf("reference to %q: a report must not load anything", h)
		}
	}
	return doc, s
}

func plotOf(t *testing.T, fig *html.Node) plotShape {
	id, _ := attr(fig, "data-plot")
	p := plotShape{ID: id}
	walk(fig, func(n *html.Node) {
		switch {
		case n.DataAtom == atom.Svg:
			p.SVGs++
		case n.DataAtom == atom.P && hasClass(n, "empty"):
			p.Empty = text(n)
		case n.DataAtom == atom.Caption:
			p.Tables = append(p.Tables, text(n))
		}
	})
	if (p.SVGs == 1) == (p.Empty != "") || p.SVGs > 1 {
		t.Errorf("plot %s: %d SVG(s) and empty note %q: want one SVG or a reason for none", id, p.SVGs, p.Empty)
	}
	return p
}

func firstOf(n *html.Node, a atom.Atom) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) {
		if found == nil && c.DataAtom == a {
			found = c
		}
	})
	if found == nil {
		return &html.Node{}
	}
	return found
}

func firstClass(n *html.Node, class string) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) {
		if found == nil && hasClass(c, class) {
			found = c
		}
	})
	if found == nil {
		return &html.Node{}
	}
	return found
}
