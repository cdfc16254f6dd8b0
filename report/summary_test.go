package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
)

func TestTopActionsGroupByID(t *testing.T) {
	rec := func(summary string, cmds ...string) []analyze.Recommendation {
		return []analyze.Recommendation{{Summary: summary, Commands: cmds}, {Summary: "second advice", Commands: []string{"not shown"}}}
	}
	fs := []analyze.Finding{
		{ID: "softnet.drops", Severity: analyze.Critical, Subject: "cpu3", Recommendations: rec("Raise the backlog", "sysctl -w net.core.netdev_max_backlog=2000")},
		{ID: "nic.link_down", Severity: analyze.Critical, Subject: "eth9"}, // nothing to run: not an action
		{ID: "nic.ring_small", Severity: analyze.Warning, Subject: "eth0", Recommendations: rec("Grow eth0's ring", "ethtool -G eth0 rx 1024")},
		{ID: "irq.concentrated", Severity: analyze.Warning, Subject: "eth0", Recommendations: rec("Spread", "a", "b", "c", "d", "e")},
		{ID: "nic.ring_small", Severity: analyze.Info, Subject: "eth1", Recommendations: rec("Grow eth1's ring", "ethtool -G eth1 rx 1024")},
		{ID: "irq.concentrated", Severity: analyze.Warning, Subject: "eth1", Recommendations: rec("Spread", "f", "g")},
		{ID: "tcp.syncookies_off", Severity: analyze.Info, Subject: "host", Recommendations: rec("Cookies", "sysctl -w net.ipv4.tcp_syncookies=1")},
	}
	views, counts := findingViews(fs)
	if counts != (Counts{Critical: 2, Warning: 3, Info: 2}) {
		t.Errorf("counts %+v", counts)
	}
	want := []Action{
		{Severity: "critical", ID: "softnet.drops", Anchor: "f-1", Summary: "Raise the backlog", Subjects: []string{"cpu3"},
			Commands: []string{"sysctl -w net.core.netdev_max_backlog=2000"}},
		{Severity: "warning", ID: "nic.ring_small", Anchor: "f-3", Summary: "Grow eth0's ring (and likewise for eth1)", Subjects: []string{"eth0", "eth1"},
			Commands: []string{"ethtool -G eth0 rx 1024", "ethtool -G eth1 rx 1024"}},
		{Severity: "warning", ID: "irq.concentrated", Anchor: "f-4", Summary: "Spread (and likewise for eth1)", Subjects: []string{"eth0", "eth1"},
			Commands: []string{"a", "b", "c", "d", "e", "f"}, More: 1},
	}
	if d := cmp.Diff(want, topActions(fs, views)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestEvidenceRow(t *testing.T) {
	rate := 3118.6
	for _, tc := range []struct {
		e    analyze.Evidence
		want EvidenceRow
	}{
		{analyze.Evidence{Metric: "dropped", Value: 15593, Rate: &rate, Unit: "packets", Source: "proc/net/softnet_stat"},
			EvidenceRow{Metric: "dropped", Value: "15,593 packets", Rate: "3119/s", Source: "proc/net/softnet_stat"}},
		{analyze.Evidence{Metric: "share", Value: 62.5, Unit: "%"}, EvidenceRow{Metric: "share", Value: "62.5%"}},
		{analyze.Evidence{Metric: "rps_cpus", Text: "0-3,8"}, EvidenceRow{Metric: "rps_cpus", Value: "0-3,8"}},
		{analyze.Evidence{Metric: "ratio", Value: 0.000123}, EvidenceRow{Metric: "ratio", Value: "0.000123"}},
	} {
		if d := cmp.Diff(tc.want, evidenceRow(tc.e)); d != "" {
			t.Errorf("%+v (-want +got):\n%s", tc.e, d)
		}
	}
}
