package report

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/counter"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func snapAt(secs float64, uptime float64, boot string) *collect.Snapshot {
	s := &collect.Snapshot{Host: collect.HostInfo{Uptime: uptime, BootID: boot}}
	if secs >= 0 {
		s.Time = t0.Add(time.Duration(secs * float64(time.Second)))
	}
	return s
}

func TestSteps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		snaps []*collect.Snapshot
		every time.Duration
		want  []step
	}{
		{"times", []*collect.Snapshot{snapAt(0, 0, ""), snapAt(1.5, 0, ""), snapAt(2.5, 0, "")}, 0,
			[]step{{}, {end: 1.5, secs: 1.5}, {end: 2.5, secs: 1}}},
		{"uptime when no time", []*collect.Snapshot{snapAt(-1, 100, "a"), snapAt(-1, 102, "a")}, time.Second,
			[]step{{}, {end: 2, secs: 2}}},
		{"the recording's interval last", []*collect.Snapshot{snapAt(-1, 0, ""), snapAt(-1, 0, "")}, 5 * time.Second,
			[]step{{}, {end: 5, secs: 5}}},
		{"unknown length", []*collect.Snapshot{snapAt(-1, 0, ""), snapAt(-1, 0, "")}, 0,
			[]step{{}, {}}},
		{"reboot: a new boot id", []*collect.Snapshot{snapAt(0, 500, "a"), snapAt(10, 3, "b")}, 0,
			[]step{{}, {end: 10, secs: 10, reboot: true}}},
		{"reboot: uptime going back, no time", []*collect.Snapshot{snapAt(-1, 500, ""), snapAt(-1, 3, "")}, time.Second,
			[]step{{}, {end: 1, secs: 1, reboot: true}}},
	} {
		if d := cmp.Diff(tc.want, steps(tc.snaps, tc.every), cmp.AllowUnexported(step{})); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}

func TestCounterSeries(t *testing.T) {
	// Readings of a counter in 8 snapshots one second apart; -1 is absent.
	st := make([]step, 8)
	for i := 1; i < len(st); i++ {
		st[i] = step{end: float64(i), secs: 1}
	}
	st[6].reboot = true
	readings := []int64{10, 20, -1, 40, 45, 4294967290, 7, 3}
	get := func(i int) (uint64, bool) {
		if readings[i] < 0 {
			return 0, false
		}
		return uint64(readings[i]), true
	}
	got := counterSeries("c", st, len(readings), counter.Bits32, get)
	want := series{name: "c", total: 10 + 5 + 4294967245 + 7 + 3, pts: []point{
		{end: 1, inc: 10, secs: 1},
		// 2 and 3: absent at one end, no point (missing is not zero)
		{end: 4, inc: 5, secs: 1},
		{end: 5, inc: 4294967245, secs: 1},
		{end: 6, inc: 7, secs: 1}, // the host rebooted: all of 7 is new
		{end: 7, inc: 3, secs: 1}, // 7 → 3 on a 32-bit counter, 4 below: a reset, not a wrap
	}}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(series{}, point{})); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// A 32-bit wrap: 2^32-6 → 4 is 10 events.
	wrap := counterSeries("w", st[:2], 2, counter.Bits32, func(i int) (uint64, bool) {
		return []uint64{math.MaxUint32 - 5, 4}[i], true
	})
	if wrap.total != 10 {
		t.Errorf("wrap: total %v, want 10", wrap.total)
	}
}

func TestDownsampleKeepsTheSums(t *testing.T) {
	s := series{name: "x"}
	for i := 1; i <= 10; i++ {
		s.pts = append(s.pts, point{end: float64(i), inc: float64(i * 10), secs: 1})
		s.total += float64(i * 10)
	}
	got := s.downsample(3)
	want := []point{{end: 4, inc: 100, secs: 4}, {end: 8, inc: 260, secs: 4}, {end: 10, inc: 190, secs: 2}}
	if d := cmp.Diff(want, got.pts, cmp.AllowUnexported(point{})); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got.total != s.total {
		t.Errorf("total %v, want %v", got.total, s.total)
	}
	if same := s.downsample(10); len(same.pts) != 10 {
		t.Errorf("downsample to its own length changed it: %d points", len(same.pts))
	}
	xs, ys := got.rate()
	if d := cmp.Diff([]float64{4, 8, 10}, xs); d != "" {
		t.Errorf("rate xs: %s", d)
	}
	if d := cmp.Diff([]float64{25, 65, 95}, ys); d != "" {
		t.Errorf("rate ys: %s", d)
	}
}

func TestTopSeries(t *testing.T) {
	mk := func(name string, incs ...float64) series {
		s := series{name: name}
		for i, v := range incs {
			s.pts = append(s.pts, point{end: float64(i + 1), inc: v, secs: 1})
			s.total += v
		}
		return s
	}
	all := []series{mk("cpu0", 1, 4), mk("cpu1", 30, 20), mk("cpu2", 6, 4), mk("cpu3", 20, 20), mk("cpu4", 0, 1)}
	got := topSeries(all, 2, "rest")
	var names []string
	for _, s := range got {
		names = append(names, s.name)
	}
	if d := cmp.Diff([]string{"cpu1", "cpu3", "rest"}, names); d != "" {
		t.Errorf("names (-want +got):\n%s", d)
	}
	// The mean of cpu0, cpu2 and cpu4 in each interval.
	want := []point{{end: 1, inc: 7.0 / 3, secs: 1}, {end: 2, inc: 3, secs: 1}}
	if d := cmp.Diff(want, got[2].pts, cmp.AllowUnexported(point{}), cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })); d != "" {
		t.Errorf("rest (-want +got):\n%s", d)
	}
	// One left over is itself, not a mean of one.
	got = topSeries(all[:3], 2, "rest")
	if len(got) != 3 || got[2].name != "cpu0" {
		t.Errorf("three series, top two: got %v", got)
	}
}
