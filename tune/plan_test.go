package tune

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
)

func sysctl(name, v string) analyze.Change {
	return analyze.Change{Kind: analyze.ChangeSysctl, Target: name, Value: v}
}

func rec(summary string, cs ...analyze.Change) analyze.Recommendation {
	r := analyze.Recommendation{Summary: summary, Changes: cs}
	for _, c := range cs {
		r.Commands = append(r.Commands, c.Command())
	}
	return r
}

func TestNewPlan(t *testing.T) {
	irq := analyze.Change{Kind: analyze.ChangeIRQAffinity, IRQ: 42, Vector: "eth0-TxRx-0", Value: "1"}
	ring := analyze.Change{Kind: analyze.ChangeRing, Device: "eth0", Target: "rx", Value: "4096"}
	chans := analyze.Change{Kind: analyze.ChangeChannels, Device: "eth0", Target: "combined", Value: "8"}
	bad := analyze.Change{Kind: analyze.ChangeSysfs, Device: "../..", Target: "queues/rx-0/rps_cpus", Value: "f"}
	findings := []analyze.Finding{
		{ID: "tcp.listen_overflow", Severity: analyze.Critical, Subject: "host", Summary: "overflow",
			Recommendations: []analyze.Recommendation{
				rec("raise somaxconn", sysctl("net.core.somaxconn", "8192")),
				{Summary: "accept faster"}, // advice only: for a person
			}},
		{ID: "irq.concentrated", Severity: analyze.Warning, Subject: "eth0", Recommendations: []analyze.Recommendation{rec("ladder", irq)}},
		{ID: "tcp.listen_queue_full", Severity: analyze.Warning, Subject: "0.0.0.0:80",
			Recommendations: []analyze.Recommendation{rec("raise somaxconn", sysctl("net.core.somaxconn", "8192"))}},
		{ID: "tcp.syn_queue_drops", Severity: analyze.Warning, Subject: "host",
			Recommendations: []analyze.Recommendation{rec("raise both", sysctl("net.core.somaxconn", "16384"), sysctl("net.ipv4.tcp_max_syn_backlog", "8192"))}},
		{ID: "nic.ring_small", Severity: analyze.Info, Subject: "eth0", Recommendations: []analyze.Recommendation{rec("ring", ring)}},
		{ID: "rss.few_queues", Severity: analyze.Info, Subject: "eth0", Recommendations: []analyze.Recommendation{rec("channels", chans)}},
		{ID: "rps.recommended", Severity: analyze.Info, Subject: "..", Recommendations: []analyze.Recommendation{rec("rps", bad)}},
		{ID: "softnet.drops", Severity: analyze.Info, Subject: "cpu0", Recommendations: []analyze.Recommendation{{
			Summary: "double it", Commands: []string{"sysctl -w net.core.netdev_max_backlog=$(( 2 * $(sysctl -n net.core.netdev_max_backlog) ))"}}}},
	}
	p := New(Meta{Host: "web1", Source: "this host (web1)"}, findings)

	type row struct {
		Finding  string
		Changes  []analyze.Change
		Skipped  []Skipped
		Commands []string
		Manual   bool
	}
	var got []row
	for _, b := range p.Blocks {
		got = append(got, row{b.Finding, b.Changes, b.Skipped, b.Commands, b.Manual()})
	}
	want := []row{
		// Channels first (they recreate queues and IRQs), then rings, then
		// sysctls in the findings' order, sysfs (even when refused), IRQs;
		// manual blocks last.
		{Finding: "rss.few_queues", Changes: []analyze.Change{chans}},
		{Finding: "nic.ring_small", Changes: []analyze.Change{ring}},
		{Finding: "tcp.listen_overflow", Changes: []analyze.Change{sysctl("net.core.somaxconn", "8192")}},
		{Finding: "tcp.listen_queue_full", Skipped: []Skipped{{sysctl("net.core.somaxconn", "8192"), "block 3 (tcp.listen_overflow) already sets it"}}},
		{Finding: "tcp.syn_queue_drops", Changes: []analyze.Change{sysctl("net.ipv4.tcp_max_syn_backlog", "8192")},
			Skipped: []Skipped{{sysctl("net.core.somaxconn", "16384"), "conflicts with block 3 (tcp.listen_overflow), which sets 8192; review both"}}},
		{Finding: "rps.recommended", Skipped: []Skipped{{bad, `not applied by netvet: sysfs change "../.. queues/rx-0/rps_cpus = f": "../.." is not an interface name netvet writes to`}}},
		{Finding: "irq.concentrated", Changes: []analyze.Change{irq}},
		{Finding: "tcp.listen_overflow", Manual: true},
		{Finding: "softnet.drops", Commands: []string{"sysctl -w net.core.netdev_max_backlog=$(( 2 * $(sysctl -n net.core.netdev_max_backlog) ))"}, Manual: true},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("blocks (-want +got):\n%s", d)
	}
	var steps []string
	for _, s := range p.Steps() {
		steps = append(steps, s.String())
	}
	wantSteps := []string{
		"step 1 (eth0 combined channels = 8, for rss.few_queues)",
		"step 2 (eth0 rx ring = 4096, for nic.ring_small)",
		"step 3 (net.core.somaxconn = 8192, for tcp.listen_overflow)",
		"step 4 (net.ipv4.tcp_max_syn_backlog = 8192, for tcp.syn_queue_drops)",
		"step 5 (IRQ 42 (eth0-TxRx-0) smp_affinity_list = 1, for irq.concentrated)",
	}
	if d := cmp.Diff(wantSteps, steps); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}
}

// The same IRQ found under two numbers (the ladder of two findings made
// from different snapshots) is one setting: the vector name decides.
func TestNewPlanIRQKeyIsTheVector(t *testing.T) {
	a := analyze.Change{Kind: analyze.ChangeIRQAffinity, IRQ: 42, Vector: "eth0-TxRx-0", Value: "1"}
	b := a
	b.IRQ = 43
	p := New(Meta{}, []analyze.Finding{
		{ID: "irq.concentrated", Recommendations: []analyze.Recommendation{rec("x", a)}},
		{ID: "irq.no_affinity", Recommendations: []analyze.Recommendation{rec("y", b)}},
	})
	if n := len(p.Steps()); n != 1 {
		t.Errorf("%d steps, want 1: %+v", n, p.Steps())
	}
}

// Every fixture's plan: each step comes from a change of its finding, no
// setting is changed twice, and manual blocks carry what the finding's
// recommendation said.
func TestFixturePlans(t *testing.T) {
	for _, rel := range []string{"recordings/softnet-drops", "recordings/rps-multiqueue-veth", "realworld/ethtool-g-small-rx-ring", "realworld/rss-ladder-mlx5.Q6700", "realworld/qlcnic-48cpu-all-queues-on-cpu0"} {
		t.Run(rel, func(t *testing.T) {
			res, last := analyzeFixture(t, rel)
			p := New(MetaOf(last, "recording "+rel), res.Findings)
			all := 0
			for _, f := range res.Findings {
				all += len(f.Recommendations)
			}
			if len(p.Blocks) != all {
				t.Errorf("%d blocks for %d recommendations", len(p.Blocks), all)
			}
			seen := map[string]bool{}
			for _, s := range p.Steps() {
				if seen[key(s.Change)] {
					t.Errorf("%s is changed twice", s.Change)
				}
				seen[key(s.Change)] = true
			}
			if len(p.Steps()) == 0 {
				t.Error("no steps: the fixture was chosen for having some")
			}
		})
	}
}
