package analyze

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

func TestBlindSpots(t *testing.T) {
	const noFile = "open proc/net/softnet_stat: no such file or directory"
	tests := []struct {
		name   string
		status []collect.CollectorStatus
		only   []string
		want   []Blind
	}{
		{"everything delivered", []collect.CollectorStatus{{Name: "softnet", State: collect.StateOK}, {Name: "bonding", State: collect.StateOK}}, nil, nil},
		{"softnet unavailable hides the softnet rules", []collect.CollectorStatus{{Name: "softnet", State: collect.StateUnavailable, Err: noFile}}, nil,
			[]Blind{{Collector: "softnet", State: "unavailable", Reason: noFile, Hides: []string{
				"softnet.cpu_skew", "softnet.drops", "softnet.flow_limit", "softnet.squeeze"}}}},
		{"an unreadable file is an error, and hides only what needs it", []collect.CollectorStatus{{Name: "listeners", State: collect.StateError, Err: "netvet/listeners.json line 1: bad JSON"}}, nil,
			[]Blind{{Collector: "listeners", State: "error", Reason: "netvet/listeners.json line 1: bad JSON", Hides: []string{"tcp.listen_queue_full"}}}},
		// Not root: no ethtool. What interrupts or sysfs can tell instead
		// (RSS skew from queue interrupts, overruns from sysfs) is not hidden.
		{"no ethtool", []collect.CollectorStatus{{Name: "interrupts", State: collect.StateOK}, {Name: "links", State: collect.StateOK}, {Name: "ethtool", State: collect.StateUnavailable, Err: "ethtool: operation not permitted"}}, nil,
			[]Blind{{Collector: "ethtool", State: "unavailable", Reason: "ethtool: operation not permitted", Hides: []string{
				"nic.offload_off", "nic.ring_small", "rfs.accelerated", "rss.few_queues"}}}},
		{"neither ethtool nor interrupts: RSS skew has no source left", []collect.CollectorStatus{{Name: "interrupts", State: collect.StateUnavailable, Err: "gone"}, {Name: "links", State: collect.StateOK}, {Name: "ethtool", State: collect.StateUnavailable, Err: "no ethtool"}}, nil,
			[]Blind{
				{Collector: "interrupts", State: "unavailable", Reason: "gone", Hides: []string{
					"irq.concentrated", "irq.numa_remote", "irq.queues_share_cpu", "rss.queue_skew", "xps.recommended"}},
				{Collector: "ethtool", State: "unavailable", Reason: "no ethtool", Hides: []string{
					"nic.offload_off", "nic.ring_small", "rfs.accelerated", "rss.few_queues", "rss.queue_skew"}},
			}},
		{"no proc/net/bonding: no bonds, nothing hidden", []collect.CollectorStatus{{Name: "bonding", State: collect.StateUnavailable, Err: "open proc/net/bonding: no such file or directory"}}, nil, nil},
		{"proc/net/bonding unreadable: bonds hidden", []collect.CollectorStatus{{Name: "bonding", State: collect.StateUnavailable, Err: "open proc/net/bonding/bond0: permission denied"}}, nil,
			[]Blind{{Collector: "bonding", State: "unavailable", Reason: "open proc/net/bonding/bond0: permission denied", Hides: []string{
				"bond.lacp_no_aggregator", "bond.lacp_no_partner", "bond.lacp_split", "bond.link_failures", "bond.no_slaves", "bond.slave_down", "bond.speed_mismatch"}}}},
		{"a collector no rule reads", []collect.CollectorStatus{{Name: "sockstat", State: collect.StateUnavailable, Err: "gone"}}, nil, nil},
		{"--only narrows what is hidden", []collect.CollectorStatus{{Name: "softnet", State: collect.StateUnavailable, Err: noFile}, {Name: "ethtool", State: collect.StateUnavailable, Err: "no ethtool"}},
			[]string{"softnet.drops", "tcp.syncookies_off", "rss.queue_skew"},
			[]Blind{{Collector: "softnet", State: "unavailable", Reason: noFile, Hides: []string{"softnet.drops"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(1, time.Hour).each(func(_ int, s *collect.Snapshot) { s.Status = tc.status })
			res := sc.analyze(Options{Only: tc.only})
			if d := cmp.Diff(tc.want, res.Blind); d != "" {
				t.Errorf("blind spots (-want +got):\n%s", d)
			}
		})
	}
}

func TestOnly(t *testing.T) {
	// Drops, squeezes, cookies off and autotuning off all fire; --only keeps two.
	sc := newScene(3, time.Second).sysctl("net.ipv4.tcp_syncookies", "0", "net.ipv4.tcp_moderate_rcvbuf", "0", "net.core.netdev_max_backlog", "1000").
		softnetSeries(cpuSeries{processed: steady(0, 50_000, 3), dropped: steady(0, 20, 3), squeeze: steady(0, 50, 3)}, cpuSeries{processed: steady(0, 50_000, 3)})
	all := ids(sc.analyze(Options{}))
	for _, id := range []string{"softnet.drops@cpu0", "softnet.squeeze@cpu0", "tcp.syncookies_off@host", "tcp.autotuning_off@host"} {
		if !strings.Contains(strings.Join(all, " "), id) {
			t.Fatalf("setup: %s should fire without --only: %v", id, all)
		}
	}
	got := ids(sc.analyze(Options{Only: []string{"tcp.syncookies_off", "softnet.drops"}}))
	if d := cmp.Diff([]string{"softnet.drops@cpu0", "tcp.syncookies_off@host"}, got); d != "" {
		t.Errorf("--only (-want +got):\n%s", d)
	}
}

func TestValidateIDs(t *testing.T) {
	if err := ValidateIDs([]string{"softnet.drops", "bond.lacp_no_aggregator", "xps.recommended"}); err != nil {
		t.Errorf("known IDs: %v", err)
	}
	if err := ValidateIDs(nil); err != nil {
		t.Errorf("no IDs: %v", err)
	}
	err := ValidateIDs([]string{"softnet.drops", "softnet.drop"})
	if err == nil || err.Error() != `unknown finding ID "softnet.drop" (netvet check --list shows them)` {
		t.Errorf("typo: got %v", err)
	}
}

func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Catalog() {
		if seen[c.ID] {
			t.Errorf("%s listed twice", c.ID)
		}
		seen[c.ID] = true
		if c.When == "" {
			t.Errorf("%s has no condition text", c.ID)
		}
		if !strings.HasPrefix(c.ID, c.Family+".") {
			t.Errorf("%s: family %q", c.ID, c.Family)
		}
	}
	if len(seen) != len(when) || len(seen) != len(needs) {
		t.Errorf("%d IDs in the rules, %d condition texts, %d needs: one side has extras", len(seen), len(when), len(needs))
	}
	collectors := collect.Names()
	for id, groups := range needs {
		if !seen[id] {
			t.Errorf("needs of %s, which no rule emits", id)
		}
		if len(groups) == 0 {
			t.Errorf("%s needs nothing: then no unavailable collector could hide it", id)
		}
		for _, g := range groups {
			for _, name := range g {
				if !slices.Contains(collectors, name) {
					t.Errorf("%s needs %q, which is no collector", id, name)
				}
			}
		}
	}
}

func TestSinceBootIsNeverCritical(t *testing.T) {
	// A bond without an active aggregator is critical over a window, and
	// also from one snapshot: it describes the state now, not a counter.
	b := func(int) *collect.Bond {
		return &collect.Bond{Name: "bond1", Mode: "802.3ad", NoActiveAgg: true, Slaves: []collect.BondSlave{slave("eth2")}}
	}
	if got := only(t, bondScene(2, b).analyze(Options{}), "bond.lacp_no_aggregator").Severity; got != Critical {
		t.Fatalf("over a window: %s, want critical", got)
	}
	res := bondScene(1, b).analyze(Options{})
	if !res.SinceBoot {
		t.Error("one snapshot: SinceBoot should be set")
	}
	for _, f := range res.Findings {
		if f.Severity == Critical && !currentState[f.ID] {
			t.Errorf("one snapshot, yet a counter finding is critical: %s %s", f.ID, f.Subject)
		}
	}
	if got := only(t, res, "bond.lacp_no_aggregator").Severity; got != Critical {
		t.Errorf("one snapshot of a bond passing no traffic: %s, want critical (state, not history)", got)
	}
	if res := Analyze(NewWindow(nil, 0), Options{}); res.Findings != nil || res.Blind != nil || res.SinceBoot {
		t.Errorf("empty window: %+v", res)
	}
}

func TestFindingOrder(t *testing.T) {
	fs := []Finding{
		{ID: "softnet.drops", Severity: Warning, Subject: "cpu10"},
		{ID: "softnet.drops", Severity: Warning, Subject: "cpu2"},
		{ID: "nic.ring_small", Severity: Info, Subject: "eth0"},
		{ID: "tcp.listen_overflow", Severity: Critical, Subject: "host"},
		{ID: "bond.slave_down", Severity: Warning, Subject: "bond0/eth1"},
	}
	sortFindings(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.ID+"@"+f.Subject)
	}
	want := []string{"tcp.listen_overflow@host", "bond.slave_down@bond0/eth1", "softnet.drops@cpu2", "softnet.drops@cpu10", "nic.ring_small@eth0"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
}
