package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		want []setting
	}{
		{"sysctl -w net.core.netdev_max_backlog=2000", []setting{{key: "sysctl net.core.netdev_max_backlog", value: "2000"}}},
		{`sysctl -w net.ipv4.tcp_rmem="4096 131072 33554432"`, []setting{{key: "sysctl net.ipv4.tcp_rmem", value: "4096 131072 33554432"}}},
		// Twice the current value, computed by the shell: no literal to show.
		{"sysctl -w net.core.netdev_max_backlog=$(( 2 * $(sysctl -n net.core.netdev_max_backlog) ))", nil},
		{"sysctl net.core.netdev_budget net.core.netdev_budget_usecs", nil}, // a read
		{"echo 3 > /proc/irq/42/smp_affinity_list", []setting{{key: "irq 42", value: "3"}}},
		{"echo ff,00000000 > /sys/class/net/eth0/queues/rx-3/rps_cpus", []setting{{iface: "eth0", key: "sysfs queues/rx-3/rps_cpus", value: "ff,00000000"}}},
		{"echo 4096 > /sys/class/net/eth0/queues/rx-0/rps_flow_cnt", []setting{{iface: "eth0", key: "sysfs queues/rx-0/rps_flow_cnt", value: "4096"}}},
		{"ethtool -G eth2 rx 4096", []setting{{iface: "eth2", key: "ring rx", value: "4096"}}},
		{"ethtool -G eth2 rx 4096 tx 1024", []setting{{iface: "eth2", key: "ring rx", value: "4096"}, {iface: "eth2", key: "ring tx", value: "1024"}}},
		{"ethtool -L ens1f0 combined 16", []setting{{iface: "ens1f0", key: "channels combined", value: "16"}}},
		{"ethtool -K eth0 gro on gso on tso on", []setting{{iface: "eth0", key: "feature gro", value: "on"}, {iface: "eth0", key: "feature gso", value: "on"}, {iface: "eth0", key: "feature tso", value: "on"}}},
		{"ethtool -K eth0 ntuple on", []setting{{iface: "eth0", key: "feature ntuple", value: "on"}}},
		{"ip link set eth0 txqueuelen 2000", []setting{{iface: "eth0", key: "txqueuelen", value: "2000"}}},
		// Names holding what HTML and shells care about are still one field.
		{`ethtool -G e<xx>&"1 rx 1024`, []setting{{iface: `e<xx>&"1`, key: "ring rx", value: "1024"}}},
		{`echo 1 > /sys/class/net/b<&"0/queues/tx-0/xps_cpus`, []setting{{iface: `b<&"0`, key: "sysfs queues/tx-0/xps_cpus", value: "1"}}},
		// Reads, and commands that set nothing netvet shows.
		{"ethtool -g eth0", nil},
		{"ethtool -S eth0 | grep -i -E 'err|crc|drop'", nil},
		{"ethtool -X eth0 equal 8", nil},
		{"cat /sys/class/net/eth0/queues/rx-*/rps_cpus", nil},
		{"", nil},
	} {
		if d := cmp.Diff(tc.want, parseCommand(tc.cmd), cmp.AllowUnexported(setting{})); d != "" {
			t.Errorf("%q (-want +got):\n%s", tc.cmd, d)
		}
	}
}

func TestProposalsMergeEqualValues(t *testing.T) {
	p := proposals{}
	p.add(setting{iface: "eth0", key: "ring rx", value: "1024"}, "nic.ring_small", "f-3")
	p.add(setting{iface: "eth0", key: "ring rx", value: "4096"}, "nic.rx_ring_overrun", "f-1")
	p.add(setting{iface: "eth0", key: "ring rx", value: "1024"}, "nic.ring_small", "f-3")
	p.add(setting{iface: "eth0", key: "ring rx", value: "4096"}, "nic.other", "f-9")
	want := []Proposal{
		{Value: "1024", IDs: []string{"nic.ring_small"}, Anchor: "f-3"},
		{Value: "4096", IDs: []string{"nic.rx_ring_overrun", "nic.other"}, Anchor: "f-1"},
	}
	if d := cmp.Diff(want, p.get("eth0", "ring rx")); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got := p.get("eth1", "ring rx"); got != nil {
		t.Errorf("eth1 has proposals %v", got)
	}
}

func TestMaskList(t *testing.T) {
	for in, want := range map[string]string{
		"f":           "0-3",
		"ff,00000000": "32-39",
		"0":           "none (0)",
		"00000000,0":  "none (0)",
		"zz":          "zz",
	} {
		if got := maskList(in); got != want {
			t.Errorf("maskList(%q) = %q, want %q", in, got, want)
		}
	}
}
