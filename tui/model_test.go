package tui

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

// timers records what a model scheduled instead of waiting for it.
type timers struct{ waits []time.Duration }

func (r *timers) after(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	r.waits = append(r.waits, d)
	return nil
}

func liveModel(t *testing.T, w, h int) *Model {
	t.Helper()
	// Next is never called: the tests run no command.
	m := New(Options{Interval: time.Second, After: noTimer, Next: func() (*collect.Snapshot, error) { return nil, io.EOF }})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

var ageRE = regexp.MustCompile(`sample (\S+) ago`)

// status returns the age the status line shows and whether the body says
// the numbers are stale.
func status(t *testing.T, m *Model) (string, bool) {
	t.Helper()
	lines := strings.Split(plain(m), "\n")
	a := ageRE.FindStringSubmatch(lines[1])
	if a == nil {
		t.Fatalf("no sample age in the status line %q", lines[1])
	}
	return a[1], strings.Contains(lines[2], "STALE")
}

// TestStalledSamplerShowsAgeGrowing: the sampler delivers two snapshots and
// then stalls; the ticks go on. The age must grow every second, and after
// three intervals the screen must say STALE instead of showing the old
// numbers as current. A new snapshot makes it fresh again.
func TestStalledSamplerShowsAgeGrowing(t *testing.T) {
	snaps, _ := loadRecording(t, "softnet-drops")
	m := liveModel(t, 80, 24)
	m.Update(snapMsg{snap: snaps[0], at: snaps[0].Time.Add(40 * time.Millisecond)})
	m.Update(snapMsg{snap: snaps[1], at: snaps[1].Time.Add(40 * time.Millisecond)})
	last := snaps[1].Time
	type want struct {
		age   string
		stale bool
	}
	var got, exp []want
	for s := 1; s <= 8; s++ {
		m.Update(tickMsg{now: last.Add(time.Duration(s) * time.Second)})
		a, st := status(t, m)
		got = append(got, want{a, st})
		exp = append(exp, want{fmt.Sprintf("%.1fs", float64(s)), s > 3})
	}
	if diff := cmp.Diff(exp, got, cmp.AllowUnexported(want{})); diff != "" {
		t.Errorf("age while the sampler stalls (-want +got):\n%s", diff)
	}
	if tabs := strings.Split(plain(m), "\n")[0]; !strings.HasSuffix(tabs, "STALE") {
		t.Errorf("the mode badge does not say STALE: %q", tabs)
	}
	for s := range numScreens {
		m.screen = s
		if !strings.Contains(plain(m), "STALE: no new sample for 8.0s") {
			t.Errorf("screen %s does not say its numbers are stale", screenNames[s][0])
		}
	}
	// The sampler recovers: the next snapshot is read 8.1 s after the last.
	fresh := *snaps[2]
	fresh.Time = last.Add(8*time.Second + 100*time.Millisecond)
	m.Update(snapMsg{snap: &fresh, at: fresh.Time})
	m.Update(tickMsg{now: last.Add(8*time.Second + 300*time.Millisecond)})
	if a, st := status(t, m); st || a != "0.2s" {
		t.Errorf("after a fresh sample: age %s stale %v, want 0.2s and fresh", a, st)
	}
}

// TestLiveAgeCountsCollectionTime: a live snapshot is as old as the moment
// it was read, not the moment it reached the screen.
func TestLiveAgeCountsCollectionTime(t *testing.T) {
	snaps, _ := loadRecording(t, "softnet-drops")
	m := liveModel(t, 80, 24)
	m.Update(snapMsg{snap: snaps[0], at: snaps[0].Time.Add(700 * time.Millisecond)})
	if a, _ := status(t, m); a != "0.7s" {
		t.Errorf("age %s, want 0.7s (read 700 ms before it arrived)", a)
	}
}

// TestReplayPacing replays listen-overflow (irregular gaps) at 4× speed:
// each snapshot must be held for its recorded gap / 4, counted from when
// the one before was shown, and not be shown before its release.
func TestReplayPacing(t *testing.T) {
	snaps, iv := loadRecording(t, "listen-overflow")
	var r timers
	m := New(Options{Replay: true, Speed: 4, Interval: iv, After: r.after})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	wall := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	m.Update(snapMsg{snap: snaps[0], at: wall})
	if m.count != 1 {
		t.Fatalf("first snapshot not shown at once: count %d", m.count)
	}
	var want []time.Duration
	shown := wall
	for i := 1; i < len(snaps); i++ {
		arrive := shown.Add(10 * time.Millisecond) // read from disk 10 ms after the last release
		m.Update(snapMsg{snap: snaps[i], at: arrive})
		gap := snaps[i].Time.Sub(snaps[i-1].Time) / 4
		want = append(want, gap-10*time.Millisecond)
		if m.count != i {
			t.Fatalf("snapshot %d shown before its time", i)
		}
		shown = shown.Add(gap)
		m.Update(releaseMsg{now: shown.Add(2 * time.Millisecond)}) // the timer fires a little late
		if m.count != i+1 {
			t.Fatalf("snapshot %d not shown on release", i)
		}
	}
	if diff := cmp.Diff(want, r.waits); diff != "" {
		t.Errorf("replay waits (-want +got):\n%s", diff)
	}
}

// TestReplayPauseHoldsTheNextSnapshot: a release that comes while paused
// is held until resume, and the age keeps growing meanwhile.
func TestReplayPauseHoldsTheNextSnapshot(t *testing.T) {
	snaps, iv := loadRecording(t, "softnet-drops")
	m := New(Options{Replay: true, Interval: iv, After: noTimer})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	wall := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	m.Update(snapMsg{snap: snaps[0], at: wall})
	m.Update(press("p"))
	m.Update(snapMsg{snap: snaps[1], at: wall.Add(time.Millisecond)})
	m.Update(releaseMsg{now: wall.Add(time.Second)})
	m.Update(tickMsg{now: wall.Add(5 * time.Second)})
	if m.count != 1 {
		t.Fatalf("paused replay showed snapshot %d", m.count)
	}
	out := plain(m)
	for _, s := range []string{"PAUSED", "sample 5.0s ago", "PAUSED 5.0s ago: the numbers below are that old"} {
		if !strings.Contains(out, s) {
			t.Errorf("paused view lacks %q:\n%s", s, out)
		}
	}
	m.Update(press("p"))
	if m.count != 2 {
		t.Fatalf("resume did not show the held snapshot (count %d)", m.count)
	}
	if a, st := status(t, m); a != "0.0s" || st {
		t.Errorf("after resume: age %s stale %v", a, st)
	}
}

// TestLivePauseKeepsSampling: live, the snapshots taken while paused enter
// the window on resume, so the window has no hole.
func TestLivePauseKeepsSampling(t *testing.T) {
	snaps, _ := loadRecording(t, "softnet-drops")
	m := liveModel(t, 80, 24)
	m.Update(snapMsg{snap: snaps[0], at: snaps[0].Time})
	m.Update(snapMsg{snap: snaps[1], at: snaps[1].Time})
	m.Update(press("2"))
	m.Update(press("p"))
	// The CPUs table: the total and a row per CPU.
	numbers := func() string { return strings.Join(dataRows(m, "CPU▲", 3), "\n") }
	frozen := numbers()
	for _, s := range snaps[2:] {
		if _, cmd := m.Update(snapMsg{snap: s, at: s.Time}); cmd == nil {
			t.Fatal("paused live model stopped asking for snapshots")
		}
	}
	if m.count != 2 || len(m.snaps) != 2 {
		t.Fatalf("paused view changed: count %d, window %d", m.count, len(m.snaps))
	}
	if got := numbers(); got != frozen {
		t.Errorf("paused view changed:\n%s", got)
	}
	m.Update(press("p"))
	if m.count != len(snaps) || len(m.snaps) != len(snaps) || len(m.hist) != len(snaps)-1 {
		t.Errorf("after resume: count %d window %d history %d, want %d %d %d",
			m.count, len(m.snaps), len(m.hist), len(snaps), len(snaps), len(snaps)-1)
	}
}

// TestWindowSlides: the window keeps the newest Window snapshots and one
// chart point per interval between them.
func TestWindowSlides(t *testing.T) {
	o := synthOptions()
	o.CPUs, o.Queues, o.SoftnetDropCPU = 8, 4, 3
	snaps := synthSnaps(t, o, 12)
	m := New(Options{Interval: time.Second, Window: 5, After: noTimer})
	for i, s := range snaps {
		m.Update(snapMsg{snap: s, at: s.Time})
		if want := min(i+1, 5); len(m.snaps) != want || len(m.hist) != want-1 {
			t.Fatalf("after %d snapshots: window %d history %d, want %d and %d", i+1, len(m.snaps), len(m.hist), want, want-1)
		}
	}
	if m.snaps[0] != snaps[7] || m.snaps[4] != snaps[11] {
		t.Error("the window does not hold the newest snapshots")
	}
	if !strings.Contains(plain(m), "window 5/5 (4s)") {
		t.Errorf("status does not say the window:\n%s", plain(m))
	}
	if len(m.fr.drops) != 4 {
		t.Errorf("drops chart has %d points, want 4", len(m.fr.drops))
	}
}

// TestFirstSnapshotIsSinceBoot: before a second snapshot, rates are
// averages since boot and say so.
func TestFirstSnapshotIsSinceBoot(t *testing.T) {
	snaps, _ := loadRecording(t, "softnet-drops")
	m := liveModel(t, 120, 40)
	m.Update(snapMsg{snap: snaps[0], at: snaps[0].Time})
	out := plain(m)
	for _, s := range []string{"rates: average since boot", "from one snapshot: totals since boot"} {
		if !strings.Contains(out, s) {
			t.Errorf("view lacks %q:\n%s", s, out)
		}
	}
	if len(m.hist) != 0 {
		t.Errorf("a total since boot became a chart point")
	}
}

func TestFeedEnd(t *testing.T) {
	snaps, iv := loadRecording(t, "softnet-drops")
	t.Run("recording played out", func(t *testing.T) {
		m := replayModel(t, snaps, iv, 80, 24)
		m.Update(feedEndMsg{err: io.EOF})
		m.Update(tickMsg{now: snaps[len(snaps)-1].Time.Add(time.Minute)})
		out := plain(m)
		if !strings.Contains(out, "END") || !strings.Contains(out, "snapshot 6/6 (end)") || strings.Contains(out, "STALE") {
			t.Errorf("ended replay:\n%s", out)
		}
	})
	t.Run("sampler failed", func(t *testing.T) {
		m := liveModel(t, 80, 24)
		m.Update(snapMsg{snap: snaps[0], at: snaps[0].Time})
		m.Update(feedEndMsg{err: errors.New("sample 7: read proc/interrupts: input/output error")})
		m.Update(tickMsg{now: snaps[0].Time.Add(10 * time.Second)})
		out := plain(m)
		for _, s := range []string{"STALE: no new sample for 10s", "sampler stopped: sample 7: read proc/interrupts"} {
			if !strings.Contains(out, s) {
				t.Errorf("view lacks %q:\n%s", s, out)
			}
		}
	})
}

func TestWaitingForFirstSample(t *testing.T) {
	m := liveModel(t, 80, 24)
	out := plain(m)
	if !strings.Contains(out, "waiting for the first sample") || !strings.Contains(out, "no sample yet (live)") {
		t.Errorf("empty model:\n%s", out)
	}
	checkFits(t, m.Render(), 80, 24)
}
