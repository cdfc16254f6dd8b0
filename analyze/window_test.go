package analyze

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

func TestWindowBasics(t *testing.T) {
	a, b, c := at(0), at(1), at(2)
	c.Host.Uptime = 1234.5
	w := NewWindow([]*collect.Snapshot{a, nil, b, c}, 0)
	if w.Len() != 3 || w.First() != a || w.Last() != c || w.Single() || w.Intervals() != 2 {
		t.Errorf("NewWindow(a, nil, b, c): Len %d, First a %v, Last c %v, Single %v, Intervals %d; want 3, true, true, false, 2",
			w.Len(), w.First() == a, w.Last() == c, w.Single(), w.Intervals())
	}
	if up, ok := w.SinceBoot(); !ok || up != 1234.5 {
		t.Errorf("SinceBoot = %v, %v; want 1234.5, true", up, ok)
	}
	if w.Rebooted() {
		t.Error("Rebooted = true on one boot id")
	}

	empty := NewWindow(nil, time.Second)
	if empty.First() != nil || empty.Last() != nil || empty.Single() || empty.Intervals() != 0 {
		t.Error("empty window: want nil First/Last, not Single, 0 intervals")
	}
	if _, ok := empty.Seconds(); ok {
		t.Error("empty window: Seconds ok")
	}
	if _, ok := empty.SinceBoot(); ok {
		t.Error("empty window: SinceBoot ok")
	}
	if _, ok := empty.NetstatDelta("TcpExt.ListenOverflows"); ok {
		t.Error("empty window: NetstatDelta ok")
	}

	one := NewWindow([]*collect.Snapshot{at(0)}, 0)
	if !one.Single() {
		t.Error("one snapshot: Single = false")
	}
	if _, ok := one.SinceBoot(); ok {
		t.Error("one snapshot without uptime: SinceBoot ok")
	}
}

func TestWindowSeconds(t *testing.T) {
	withUp := func(s *collect.Snapshot, up float64, boot string) *collect.Snapshot {
		s.Host.Uptime, s.Host.BootID = up, boot
		return s
	}
	noTime := func(s *collect.Snapshot) *collect.Snapshot { s.Time = time.Time{}; return s }
	tests := []struct {
		name     string
		snaps    []*collect.Snapshot
		interval time.Duration
		want     float64
		wantOK   bool
		reboot   bool
	}{
		{"times", []*collect.Snapshot{at(0), at(1.5), at(3)}, 0, 3, true, false},
		{"times win over the interval", []*collect.Snapshot{at(0), at(2)}, time.Hour, 2, true, false},
		{"uptime when times are unknown", []*collect.Snapshot{
			withUp(noTime(at(0)), 100, "b1"), withUp(noTime(at(0)), 101.25, "b1")}, time.Hour, 1.25, true, false},
		// After a reboot uptimes are from different boots: the interval decides.
		{"reboot without times uses the interval", []*collect.Snapshot{
			withUp(noTime(at(0)), 100, "b1"), withUp(noTime(at(0)), 3, "b2")}, 5 * time.Second, 5, true, true},
		{"reboot with times", []*collect.Snapshot{withUp(at(0), 100, "b1"), withUp(at(10), 3, "b2")}, 0, 10, true, true},
		// Uptime going backwards marks a reboot when boot ids are unknown.
		{"reboot seen by uptime alone", []*collect.Snapshot{
			withUp(at(0), 100, ""), withUp(at(4), 2, "")}, 0, 4, true, true},
		{"the interval alone", []*collect.Snapshot{noTime(at(0)), noTime(at(0)), noTime(at(0))}, 2 * time.Second, 4, true, false},
		{"nothing known", []*collect.Snapshot{noTime(at(0)), noTime(at(0))}, 0, 0, false, false},
		{"one interval unknown", []*collect.Snapshot{at(0), at(1), noTime(at(0))}, 0, 0, false, false},
		// A clock stepped back: not a length; nothing else known.
		{"time going backwards", []*collect.Snapshot{at(5), at(1)}, 0, 0, false, false},
		{"single snapshot", []*collect.Snapshot{at(0)}, time.Second, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWindow(tt.snaps, tt.interval)
			got, ok := w.Seconds()
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Seconds = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
			if r := w.Rebooted(); r != tt.reboot {
				t.Errorf("Rebooted = %v, want %v", r, tt.reboot)
			}
		})
	}
}

func TestDeltaMethods(t *testing.T) {
	d := Delta{Inc: 30, Seconds: 10, Intervals: 3, WindowIntervals: 4, LongestRun: 2}
	if r, ok := d.Rate(); !ok || r != 3 {
		t.Errorf("Rate = %v, %v; want 3, true", r, ok)
	}
	if _, ok := (Delta{Inc: 5}).Rate(); ok {
		t.Error("Rate with unknown seconds: ok")
	}
	if r, ok := d.Per(Delta{Inc: 300}); !ok || r != 0.1 {
		t.Errorf("Per = %v, %v; want 0.1, true", r, ok)
	}
	if _, ok := d.Per(Delta{}); ok {
		t.Error("Per of a zero denominator: ok")
	}
	if c := d.Coverage(); c != 0.75 {
		t.Errorf("Coverage = %v, want 0.75", c)
	}
	if c := (Delta{SinceBoot: true}).Coverage(); c != 1 {
		t.Errorf("Coverage since boot = %v, want 1", c)
	}
	if c := (Delta{}).Coverage(); c != 0 {
		t.Errorf("Coverage of nothing = %v, want 0", c)
	}
	for k, want := range map[int]bool{0: false, 1: true, 2: true, 3: false} {
		if got := d.Persists(k); got != want {
			t.Errorf("Persists(%d) = %v, want %v", k, got, want)
		}
	}
	if (Delta{SinceBoot: true, LongestRun: 5}).Persists(1) {
		t.Error("a total since boot persists")
	}
	if (Delta{}).Known() || !(Delta{SinceBoot: true}).Known() || !d.Known() {
		t.Error("Known: want false for the zero Delta, true otherwise")
	}
}

// TestNetstatDelta covers the series rule every 64-bit helper shares.
func TestNetstatDelta(t *testing.T) {
	const key = "TcpExt.ListenOverflows"
	v := func(sec float64, val uint64) *collect.Snapshot { return netstat(sec, map[string]uint64{key: val}) }
	none := func(sec float64) *collect.Snapshot { return netstat(sec, map[string]uint64{"TcpExt.Other": 1}) }
	reboot := func(s *collect.Snapshot) *collect.Snapshot { s.Host.BootID = "b2"; return s }
	tests := []struct {
		name   string
		snaps  []*collect.Snapshot
		want   Delta
		wantOK bool
	}{
		{"rising", []*collect.Snapshot{v(0, 10), v(1, 15), v(2, 15), v(3, 20)},
			Delta{Inc: 10, Seconds: 3, Intervals: 3, WindowIntervals: 3, Rises: 2, LongestRun: 1, RunAtEnd: 1}, true},
		{"rising in every interval", []*collect.Snapshot{v(0, 1), v(1, 2), v(2, 3), v(3, 4)},
			Delta{Inc: 3, Seconds: 3, Intervals: 3, WindowIntervals: 3, Rises: 3, LongestRun: 3, RunAtEnd: 3}, true},
		{"flat", []*collect.Snapshot{v(0, 7), v(1, 7)}, delta(0, 1, 1, 1), true},
		// 100 → 40: a 64-bit counter that went down was reset; 40 are new.
		{"reset in the middle", []*collect.Snapshot{v(0, 90), v(1, 100), v(2, 40), v(3, 45)},
			Delta{Inc: 10 + 40 + 5, Seconds: 3, Intervals: 3, WindowIntervals: 3, Rises: 3, LongestRun: 3, RunAtEnd: 3, Resets: 1}, true},
		// A 64-bit counter never wraps, even near 2^32.
		{"no 32-bit wrap for 64-bit counters", []*collect.Snapshot{v(0, math.MaxUint32), v(1, 3)},
			Delta{Inc: 3, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1, Resets: 1}, true},
		// After a reboot 20 > 10 is not "rose by 10": all 20 are new.
		{"reboot", []*collect.Snapshot{v(0, 5), v(1, 10), reboot(v(2, 20))},
			Delta{Inc: 5 + 20, Seconds: 2, Intervals: 2, WindowIntervals: 2, Rises: 2, LongestRun: 2, RunAtEnd: 2, Resets: 1}, true},
		// Absent in snapshot 2: intervals 2 and 3 cannot be measured.
		{"gap", []*collect.Snapshot{v(0, 1), v(1, 2), none(2), v(3, 5), v(4, 6)},
			Delta{Inc: 2, Seconds: 2, Intervals: 2, WindowIntervals: 4, Rises: 2, LongestRun: 1, RunAtEnd: 1}, true},
		{"absent at the end", []*collect.Snapshot{v(0, 1), v(1, 2), none(2)},
			Delta{Inc: 1, Seconds: 1, Intervals: 1, WindowIntervals: 2, Rises: 1, LongestRun: 1}, true},
		{"absent everywhere", []*collect.Snapshot{none(0), none(1)}, Delta{}, false},
		{"present in one snapshot only", []*collect.Snapshot{none(0), v(1, 5), none(2)}, Delta{}, false},
		{"no netstat at all", []*collect.Snapshot{at(0), at(1)}, Delta{}, false},
		{"single snapshot", []*collect.Snapshot{func() *collect.Snapshot { s := v(0, 42); s.Host.Uptime = 3600; return s }()},
			Delta{Inc: 42, Seconds: 3600, SinceBoot: true}, true},
		{"single snapshot, uptime unknown", []*collect.Snapshot{v(0, 42)}, Delta{Inc: 42, SinceBoot: true}, true},
		{"single snapshot, absent", []*collect.Snapshot{none(0)}, Delta{}, false},
		{"uint64 max", []*collect.Snapshot{v(0, 0), v(1, math.MaxUint64)},
			Delta{Inc: math.MaxUint64, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1}, true},
		// Two increases of nearly 2^64 saturate instead of wrapping to a small sum.
		{"sum saturates", []*collect.Snapshot{v(0, 0), v(1, math.MaxUint64), v(2, 0), v(3, math.MaxUint64)},
			Delta{Inc: math.MaxUint64, Seconds: 3, Intervals: 3, WindowIntervals: 3, Rises: 2, LongestRun: 1, RunAtEnd: 1, Resets: 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NewWindow(tt.snaps, 0).NetstatDelta(key)
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NetstatDelta (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeltaSecondsUnknown(t *testing.T) {
	s0, s1, s2 := netstat(0, map[string]uint64{"k": 1}), netstat(1, map[string]uint64{"k": 2}), netstat(0, map[string]uint64{"k": 3})
	s2.Time = time.Time{}
	d, ok := NewWindow([]*collect.Snapshot{s0, s1, s2}, 0).NetstatDelta("k")
	if !ok || d.Inc != 2 || d.Seconds != 0 {
		t.Errorf("NetstatDelta = %+v, %v; want Inc 2 with Seconds 0 (one interval's length unknown)", d, ok)
	}
	if _, ok := d.Rate(); ok {
		t.Error("Rate ok with an interval of unknown length")
	}
}

func TestSNMPAndLinkAndBond(t *testing.T) {
	mk := func(sec float64, retrans, missed, fails uint64, hasFails bool) *collect.Snapshot {
		s := at(sec)
		s.SNMP = &collect.Counters{Values: map[string]uint64{"Tcp.RetransSegs": retrans}}
		s.Links = map[string]*collect.Link{"eth0": {Name: "eth0", Stats: map[string]uint64{"rx_missed_errors": missed}}}
		s.Bonds = map[string]*collect.Bond{"bond0": {Name: "bond0", Slaves: []collect.BondSlave{
			{Name: "eth1", LinkFailures: 1}, {Name: "eth2", LinkFailures: fails, HasLinkFailures: hasFails}}}}
		return s
	}
	w := NewWindow([]*collect.Snapshot{
		mk(0, 100, 5, math.MaxUint32, true),
		mk(2, 160, 5, 1, true), // the u32 link failure count wrapped: 2 failures
		mk(4, 200, 9, 0, true), // and then the slave was enslaved again: reset
	}, 0)
	tests := []struct {
		name   string
		got    func() (Delta, bool)
		want   Delta
		wantOK bool
	}{
		{"snmp", func() (Delta, bool) { return w.SNMPDelta("Tcp.RetransSegs") },
			Delta{Inc: 100, Seconds: 4, Intervals: 2, WindowIntervals: 2, Rises: 2, LongestRun: 2, RunAtEnd: 2}, true},
		{"snmp absent", func() (Delta, bool) { return w.SNMPDelta("Tcp.Nope") }, Delta{}, false},
		{"link stat", func() (Delta, bool) { return w.LinkStatDelta("eth0", "rx_missed_errors") },
			Delta{Inc: 4, Seconds: 4, Intervals: 2, WindowIntervals: 2, Rises: 1, LongestRun: 1, RunAtEnd: 1}, true},
		{"link stat absent", func() (Delta, bool) { return w.LinkStatDelta("eth0", "rx_fifo_errors") }, Delta{}, false},
		{"link absent", func() (Delta, bool) { return w.LinkStatDelta("eth9", "rx_missed_errors") }, Delta{}, false},
		{"bond link failures", func() (Delta, bool) { return w.BondLinkFailuresDelta("bond0", "eth2") },
			Delta{Inc: 2, Seconds: 4, Intervals: 2, WindowIntervals: 2, Rises: 1, LongestRun: 1, Wraps: 1, Resets: 1}, true},
		// The count was not printed for eth1: absent, not 0.
		{"bond link failures not printed", func() (Delta, bool) { return w.BondLinkFailuresDelta("bond0", "eth1") }, Delta{}, false},
		{"bond slave absent", func() (Delta, bool) { return w.BondLinkFailuresDelta("bond0", "eth3") }, Delta{}, false},
		{"bond absent", func() (Delta, bool) { return w.BondLinkFailuresDelta("bond1", "eth2") }, Delta{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.got()
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNetDevDelta(t *testing.T) {
	mk := func(sec float64, devs map[string]collect.NetDevStats) *collect.Snapshot {
		s := at(sec)
		s.NetDev = devs
		return s
	}
	w := NewWindow([]*collect.Snapshot{
		mk(0, map[string]collect.NetDevStats{"eth0": {RxPackets: 100, RxDrop: 1, TxCompressed: 9}}),
		mk(1, map[string]collect.NetDevStats{"eth0": {RxPackets: 300, RxDrop: 1, TxCompressed: 9}, "veth1": {RxPackets: 5}}),
		mk(2, map[string]collect.NetDevStats{"eth0": {RxPackets: 600, RxDrop: 4, TxCompressed: 9}, "veth1": {RxPackets: 8}}),
	}, 0)
	got, ok := w.NetDevDelta("eth0")
	if !ok {
		t.Fatal("NetDevDelta(eth0): not ok")
	}
	flat := delta(0, 2, 2, 2)
	want := NetDevDelta{
		RxBytes: flat, RxPackets: Delta{Inc: 500, Seconds: 2, Intervals: 2, WindowIntervals: 2, Rises: 2, LongestRun: 2, RunAtEnd: 2},
		RxErrs: flat, RxDrop: Delta{Inc: 3, Seconds: 2, Intervals: 2, WindowIntervals: 2, Rises: 1, LongestRun: 1, RunAtEnd: 1},
		RxFifo: flat, RxFrame: flat, RxCompressed: flat, RxMulticast: flat,
		TxBytes: flat, TxPackets: flat, TxErrs: flat, TxDrop: flat, TxFifo: flat, TxColls: flat, TxCarrier: flat, TxCompressed: flat,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NetDevDelta(eth0) (-want +got):\n%s", diff)
	}
	// veth1 was created during the window: one of two intervals.
	v, ok := w.NetDevDelta("veth1")
	if !ok || v.RxPackets.Inc != 3 || v.RxPackets.Intervals != 1 || v.RxPackets.Coverage() != 0.5 {
		t.Errorf("NetDevDelta(veth1).RxPackets = %+v, %v; want Inc 3 over 1 of 2 intervals", v.RxPackets, ok)
	}
	if _, ok := w.NetDevDelta("eth9"); ok {
		t.Error("NetDevDelta(eth9): ok for an absent interface")
	}
	single, ok := NewWindow(w.Snaps[2:], 0).NetDevDelta("eth0")
	if !ok || single.RxPackets != (Delta{Inc: 600, SinceBoot: true}) || single.TxCompressed != (Delta{Inc: 9, SinceBoot: true}) {
		t.Errorf("single NetDevDelta(eth0) = %+v, %v", single, ok)
	}
}

func TestEthtoolStatDelta(t *testing.T) {
	mk := func(sec float64, stats ...collect.Stat) *collect.Snapshot {
		s := at(sec)
		s.Ethtool = map[string]*collect.Ethtool{"eth0": {Driver: "ixgbe", Stats: stats}}
		return s
	}
	st := func(name string, v uint64) collect.Stat { return collect.Stat{Name: name, Value: v} }
	noStats := at(3)
	noStats.Ethtool = map[string]*collect.Ethtool{"eth0": {Driver: "ixgbe"}}
	w := NewWindow([]*collect.Snapshot{
		mk(0, st("rx_packets", 10), st("rx_missed_errors", 1), st("rx_missed_errors", 500)),
		mk(1, st("rx_packets", 20), st("rx_missed_errors", 4), st("rx_missed_errors", 900)),
		// The driver reordered its stats (a reload with more queues): names, not positions, count.
		mk(2, st("rx_queue_0_packets", 7), st("rx_missed_errors", 6), st("rx_packets", 25)),
		noStats,
		mk(4, st("rx_queue_0_packets", 9), st("rx_missed_errors", 6), st("rx_packets", 30)),
	}, 0)
	tests := []struct {
		name   string
		stat   string
		want   Delta
		wantOK bool
	}{
		// The first of the repeated names counts: 1 → 4 → 6.
		{"repeated name", "rx_missed_errors", Delta{Inc: 5, Seconds: 2, Intervals: 2, WindowIntervals: 4, Rises: 2, LongestRun: 2}, true},
		{"reordered", "rx_packets", Delta{Inc: 15, Seconds: 2, Intervals: 2, WindowIntervals: 4, Rises: 2, LongestRun: 2}, true},
		{"appears later", "rx_queue_0_packets", Delta{}, false},
		{"absent", "rx_no_buffer_count", Delta{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := w.EthtoolStatDelta("eth0", tt.stat)
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("EthtoolStatDelta(eth0, %s) (-want +got):\n%s", tt.stat, diff)
			}
		})
	}
	if _, ok := w.EthtoolStatDelta("eth1", "rx_packets"); ok {
		t.Error("EthtoolStatDelta(eth1): ok for an absent interface")
	}
	if diff := cmp.Diff([]string{"rx_queue_0_packets", "rx_missed_errors", "rx_packets"}, w.EthtoolStatNames("eth0")); diff != "" {
		t.Errorf("EthtoolStatNames (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"rx_packets", "rx_missed_errors"}, NewWindow(w.Snaps[:2], 0).EthtoolStatNames("eth0")); diff != "" {
		t.Errorf("EthtoolStatNames with a repeated name (-want +got):\n%s", diff)
	}
	if names := w.EthtoolStatNames("eth1"); names != nil {
		t.Errorf("EthtoolStatNames(eth1) = %v, want nil", names)
	}
}

// TestWindowConcurrent runs every helper from several goroutines on one
// Window (go test -race checks the lazy indexes).
func TestWindowConcurrent(t *testing.T) {
	snaps := synthSnapshots(8, 40, 5, true)
	w := NewWindow(snaps, time.Second)
	var wg sync.WaitGroup
	results := make([]uint64, 8)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sum uint64
			for cpu := 0; cpu < 8; cpu++ {
				d, _ := w.SoftnetDelta(cpu)
				c, _ := w.CPUInterruptsDelta(cpu)
				i, _ := w.IRQDelta("30", cpu)
				sum += d.Processed.Inc + c.All.Inc + i.Inc
			}
			l, _ := w.IRQLineDelta("31")
			e, _ := w.EthtoolStatDelta("eth0", "rx_packets")
			s, _ := w.SoftIRQDelta("NET_RX", 1)
			results[g] = sum + l.Total.Inc + e.Inc + s.Inc + uint64(len(w.IRQLines()))
		}()
	}
	wg.Wait()
	for g := range results {
		if results[g] != results[0] || results[g] == 0 {
			t.Fatalf("goroutines disagree or saw nothing: %v", results)
		}
	}
}
