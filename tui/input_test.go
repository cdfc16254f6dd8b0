package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
)

// TestKeys drives the key bindings and checks where they lead.
func TestKeys(t *testing.T) {
	snaps, iv := loadRecording(t, "softnet-drops")
	type state struct {
		Screen          int
		Help, Filtering bool
		Filter          string
		Paused          bool
	}
	for _, tc := range []struct {
		keys []string
		want state
	}{
		{[]string{"tab"}, state{Screen: 1}},
		{[]string{"tab", "tab", "tab", "tab", "tab", "tab"}, state{Screen: 0}},
		{[]string{"shift+tab"}, state{Screen: 5}},
		{[]string{"4"}, state{Screen: 3}},
		{[]string{"l", "l", "h"}, state{Screen: 1}},
		{[]string{"?"}, state{Help: true}},
		{[]string{"?", "esc"}, state{}},
		{[]string{"?", "tab"}, state{Screen: 1}},
		{[]string{"/", "e", "t", "h"}, state{Filtering: true, Filter: "eth"}},
		{[]string{"/", "e", "t", "h", "enter"}, state{Filter: "eth"}},
		{[]string{"/", "e", "t", "h", "enter", "esc"}, state{}},
		{[]string{"/", "q", "esc"}, state{}},
		{[]string{"p"}, state{Paused: true}},
		{[]string{"p", "p"}, state{}},
	} {
		t.Run(strings.Join(tc.keys, ","), func(t *testing.T) {
			m := replayModel(t, snaps, iv, 80, 24)
			for _, k := range tc.keys {
				m.Update(press(k))
			}
			got := state{int(m.screen), m.showHelp, m.filtering, m.filter.Value(), m.paused}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			checkFits(t, m.Render(), 80, 24)
		})
	}
}

func TestQuit(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{press("q"), {Code: 'c', Mod: tea.ModCtrl}} {
		m := liveModel(t, 80, 24)
		_, cmd := m.Update(k)
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s does not quit", k)
		}
	}
	// While typing a filter, q is a letter.
	m := liveModel(t, 80, 24)
	m.Update(press("/"))
	if _, cmd := m.Update(press("q")); cmd != nil {
		if _, ok := cmd().(tea.QuitMsg); ok {
			t.Error("q quit while typing a filter")
		}
	}
}

// dataRows returns the lines of the body after the line holding marker.
func dataRows(m *Model, marker string, n int) []string {
	lines := strings.Split(plain(m), "\n")
	for i, l := range lines {
		if strings.Contains(l, marker) {
			end := min(i+1+n, len(lines))
			return lines[i+1 : end]
		}
	}
	return nil
}

func firstField(lines []string) []string {
	var out []string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

// TestSortCPUs: s cycles the CPUs table's sort column; sorted by dropped/s
// the dropping CPU comes first.
func TestSortCPUs(t *testing.T) {
	snaps, iv := loadRecording(t, "softnet-drops")
	m := replayModel(t, snaps, iv, 120, 40)
	m.Update(press("2"))
	if got := firstField(dataRows(m, "all ", 2)); !cmp.Equal(got, []string{"0", "1"}) {
		t.Errorf("by CPU: %v", got)
	}
	m.Update(press("s"))
	if !strings.Contains(plain(m), "sort: dropped/s") || !strings.Contains(plain(m), "dropped/s▼") {
		t.Errorf("sort column not shown:\n%s", plain(m))
	}
	if got := firstField(dataRows(m, "all ", 2)); !cmp.Equal(got, []string{"1", "0"}) {
		t.Errorf("by dropped/s: %v", got)
	}
	for range len(sortKeys(scrCPUs)) - 1 {
		m.Update(press("s"))
	}
	if m.sortName() != "cpu" {
		t.Errorf("s does not cycle back to cpu: %s", m.sortName())
	}
}

// TestFilterNICs: the filter keeps the matching interfaces.
func TestFilterNICs(t *testing.T) {
	snaps, iv := loadRecording(t, "softnet-drops")
	m := replayModel(t, snaps, iv, 120, 40)
	m.Update(press("3"))
	for _, k := range []string{"/", "i", "f", "b", "enter"} {
		m.Update(press(k))
	}
	out := plain(m)
	for _, s := range []string{"ifb0 · virtual ifb", "ifb1 · virtual ifb", "filter: ifb", "2 interfaces"} {
		if !strings.Contains(out, s) {
			t.Errorf("filtered view lacks %q", s)
		}
	}
	for _, s := range []string{"eth0 ·", "lo ·"} {
		if strings.Contains(out, s) {
			t.Errorf("filtered view still shows %q", s)
		}
	}
}

// TestScroll: the CPUs table of 256 CPUs scrolls; the header stays.
func TestScroll(t *testing.T) {
	o := synthOptions()
	m := replayModel(t, synthSnaps(t, o, 2), o.Interval, 80, 24)
	m.Update(press("2"))
	m.Update(press("G"))
	rows := firstField(dataRows(m, "all ", 18))
	if rows[len(rows)-1] != "255" {
		t.Errorf("end shows %v", rows)
	}
	if !strings.Contains(plain(m), "CPU▲") {
		t.Error("header scrolled away")
	}
	m.Update(press("g"))
	m.Update(press("j"))
	if rows := firstField(dataRows(m, "all ", 1)); rows[0] != "1" {
		t.Errorf("one down shows %v", rows)
	}
	m.Update(press("k"))
	m.Update(press("k"))
	if rows := firstField(dataRows(m, "all ", 1)); rows[0] != "0" {
		t.Errorf("scrolled above the top: %v", rows)
	}
}

// TestSortOtherScreens: s orders the NICs by traffic, the listeners by
// address and the findings by severity.
func TestSortOtherScreens(t *testing.T) {
	o := synthOptions()
	m := replayModel(t, synthSnaps(t, o, 3), o.Interval, 120, 40)
	m.Update(press("3"))
	m.Update(press("s"))
	if l := strings.Split(plain(m), "\n")[3]; !strings.HasPrefix(l, "bond0 ·") {
		t.Errorf("by rx pps the bond comes first, got %q", l)
	}
	m.Update(press("4"))
	m.Update(press("s"))
	if got := firstField(dataRows(m, "Listeners —", 5)); !cmp.Equal(got, []string{"0.0.0.0:22", "0.0.0.0:443", "0.0.0.0:80", "127.0.0.1:9100", "[::]:443"}) {
		t.Errorf("listeners by address: %v", got)
	}
	// A warning that showed in the newest snapshot and a critical one
	// that has shown for longer.
	m.fr.findings = []finding{
		{Finding: analyze.Finding{ID: "nic.ring_small", Severity: analyze.Warning, Subject: "eth9"}, since: seenAt{n: 3}},
		{Finding: analyze.Finding{ID: "softnet.drops", Severity: analyze.Critical, Subject: "cpu1"}, since: seenAt{n: 1}},
	}
	m.Update(press("6"))
	first := func() string { return strings.Fields(strings.Split(plain(m), "\n")[3])[1] }
	if got := first(); got != "nic.ring_small" {
		t.Errorf("newest first shows %s first", got)
	}
	m.Update(press("s"))
	if got := first(); got != "softnet.drops" {
		t.Errorf("by severity shows %s first", got)
	}
}
