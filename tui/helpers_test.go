package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/fixtures"
	"github.com/netvet/netvet/internal/synthhost"
)

// loadRecording collects every snapshot of a fixture recording.
func loadRecording(tb testing.TB, name string) ([]*collect.Snapshot, time.Duration) {
	tb.Helper()
	o, err := collect.OpenRoot(fixtures.Path("recordings", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer o.Close()
	var snaps []*collect.Snapshot
	s := &collect.Sampler{Origin: o}
	if err := s.Run(context.Background(), 0, func(sn *collect.Snapshot) error {
		snaps = append(snaps, sn)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return snaps, o.Interval()
}

// synthOptions is the synthetic 256-CPU host with a problem of each kind
// the screens show: backlog drops on one CPU, accept-queue overflows, NIC
// misses.
func synthOptions() synthhost.Options {
	o := synthhost.Default()
	o.SoftnetDropCPU = 37
	o.SoftnetDropRate = 400
	o.ListenOverflowRate = 25
	o.RxMissedIface = "eth2"
	o.RxMissedRate = 500
	return o
}

// synthSnaps samples the synthetic host n times through the real
// collectors, the configuration read at the first snapshot only.
func synthSnaps(tb testing.TB, o synthhost.Options, n int) []*collect.Snapshot {
	tb.Helper()
	h, err := synthhost.New(o)
	if err != nil {
		tb.Fatal(err)
	}
	c := collect.NewCollector()
	var prev *collect.Snapshot
	snaps := make([]*collect.Snapshot, 0, n)
	for i := range n {
		if i > 0 {
			h.Step()
		}
		prev = c.Collect(context.Background(), h.FS(), prev, i == 0)
		if prev.Time.IsZero() {
			prev.Time = h.Time()
		}
		snaps = append(snaps, prev)
	}
	return snaps
}

// noTimer is an After that schedules nothing: tests deliver tick and
// release messages themselves.
func noTimer(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }

// replayModel is a dashboard that was handed snaps as a replay, each
// released at its recorded time, at size w×h.
func replayModel(tb testing.TB, snaps []*collect.Snapshot, interval time.Duration, w, h int) *Model {
	tb.Helper()
	m := New(Options{Replay: true, Interval: interval, Source: "test", Total: len(snaps), After: noTimer, Now: func() time.Time { return time.Time{} }})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	for i, s := range snaps {
		at := s.Time
		m.Update(snapMsg{snap: s, at: at})
		if i > 0 {
			m.Update(releaseMsg{now: at})
		}
	}
	m.Update(tickMsg{now: snaps[len(snaps)-1].Time.Add(400 * time.Millisecond)})
	return m
}

// plain is the rendered screen without escape sequences.
func plain(m *Model) string { return ansi.Strip(m.Render()) }
