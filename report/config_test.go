package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

func TestConfigViewCurrentAgainstRecommended(t *testing.T) {
	s := &collect.Snapshot{
		Interrupts: &collect.Interrupts{CPUs: []int{0, 1}, Counts: []uint64{1, 1, 1, 1, 1, 1}, Lines: []collect.IRQLine{
			{IRQ: "40", Num: 40, Device: "eth0-TxRx-0", NIC: "eth0", Queue: 0, Kind: "TxRx"},
			{IRQ: "41", Num: 41, Device: "eth0-TxRx-1", NIC: "eth0", Queue: 1, Kind: "TxRx"},
			{IRQ: "99", Num: 99, Device: "nvme0q1"},
		}},
		Ethtool: map[string]*collect.Ethtool{"eth0": {
			Rings:    &collect.Rings{RX: 512, RXMax: 4096, TX: 512, TXMax: 4096},
			Channels: &collect.Channels{Combined: 2, CombinedMax: 8},
			Features: map[string]bool{"rx-gro": true, "ntuple-filters": false},
		}},
		Config: &collect.Config{
			Sysctls: map[string]string{"net.core.netdev_max_backlog": "1000", "net.core.somaxconn": "4096"},
			IRQs: map[int]collect.IRQAffinity{
				40: {Affinity: cpumask.Range(0, 3)}, 41: {Affinity: cpumask.Range(0, 3)}, 99: {Affinity: cpumask.Of(0)},
			},
			NICs: map[string]*collect.NIC{
				"eth0": {Name: "eth0", Kind: "physical", Driver: "ixgbe", MTU: 1500, TxQueueLen: 1000, NUMANode: 0,
					LocalCPUs: cpumask.Range(0, 3), HasLocal: true,
					Rx: []collect.RxQueue{{Index: 0, HasRPS: true, RPSFlowCnt: 0}, {Index: 1, RPSCPUs: cpumask.Range(0, 1), HasRPS: true, RPSFlowCnt: 0}},
					Tx: []collect.TxQueue{{Index: 0, XPSCPUs: cpumask.Of(0), HasXPS: true}, {Index: 1}}},
				"lo": {Name: "lo", Kind: "loopback", MTU: 65536, TxQueueLen: 1000, NUMANode: -1},
			},
		},
	}
	rec := func(cmds ...string) []analyze.Recommendation { return []analyze.Recommendation{{Commands: cmds}} }
	fs := []analyze.Finding{
		{ID: "softnet.drops", Recommendations: rec("sysctl -w net.core.netdev_max_backlog=2000")},
		{ID: "nic.rx_ring_overrun", Recommendations: rec("ethtool -G eth0 rx 4096")},
		{ID: "irq.concentrated", Recommendations: rec("echo 1 > /proc/irq/41/smp_affinity_list", "echo 5 > /proc/irq/99/smp_affinity_list")},
		{ID: "rps.recommended", Recommendations: rec("echo e > /sys/class/net/eth0/queues/rx-0/rps_cpus")},
		{ID: "tcp.buffer_limit", Recommendations: rec(`sysctl -w net.ipv4.tcp_rmem="4096 131072 33554432"`)},
		{ID: "nic.ring_small", Recommendations: rec("ethtool -G eth0 rx 1024", "ethtool -G eth7 rx 1024")},
		{ID: "rfs.accelerated", Recommendations: rec("ethtool -K eth0 ntuple on")},
	}
	views, _ := findingViews(fs)
	got := configView(analyze.NewWindow([]*collect.Snapshot{s}, 0), fs, views)
	p := func(v, id, anchor string) Proposal { return Proposal{Value: v, IDs: []string{id}, Anchor: anchor} }
	want := ConfigView{
		Sysctls: []SettingRow{
			{Name: "net.core.netdev_max_backlog", Current: "1000", Recommended: []Proposal{p("2000", "softnet.drops", "f-1")}},
			{Name: "net.core.somaxconn", Current: "4096"},
			{Name: "net.ipv4.tcp_rmem", Current: "not read", Recommended: []Proposal{p("4096 131072 33554432", "tcp.buffer_limit", "f-5")}},
		},
		NICs: []NICConfig{{Name: "eth0", Kind: "physical", Driver: "ixgbe", NUMA: "0", LocalCPUs: "0-3",
			Settings: []SettingRow{
				{Name: "MTU", Current: "1500"},
				{Name: "txqueuelen", Current: "1000"},
				{Name: "RX ring", Current: "512 of max 4096", Recommended: []Proposal{p("4096", "nic.rx_ring_overrun", "f-2"), p("1024", "nic.ring_small", "f-6")}},
				{Name: "TX ring", Current: "512 of max 4096"},
				{Name: "combined channels", Current: "2 of max 8"},
				{Name: "rx-gro", Current: "on"},
				{Name: "ntuple-filters", Current: "off", Recommended: []Proposal{p("on", "rfs.accelerated", "f-7")}},
			},
			Queues: Table{Caption: "eth0 queues", Head: []string{"queue", "IRQ", "IRQ affinity", "rps_cpus", "rps_flow_cnt", "xps_cpus"},
				Num: []bool{true, true, false, false, true, false},
				Rows: [][]string{
					{"0", "40", "0-3", "none (0) → 1-3", "0", "0"},
					{"1", "41", "0-3 → 1", "0-1", "0", "—"},
				}},
		}},
		Other: []SettingRow{
			{Name: "irq 99", Current: "0", Recommended: []Proposal{p("5", "irq.concentrated", "f-3")}},
			{Name: "eth7 ring rx", Current: "—", Recommended: []Proposal{p("1024", "nic.ring_small", "f-6")}},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestConfigViewWithoutConfig: a source without configuration (proc files
// only) still lists what the findings recommend.
func TestConfigViewWithoutConfig(t *testing.T) {
	fs := []analyze.Finding{{ID: "softnet.drops", Recommendations: []analyze.Recommendation{{Commands: []string{"sysctl -w net.core.netdev_max_backlog=2000"}}}}}
	views, _ := findingViews(fs)
	got := configView(analyze.NewWindow([]*collect.Snapshot{{}}, 0), fs, views)
	want := ConfigView{Sysctls: []SettingRow{{Name: "net.core.netdev_max_backlog", Current: "not read",
		Recommended: []Proposal{{Value: "2000", IDs: []string{"softnet.drops"}, Anchor: "f-1"}}}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
