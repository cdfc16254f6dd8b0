package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

// slave is an up 10G slave with a known link-failure count of 0.
func slave(name string) collect.BondSlave {
	return collect.BondSlave{Name: name, MIIStatus: "up", Speed: 10000, Duplex: "full", HasLinkFailures: true, AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1}
}

// bondScene puts bond (rebuilt by mk for each snapshot i) in n snapshots
// 10 s apart.
func bondScene(n int, mk func(i int) *collect.Bond) *scene {
	return newScene(n, 10*time.Second).each(func(i int, s *collect.Snapshot) {
		b := mk(i)
		s.Bonds = map[string]*collect.Bond{b.Name: b}
	})
}

func activeBackup(slaves ...collect.BondSlave) *collect.Bond {
	return &collect.Bond{Name: "bond0", Mode: "active-backup", MIIStatus: "up", MIIPollMs: 100, ARPIntervalMs: 0, CurrentActive: slaves[0].Name, Slaves: slaves, From: "proc"}
}

// bondFindings maps "ID subject" to severity for every bond.* finding.
func bondFindings(res Result) map[string]Severity {
	out := map[string]Severity{}
	for _, f := range res.Findings {
		if strings.HasPrefix(f.ID, "bond.") {
			out[f.ID+" "+f.Subject] = f.Severity
		}
	}
	return out
}

func TestBondRules(t *testing.T) {
	down := func(s collect.BondSlave) collect.BondSlave { s.MIIStatus, s.Speed = "down", -1; return s }
	speed := func(s collect.BondSlave, mbps int) collect.BondSlave { s.Speed = mbps; return s }
	failures := func(s collect.BondSlave, n uint64) collect.BondSlave { s.LinkFailures = n; return s }
	lacp := func(slaves ...collect.BondSlave) *collect.Bond {
		b := &collect.Bond{Name: "bond1", Mode: "802.3ad", MIIStatus: "up", MIIPollMs: 100, Slaves: slaves, From: "proc",
			ActiveAggregator: &collect.Aggregator{ID: 1, Ports: 2, ActorKey: 15, PartnerKey: 32, PartnerMAC: "00:1c:73:aa:bb:cc"}}
		return b
	}
	agg := func(s collect.BondSlave, id int, partner string) collect.BondSlave {
		s.AggregatorID, s.PartnerMAC = id, partner
		return s
	}
	const partner = "00:1c:73:aa:bb:cc"
	tests := []struct {
		name string
		n    int
		mk   func(i int) *collect.Bond
		want map[string]Severity
	}{
		{"healthy active-backup", 2, func(int) *collect.Bond { return activeBackup(slave("eth0"), slave("eth1")) }, map[string]Severity{}},
		{"one slave down: redundancy lost", 2, func(int) *collect.Bond { return activeBackup(slave("eth0"), down(slave("eth1"))) },
			map[string]Severity{"bond.slave_down bond0/eth1": Warning}},
		{"every slave down: the bond is down", 2, func(int) *collect.Bond { return activeBackup(down(slave("eth0")), down(slave("eth1"))) },
			map[string]Severity{"bond.slave_down bond0/eth0": Critical, "bond.slave_down bond0/eth1": Critical}},
		{"no slaves", 2, func(int) *collect.Bond { b := activeBackup(slave("x")); b.Slaves, b.CurrentActive = nil, ""; return b },
			map[string]Severity{"bond.no_slaves bond0": Warning}},
		{"link failures rising in the window", 3, func(i int) *collect.Bond {
			return activeBackup(slave("eth0"), failures(slave("eth1"), uint64(3+i)))
		}, map[string]Severity{"bond.link_failures bond0/eth1": Warning}},
		{"10 failures since boot", 1, func(int) *collect.Bond { return activeBackup(slave("eth0"), failures(slave("eth1"), 10)) },
			map[string]Severity{"bond.link_failures bond0/eth1": Warning}},
		{"9 failures since boot: a cable swap or two", 1, func(int) *collect.Bond { return activeBackup(slave("eth0"), failures(slave("eth1"), 9)) },
			map[string]Severity{}},
		{"12 old failures, none in the window: history", 3, func(int) *collect.Bond { return activeBackup(slave("eth0"), failures(slave("eth1"), 12)) },
			map[string]Severity{"bond.link_failures bond0/eth1": Info}},
		{"slaves at different speeds", 2, func(int) *collect.Bond { return activeBackup(speed(slave("eth0"), 1000), slave("eth1")) },
			map[string]Severity{"bond.speed_mismatch bond0": Warning}},
		{"healthy 802.3ad", 2, func(int) *collect.Bond { return lacp(agg(slave("eth2"), 1, partner), agg(slave("eth3"), 1, partner)) },
			map[string]Severity{}},
		{"802.3ad slave without partner", 2, func(int) *collect.Bond {
			b := lacp(agg(slave("eth2"), 1, partner), agg(slave("eth3"), 2, "00:00:00:00:00:00"))
			b.ActiveAggregator.Ports = 1
			return b
		}, map[string]Severity{"bond.lacp_no_partner bond1/eth3": Warning, "bond.lacp_split bond1": Warning}},
		{"802.3ad slave without partner, and down", 2, func(int) *collect.Bond {
			b := lacp(agg(slave("eth2"), 1, partner), down(agg(slave("eth3"), 2, "00:00:00:00:00:00")))
			b.ActiveAggregator.Ports = 1
			return b
		}, map[string]Severity{"bond.lacp_no_partner bond1/eth3": Info, "bond.slave_down bond1/eth3": Warning}},
		{"802.3ad with no active aggregator", 2, func(int) *collect.Bond {
			b := lacp(agg(slave("eth2"), 1, ""), agg(slave("eth3"), 2, ""))
			b.ActiveAggregator, b.NoActiveAgg = nil, true
			return b
		}, map[string]Severity{"bond.lacp_no_aggregator bond1": Critical}},
		{"old driver prints the partner for the active aggregator only", 2, func(int) *collect.Bond {
			b := lacp(agg(slave("eth2"), 1, ""), agg(slave("eth3"), 1, ""))
			b.ActiveAggregator.PartnerMAC = "00:00:00:00:00:00"
			return b
		}, map[string]Severity{"bond.lacp_no_partner bond1/eth2": Warning, "bond.lacp_no_partner bond1/eth3": Warning}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := bondFindings(bondScene(tc.n, tc.mk).analyze(Options{}))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("bond findings (-want +got):\n%s", d)
			}
		})
	}
}

func TestBondEvidence(t *testing.T) {
	b := activeBackup(collect.BondSlave{Name: "eth0", MIIStatus: "up", Speed: 1000, HasLinkFailures: true, LinkFailures: 2},
		collect.BondSlave{Name: "eth1", MIIStatus: "down", Speed: -1, HasLinkFailures: true, LinkFailures: 7})
	b.ARPIntervalMs, b.ARPTargets = 1000, []string{"10.0.0.1"}
	res := bondScene(1, func(int) *collect.Bond { return b }).analyze(Options{})
	f := only(t, res, "bond.slave_down")
	if want := "Slave eth1 of bond bond0 is down (MII status down); 1 of 2 slaves are up"; f.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", f.Summary, want)
	}
	if got := evidenceValue(t, f, "link failure count of eth1"); got != 7 {
		t.Errorf("link failures = %v, want 7", got)
	}
	if got := evidenceText(t, f, "MII status of eth1"); got != "down" {
		t.Errorf("MII status = %q", got)
	}
	want := []string{"ethtool eth1", "ip -s link show eth1", "grep -A8 'Slave Interface: eth1' /proc/net/bonding/bond0"}
	if d := cmp.Diff(want, commands(f)); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}

	// The monitor in use is named: ARP here.
	fl := bondScene(3, func(i int) *collect.Bond {
		c := *b
		c.Slaves = []collect.BondSlave{c.Slaves[0], c.Slaves[1]}
		c.Slaves[1].LinkFailures = uint64(7 + i)
		return &c
	}).analyze(Options{})
	lf := only(t, fl, "bond.link_failures")
	if want := "Slave eth1 of bond bond0 lost its link 2 times in 20 s (ARP monitor every 1000 ms to 10.0.0.1)"; lf.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", lf.Summary, want)
	}
}

func TestBondSpeedMismatchActiveSlower(t *testing.T) {
	b := activeBackup(collect.BondSlave{Name: "eth0", MIIStatus: "up", Speed: 1000}, collect.BondSlave{Name: "eth1", MIIStatus: "up", Speed: 10000})
	f := only(t, bondScene(2, func(int) *collect.Bond { return b }).analyze(Options{}), "bond.speed_mismatch")
	if want := "Bond bond0's slaves run at different speeds: eth0 at 1000 Mb/s; eth1 at 10000 Mb/s — and the active slave eth0 is the slower one"; f.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", f.Summary, want)
	}
	if d := cmp.Diff([]string{"ethtool eth0", "ethtool eth1"}, commands(f)); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
}
