package report

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

func TestBondViews(t *testing.T) {
	mk := func(secs int, failures uint64) *collect.Snapshot {
		return &collect.Snapshot{Time: t0.Add(time.Duration(secs) * time.Second), Bonds: map[string]*collect.Bond{
			"bond0": {Name: "bond0", Mode: "802.3ad", ModeText: "IEEE 802.3ad Dynamic link aggregation", XmitHashPolicy: "layer3+4 (1)",
				MIIStatus: "up", MIIPollMs: 100, ARPIntervalMs: 0,
				ActiveAggregator: &collect.Aggregator{ID: 1, Ports: 1, PartnerMAC: "00:00:00:00:00:00"},
				Slaves: []collect.BondSlave{
					{Name: "eth0", MIIStatus: "up", Speed: 10000, Duplex: "full", LinkFailures: 0, HasLinkFailures: true, AggregatorID: 1, ActorChurn: "none", PartnerChurn: "churned"},
					{Name: "eth1", MIIStatus: "down", Speed: -1, Duplex: "unknown", LinkFailures: failures, HasLinkFailures: true, AggregatorID: -1},
				}},
			"bond1": {Name: "bond1", MIIPollMs: -1, ARPIntervalMs: 200, NoActiveAgg: true},
		}}
	}
	got := bondViews(analyze.NewWindow([]*collect.Snapshot{mk(0, 3), mk(10, 5)}, 0))
	want := []BondView{
		{Name: "bond0", Mode: "IEEE 802.3ad Dynamic link aggregation", MIIStatus: "up", Active: "—", HashPolicy: "layer3+4 (1)",
			Monitor: "MII every 100 ms", Aggregator: "ID 1, 1 ports, partner 00:00:00:00:00:00", Slaves: []SlaveView{
				{Name: "eth0", MIIStatus: "up", Speed: "10 Gb/s", Duplex: "full", State: "—", Failures: "0", FailuresWindow: "0",
					Aggregator: "1", PartnerMAC: "—", Churn: "actor none, partner churned"},
				{Name: "eth1", MIIStatus: "down", Speed: "—", Duplex: "unknown", State: "—", Failures: "5", FailuresWindow: "2",
					Aggregator: "—", PartnerMAC: "—", Churn: "—", Bad: true},
			}},
		{Name: "bond1", Mode: "—", MIIStatus: "—", Active: "—", HashPolicy: "—", Monitor: "ARP every 200 ms", Aggregator: "none active"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
