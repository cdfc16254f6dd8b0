package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// isTerminal reports whether f is a terminal (progress bars only go there).
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// progressBar returns a progress callback drawing "label [=====     ] 3/10"
// on w when w is a terminal, and nil otherwise, so logs stay clean.
func progressBar(w *os.File, label string) func(done, total int) {
	if !isTerminal(w) {
		return nil
	}
	return func(done, total int) {
		drawBar(w, label, done, total)
	}
}

func drawBar(w io.Writer, label string, done, total int) {
	const width = 30
	fill := 0
	if total > 0 {
		fill = min(width, done*width/total)
	}
	fmt.Fprintf(w, "\r%s [%s%s] %d/%d", label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total)
	if done >= total {
		fmt.Fprintln(w)
	}
}
