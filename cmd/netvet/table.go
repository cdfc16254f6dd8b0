package main

import (
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// writeTable prints a titled table in the plain ASCII style netvet uses
// everywhere (copy-paste safe: no box-drawing characters).
func writeTable(w io.Writer, title string, header []string, rows [][]string) error {
	return writeTableWrapped(w, title, header, rows, 0)
}

// writeTableWrapped is writeTable with long cells wrapped so the table fits in colMax characters
// (0: no wrapping).
func writeTableWrapped(w io.Writer, title string, header []string, rows [][]string, colMax int) error {
	if len(rows) == 0 {
		return nil
	}
	if title != "" {
		fmt.Fprintf(w, "\n%s\n", title)
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	if colMax > 0 {
		t.Options(tablewriter.WithRowAutoWrap(tw.WrapNormal), tablewriter.WithMaxWidth(colMax))
	}
	t.Header(anySlice(header)...)
	for _, r := range rows {
		if err := t.Append(anySlice(r)...); err != nil {
			return err
		}
	}
	return t.Render()
}

func anySlice(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
