package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// isTerminal reports whether f is a terminal (TCGETS succeeds only on one):
// progress bars only go there, so logs and pipes stay clean.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// progressLine draws one self-overwriting line on w:
// "label [#####.....] 3/10 what", erased when done reaches total.
func progressLine(w io.Writer, label string) func(done, total int, what string) {
	if label != "" {
		label += " "
	}
	return func(done, total int, what string) {
		if done >= total {
			fmt.Fprint(w, "\r\033[K")
			return
		}
		const width = 30
		n := width * done / max(total, 1)
		fmt.Fprintf(w, "\r\033[K%s[%s%s] %d/%d %s", label, strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, what)
	}
}

// progressBar is progressLine on f when f is a terminal, else nil (quiet).
func progressBar(f *os.File, label string) func(done, total int) {
	if !isTerminal(f) {
		return nil
	}
	line := progressLine(f, label)
	return func(done, total int) { line(done, total, "") }
}
