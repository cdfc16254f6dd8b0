package report

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed templates/report.html.tmpl templates/style.css
var templates embed.FS

// Render writes the page as one self-contained HTML document.
//
// The template is parsed for each page: a closure tells it whether it
// renders for paper, and parsing costs well under a millisecond, far less
// than any plot.
func Render(w io.Writer, p *Page) error {
	css, err := templates.ReadFile("templates/style.css")
	if err != nil {
		return err
	}
	t, err := template.New("report.html.tmpl").Funcs(template.FuncMap{
		// The stylesheet is ours, embedded at build time.
		"css":      func() template.CSS { return template.CSS(css) },
		"printing": func() bool { return p.Print },
	}).ParseFS(templates, "templates/report.html.tmpl")
	if err != nil {
		return fmt.Errorf("report template: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := t.Execute(bw, p); err != nil {
		return fmt.Errorf("rendering the report: %w", err)
	}
	return bw.Flush()
}

// NewPage wraps a report in a page with its title.
func NewPage(r *Report, generated, version string) *Page {
	host := r.Host.Hostname
	if host == "" {
		host = "unnamed host"
	}
	return &Page{Title: "netvet report: " + host, Generated: generated, Version: version, Report: r}
}

// NewComparePage wraps a comparison in a page with its title.
func NewComparePage(c *Comparison, generated, version string) *Page {
	host := c.After.Host.Hostname
	if host == "" {
		host = "unnamed host"
	}
	return &Page{Title: "netvet before/after: " + host, Generated: generated, Version: version, Compare: c}
}

// WriteHTML renders the page into path (atomically: a temporary file
// renamed into place).
func WriteHTML(path string, p *Page) error {
	var buf bytes.Buffer
	if err := Render(&buf, p); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}
