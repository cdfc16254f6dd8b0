package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// sgr matches one complete SGR sequence (the only escapes the views emit).
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// fitProblems checks the terminal contract of a rendered view: exactly h
// lines, none wider than w, no escape sequence cut in half, no control
// character but the escapes, and no style left open at a line's end.
func fitProblems(view string, w, h int) []string {
	var out []string
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		out = append(out, fmt.Sprintf("%d lines, want %d", len(lines), h))
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got > w {
			out = append(out, fmt.Sprintf("line %d is %d cells wide, terminal %d: %q", i, got, w, ansi.Strip(l)))
		}
		for _, r := range sgr.ReplaceAllString(l, "") {
			if r < 0x20 || r == 0x7f {
				out = append(out, fmt.Sprintf("line %d has control character %q outside complete SGR sequences: %q", i, r, l))
				break
			}
		}
		if seqs := sgr.FindAllString(l, -1); len(seqs) > 0 && seqs[len(seqs)-1] != reset {
			out = append(out, fmt.Sprintf("line %d leaves style %q open: %q", i, seqs[len(seqs)-1], l))
		}
	}
	return out
}

func checkFits(t *testing.T, view string, w, h int) {
	t.Helper()
	for _, p := range fitProblems(view, w, h) {
		t.Error(p)
	}
}

// TestFitProblems shows the check catches each way a view can break a
// terminal.
func TestFitProblems(t *testing.T) {
	for _, tc := range []struct {
		name, view string
		want       int
	}{
		{"fits", "ab\n\x1b[1mcd\x1b[m", 0},
		{"too many lines", "a\nb\nc", 1},
		{"too wide", "abcd\nx", 1},
		{"wide rune counts double", "日本\nx", 1},
		{"style left open", "\x1b[91mab\nx", 1},
		{"escape cut in half", "a\x1b[9\nx", 1},
		{"tab", "a\tb\nx", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fitProblems(tc.view, 3, 2); len(got) != tc.want {
				t.Errorf("%d problems, want %d: %q", len(got), tc.want, got)
			}
		})
	}
}

// TestViewFitsEverySize renders every screen, the help and the filter at
// sizes from a large terminal down to a single cell.
func TestViewFitsEverySize(t *testing.T) {
	o := synthOptions()
	o.CPUs, o.Queues = 64, 16
	synth := synthSnaps(t, o, 5)
	snaps, iv := loadRecording(t, "softnet-drops")
	sizes := [][2]int{{200, 60}, {120, 40}, {80, 24}, {79, 23}, {60, 20}, {40, 12}, {33, 9}, {20, 6}, {12, 4}, {10, 3}, {8, 2}, {5, 1}, {1, 1}}
	for _, host := range []struct {
		name  string
		model func(w, h int) *Model
	}{
		{"synth-64", func(w, h int) *Model { return replayModel(t, synth, o.Interval, w, h) }},
		{"softnet-drops", func(w, h int) *Model { return replayModel(t, snaps, iv, w, h) }},
	} {
		for _, sz := range sizes {
			w, h := sz[0], sz[1]
			m := host.model(w, h)
			for s := range numScreens {
				m.screen = s
				t.Run(fmt.Sprintf("%s/%dx%d/%s", host.name, w, h, screenNames[s][0]), func(t *testing.T) {
					checkFits(t, m.Render(), w, h)
					m.scroll[s] = 1 << 20 // scrolled far past the end
					checkFits(t, m.Render(), w, h)
					m.scroll[s] = 0
				})
			}
			t.Run(fmt.Sprintf("%s/%dx%d/help+filter", host.name, w, h), func(t *testing.T) {
				m.Update(press("?"))
				checkFits(t, m.Render(), w, h)
				m.Update(press("?"))
				m.Update(press("/"))
				for _, r := range "eth" {
					m.Update(press(string(r)))
				}
				checkFits(t, m.Render(), w, h)
				m.Update(tea.KeyPressMsg{Code: tea.KeyEsc})
			})
		}
	}
}

// press is a key press as bubbletea reports typing s ("tab", "shift+tab"
// and "esc" by name).
func press(s string) tea.KeyPressMsg {
	switch s {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEsc}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}
