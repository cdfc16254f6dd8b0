package tui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkView is issue 6's render target: a frame of the synthetic
// 256-CPU host (2 NUMA nodes, four 64-queue NICs, a window of 60
// snapshots) laid out for the terminal must take ≤ 5 ms, per screen and
// size. View does no arithmetic on counters: that was done when the
// snapshot arrived (BenchmarkNewSnapshot).
func BenchmarkView(b *testing.B) {
	o := synthOptions()
	snaps := synthSnaps(b, o, 60)
	for _, sz := range [][2]int{{80, 24}, {200, 60}} {
		m := replayModel(b, snaps, o.Interval, sz[0], sz[1])
		for s := range numScreens {
			b.Run(fmt.Sprintf("%dx%d/%s", sz[0], sz[1], screenNames[s][0]), func(b *testing.B) {
				m.screen = s
				b.ReportAllocs()
				for b.Loop() {
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkNewSnapshot is the work one new snapshot of the 256-CPU host
// causes once, in Update: the newest interval's rates, the analysis of the
// 60-snapshot window and the frame the screens read.
func BenchmarkNewSnapshot(b *testing.B) {
	o := synthOptions()
	snaps := synthSnaps(b, o, 61)
	m := New(Options{Replay: false, Interval: o.Interval, After: noTimer})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	for _, s := range snaps[:60] {
		m.Update(snapMsg{snap: s, at: s.Time})
	}
	last := snaps[60]
	b.ReportAllocs()
	for b.Loop() {
		m.snaps = m.snaps[:59:59] // the window before the new snapshot
		m.hist = m.hist[:58:58]
		m.Update(snapMsg{snap: last, at: last.Time.Add(time.Millisecond)})
	}
}
