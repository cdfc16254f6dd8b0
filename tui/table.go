package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// column is one column of a table. Columns that do not fit the terminal
// are left out, highest prio number first, so a narrow terminal loses the
// least important ones instead of wrapping rows.
type column struct {
	title string
	width int
	left  bool // left-aligned (names); numbers are right-aligned
	prio  int  // 0: always shown
}

// cell is one table cell: its text and how to paint it.
type cell struct {
	text string
	p    paint
}

func c(text string) cell           { return cell{text: text} }
func cp(text string, p paint) cell { return cell{text: text, p: p} }

// table is a set of columns laid out for one width.
type table struct {
	cols []column
	keep []int // indexes of the columns shown, in order
}

// layout picks the columns that fit in w, dropping the least important.
func layout(cols []column, w int) table {
	keep := make([]int, len(cols))
	for i := range cols {
		keep[i] = i
	}
	width := func() int {
		n := 0
		for _, i := range keep {
			n += cols[i].width + 1
		}
		return n - 1
	}
	for width() > w && len(keep) > 1 {
		worst := 0
		for j, i := range keep {
			if cols[i].prio >= cols[keep[worst]].prio {
				worst = j
			}
		}
		if cols[keep[worst]].prio == 0 {
			break
		}
		keep = slices.Delete(keep, worst, worst+1)
	}
	return table{cols: cols, keep: keep}
}

// header renders the column titles.
func (t table) header(p paint) string {
	cells := make([]cell, len(t.cols))
	for i, c := range t.cols {
		cells[i] = cell{text: c.title}
	}
	return p.on(t.rowPlain(cells))
}

func (t table) rowPlain(cells []cell) string {
	var b strings.Builder
	for j, i := range t.keep {
		if j > 0 {
			b.WriteByte(' ')
		}
		writeCell(&b, t.cols[i], cell{text: cells[i].text})
	}
	return strings.TrimRight(b.String(), " ")
}

// row renders one row; cells are indexed like the columns.
func (t table) row(cells []cell) string {
	var b strings.Builder
	for j, i := range t.keep {
		if j > 0 {
			b.WriteByte(' ')
		}
		writeCell(&b, t.cols[i], cells[i])
	}
	return strings.TrimRight(b.String(), " ")
}

func writeCell(b *strings.Builder, col column, cl cell) {
	text := cl.text
	w := ansi.StringWidth(text)
	if w > col.width {
		text = ansi.Truncate(text, col.width, "…")
		w = ansi.StringWidth(text)
	}
	pad := strings.Repeat(" ", col.width-w)
	if col.left {
		b.WriteString(cl.p.on(text))
		b.WriteString(pad)
		return
	}
	b.WriteString(pad)
	b.WriteString(cl.p.on(text))
}
