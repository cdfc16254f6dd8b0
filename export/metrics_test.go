package export

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

func TestSoftnetSeries(t *testing.T) {
	snap := &collect.Snapshot{Softnet: []collect.SoftnetCPU{
		// A 6.x row (13 columns) and an old kernel's row (9 columns: no
		// received_rps, flow limit or backlog length).
		{CPU: 0, Processed: 100, Dropped: 2, TimeSqueeze: 3, CPUCollision: 4, ReceivedRPS: 5, FlowLimitCount: 6, BacklogLen: 7, Columns: 13},
		{CPU: 2, Processed: 10, Dropped: 0, TimeSqueeze: 1, CPUCollision: 0, Columns: 9},
	}}
	want := []sample{
		{"netvet_softnet_backlog_len{cpu=0}", 7},
		{"netvet_softnet_cpu_collision_total{cpu=0}", 4},
		{"netvet_softnet_cpu_collision_total{cpu=2}", 0},
		{"netvet_softnet_dropped_total{cpu=0}", 2},
		{"netvet_softnet_dropped_total{cpu=2}", 0},
		{"netvet_softnet_flow_limit_count_total{cpu=0}", 6},
		{"netvet_softnet_processed_total{cpu=0}", 100},
		{"netvet_softnet_processed_total{cpu=2}", 10},
		{"netvet_softnet_received_rps_total{cpu=0}", 5},
		{"netvet_softnet_time_squeeze_total{cpu=0}", 3},
		{"netvet_softnet_time_squeeze_total{cpu=2}", 1},
	}
	if d := cmp.Diff(want, gather(t, fixed(snap, Options{}), "netvet_softnet")); d != "" {
		t.Errorf("per CPU (-want +got):\n%s", d)
	}
	folded := []sample{
		{"netvet_softnet_backlog_len{}", 7},
		{"netvet_softnet_cpu_collision_total{}", 4},
		{"netvet_softnet_dropped_total{}", 2},
		{"netvet_softnet_flow_limit_count_total{}", 6},
		{"netvet_softnet_processed_total{}", 110},
		{"netvet_softnet_received_rps_total{}", 5},
		{"netvet_softnet_time_squeeze_total{}", 4},
	}
	if d := cmp.Diff(folded, gather(t, fixed(snap, Options{FoldCPUs: true}), "netvet_softnet")); d != "" {
		t.Errorf("folded (-want +got):\n%s", d)
	}
}

func TestSoftirqSeries(t *testing.T) {
	snap := &collect.Snapshot{SoftIRQs: &collect.SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{
		"NET_RX": {10, 20}, "NET_TX": {1, 2}, "TIMER": {500, 600},
	}}}
	want := []sample{
		{"netvet_softirqs_total{cpu=0,type=NET_RX}", 10},
		{"netvet_softirqs_total{cpu=0,type=NET_TX}", 1},
		{"netvet_softirqs_total{cpu=1,type=NET_RX}", 20},
		{"netvet_softirqs_total{cpu=1,type=NET_TX}", 2},
	}
	if d := cmp.Diff(want, gather(t, fixed(snap, Options{}), "netvet_softirqs")); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	want = []sample{{"netvet_softirqs_total{type=NET_RX}", 30}, {"netvet_softirqs_total{type=NET_TX}", 3}}
	if d := cmp.Diff(want, gather(t, fixed(snap, Options{FoldCPUs: true}), "netvet_softirqs")); d != "" {
		t.Errorf("folded (-want +got):\n%s", d)
	}
}

func irqSnapshot() *collect.Snapshot {
	return &collect.Snapshot{Interrupts: &collect.Interrupts{
		CPUs: []int{0, 1, 3},
		Lines: []collect.IRQLine{
			{IRQ: "24", Num: 24, Device: "eth0-TxRx-0", NIC: "eth0", Queue: 0, Kind: "TxRx"},
			{IRQ: "25", Num: 25, Device: "eth0-TxRx-1", NIC: "eth0", Queue: 1, Kind: "TxRx"},
			{IRQ: "26", Num: 26, Device: "eth0", NIC: "eth0", Queue: -1},
			{IRQ: "30", Num: 30, Device: "nvme0q1", Queue: -1},
			{IRQ: "LOC", Num: -1, Desc: "Local timer interrupts", Queue: -1},
		},
		Counts: []uint64{
			900, 0, 0,
			0, 0, 700,
			5, 0, 0,
			0, 40, 0,
			1000, 2000, 3000,
		},
	}}
}

func TestInterruptSeries(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []sample
	}{
		{"NIC queues, CPUs that took them", Options{}, []sample{
			{"netvet_interrupts_total{cpu=0,device=eth0,irq=24,kind=TxRx,queue=0}", 900},
			{"netvet_interrupts_total{cpu=3,device=eth0,irq=25,kind=TxRx,queue=1}", 700},
		}},
		{"NIC queues folded", Options{FoldCPUs: true}, []sample{
			{"netvet_interrupts_total{device=eth0,irq=24,kind=TxRx,queue=0}", 900},
			{"netvet_interrupts_total{device=eth0,irq=25,kind=TxRx,queue=1}", 700},
		}},
		{"every line", Options{Interrupts: IRQAll}, []sample{
			{"netvet_interrupts_total{cpu=0,device=Local timer interrupts,irq=LOC,kind=,queue=}", 1000},
			{"netvet_interrupts_total{cpu=0,device=eth0,irq=24,kind=TxRx,queue=0}", 900},
			{"netvet_interrupts_total{cpu=0,device=eth0,irq=26,kind=,queue=}", 5},
			{"netvet_interrupts_total{cpu=1,device=Local timer interrupts,irq=LOC,kind=,queue=}", 2000},
			{"netvet_interrupts_total{cpu=1,device=nvme0q1,irq=30,kind=,queue=}", 40},
			{"netvet_interrupts_total{cpu=3,device=Local timer interrupts,irq=LOC,kind=,queue=}", 3000},
			{"netvet_interrupts_total{cpu=3,device=eth0,irq=25,kind=TxRx,queue=1}", 700},
		}},
		{"none", Options{Interrupts: IRQNone}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, gather(t, fixed(irqSnapshot(), tc.opts), "netvet_interrupts")); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestLinkAndNICSeries(t *testing.T) {
	snap := &collect.Snapshot{
		Links: map[string]*collect.Link{
			"eth0": {Name: "eth0", Operstate: "up", Carrier: 1, Speed: 10000, Stats: map[string]uint64{"rx_missed_errors": 3, "rx_packets": 1e6}},
			// Down: the kernel refuses carrier and speed; a name that is
			// not a metric name is left out.
			"eth1": {Name: "eth1", Operstate: "down", Carrier: -1, Speed: -1, Stats: map[string]uint64{"tx_dropped": 1, "Bad-Name": 9}},
			// No operstate file (an old sosreport): no up series.
			"eth2": {Name: "eth2", Carrier: -1, Speed: -1},
		},
		Config: &collect.Config{
			NICs: map[string]*collect.NIC{
				"eth0": {Name: "eth0", Kind: "physical", Driver: "ixgbe", MTU: 9000, TxQueueLen: 1000, Master: "bond0", Rx: make([]collect.RxQueue, 4), Tx: make([]collect.TxQueue, 4)},
				"eth1": {Name: "eth1", Kind: "veth", MTU: -1, TxQueueLen: -1},
			},
			Addrs: map[string][]string{"eth0": {"10.0.0.2/24", "fe80::1/64"}},
		},
	}
	want := []sample{
		{"netvet_nic_addresses{device=eth0}", 2},
		{"netvet_nic_addresses{device=eth1}", 0},
		{"netvet_nic_addresses{device=eth2}", 0},
		{"netvet_nic_carrier{device=eth0}", 1},
		{"netvet_nic_info{device=eth0,driver=ixgbe,kind=physical,master=bond0}", 1},
		{"netvet_nic_info{device=eth1,driver=,kind=veth,master=}", 1},
		{"netvet_nic_mtu_bytes{device=eth0}", 9000},
		{"netvet_nic_queues{device=eth0,direction=rx}", 4},
		{"netvet_nic_queues{device=eth0,direction=tx}", 4},
		{"netvet_nic_queues{device=eth1,direction=rx}", 0},
		{"netvet_nic_queues{device=eth1,direction=tx}", 0},
		{"netvet_nic_rx_missed_errors_total{device=eth0}", 3},
		{"netvet_nic_rx_packets_total{device=eth0}", 1e6},
		{"netvet_nic_speed_bytes{device=eth0}", 1.25e9},
		{"netvet_nic_tx_dropped_total{device=eth1}", 1},
		{"netvet_nic_tx_queue_length{device=eth0}", 1000},
		{"netvet_nic_up{device=eth0}", 1},
		{"netvet_nic_up{device=eth1}", 0},
	}
	if d := cmp.Diff(want, gather(t, fixed(snap, Options{}), "netvet_nic")); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// Without the address collector, the address count is unknown: absent.
	snap.Config.Addrs = nil
	for _, s := range gather(t, fixed(snap, Options{}), "netvet_nic_addresses") {
		t.Errorf("addresses unknown, yet %v", s)
	}
}

func TestEthtoolSeries(t *testing.T) {
	snap := &collect.Snapshot{Ethtool: map[string]*collect.Ethtool{
		"eth0": {
			Rings:    &collect.Rings{RX: 512, RXMax: 4096, TX: 512, TXMax: 4096},
			Channels: &collect.Channels{Combined: 8, CombinedMax: 63},
			// rx_missed_errors appears twice (a driver's per-port block):
			// the first counts, as in the analyzer. rx_queue_0_packets is
			// not among the default statistics.
			Stats: collect.Stats{{Name: "rx_missed_errors", Value: 4}, {Name: "rx_queue_0_packets", Value: 99}, {Name: "rx_missed_errors", Value: 8}, {Name: "port.rx_dropped", Value: 2}},
		},
		"eth1": {Stats: collect.Stats{{Name: "tx_dropped", Value: 1}}},
	}}
	want := []sample{
		{"netvet_ethtool_stat_total{device=eth0,stat=port.rx_dropped}", 2},
		{"netvet_ethtool_stat_total{device=eth0,stat=rx_missed_errors}", 4},
		{"netvet_ethtool_stat_total{device=eth1,stat=tx_dropped}", 1},
		{"netvet_nic_channels_max{device=eth0,type=combined}", 63},
		{"netvet_nic_channels_max{device=eth0,type=rx}", 0},
		{"netvet_nic_channels_max{device=eth0,type=tx}", 0},
		{"netvet_nic_channels{device=eth0,type=combined}", 8},
		{"netvet_nic_channels{device=eth0,type=rx}", 0},
		{"netvet_nic_channels{device=eth0,type=tx}", 0},
		{"netvet_nic_ring_descriptors{device=eth0,ring=rx}", 512},
		{"netvet_nic_ring_descriptors{device=eth0,ring=tx}", 512},
		{"netvet_nic_ring_max_descriptors{device=eth0,ring=rx}", 4096},
		{"netvet_nic_ring_max_descriptors{device=eth0,ring=tx}", 4096},
	}
	if d := cmp.Diff(want, gather(t, fixed(snap, Options{}), "netvet_ethtool", "netvet_nic")); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	got := gather(t, fixed(snap, Options{EthtoolStats: regexp.MustCompile(`^rx_queue_\d+_packets$`)}), "netvet_ethtool")
	if d := cmp.Diff([]sample{{"netvet_ethtool_stat_total{device=eth0,stat=rx_queue_0_packets}", 99}}, got); d != "" {
		t.Errorf("--ethtool-stats (-want +got):\n%s", d)
	}
}

func TestNetstatListenerSysctlSeries(t *testing.T) {
	snap := &collect.Snapshot{
		Netstat:  &collect.Counters{Values: map[string]uint64{"TcpExt.ListenOverflows": 5, "TcpExt.TCPHPHits": 1e9}},
		SNMP:     &collect.Counters{Values: map[string]uint64{"Tcp.RetransSegs": 7, "Udp.RcvbufErrors": 0}, Signed: map[string]int64{"Tcp.MaxConn": -1}},
		Sockstat: &collect.Counters{Values: map[string]uint64{"TCP.tw": 12}},
		Listeners: []collect.Listener{
			{Local: "0.0.0.0:443", Queue: 3, Limit: 4096},
			// An SO_REUSEPORT group: the full socket stands for it.
			{Local: "0.0.0.0:80", Queue: 10, Limit: 128},
			{Local: "0.0.0.0:80", Queue: 129, Limit: 128},
			{Local: "0.0.0.0:80", Queue: 0, Limit: 128},
		},
		Config: &collect.Config{Sysctls: map[string]string{
			"net.core.somaxconn":              "4096",
			"net.ipv4.tcp_rmem":               "4096 131072 6291456",
			"net.ipv4.tcp_congestion_control": "cubic",
			"net.core.flow_limit_cpu_bitmap":  "00000011",
		}},
	}
	want := []sample{
		{"netvet_listener_queue_limit{local=0.0.0.0:443}", 4096},
		{"netvet_listener_queue_limit{local=0.0.0.0:80}", 128},
		{"netvet_listener_queue{local=0.0.0.0:443}", 3},
		{"netvet_listener_queue{local=0.0.0.0:80}", 129},
		{"netvet_listener_sockets{local=0.0.0.0:443}", 1},
		{"netvet_listener_sockets{local=0.0.0.0:80}", 3},
		{"netvet_netstat_total{key=Tcp.RetransSegs}", 7},
		{"netvet_netstat_total{key=TcpExt.ListenOverflows}", 5},
		{"netvet_netstat_total{key=Udp.RcvbufErrors}", 0},
		{"netvet_sockstat{key=TCP.tw}", 12},
		{"netvet_sysctl{name=net.core.somaxconn}", 4096},
	}
	if d := cmp.Diff(want, gather(t, fixed(snap, Options{}), "netvet_listener", "netvet_netstat", "netvet_sockstat", "netvet_sysctl")); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestBondSeries(t *testing.T) {
	snap := &collect.Snapshot{Bonds: map[string]*collect.Bond{
		"bond0": {Name: "bond0", Mode: "802.3ad",
			ActiveAggregator: &collect.Aggregator{ID: 1, Ports: 1, PartnerMAC: "00:00:00:00:00:00"},
			Slaves: []collect.BondSlave{
				// An old driver prints the partner only for the active
				// aggregator: eth0 has none of its own.
				{Name: "eth0", MIIStatus: "up", HasLinkFailures: true, LinkFailures: 2, AggregatorID: 1},
				{Name: "eth1", MIIStatus: "down", HasLinkFailures: true, AggregatorID: 2, PartnerMAC: "00:1b:21:aa:bb:cc"},
				// Going back (updelay): neither up nor down; no partner known.
				{Name: "eth2", MIIStatus: "going back", AggregatorID: -1},
			}},
		"bond1": {Name: "bond1", Mode: "active-backup", Slaves: []collect.BondSlave{{Name: "eth3", MIIStatus: "up", AggregatorID: -1}}},
		"bond2": {Name: "bond2", Mode: "802.3ad", NoActiveAgg: true},
	}}
	want := []sample{
		{"netvet_bond_active_aggregator_id{bond=bond0}", 1},
		{"netvet_bond_active_aggregator_ports{bond=bond0}", 1},
		{"netvet_bond_info{bond=bond0,mode=802.3ad}", 1},
		{"netvet_bond_info{bond=bond1,mode=active-backup}", 1},
		{"netvet_bond_info{bond=bond2,mode=802.3ad}", 1},
		{"netvet_bond_no_active_aggregator{bond=bond0}", 0},
		{"netvet_bond_no_active_aggregator{bond=bond2}", 1},
		{"netvet_bond_slave_aggregator_id{bond=bond0,slave=eth0}", 1},
		{"netvet_bond_slave_aggregator_id{bond=bond0,slave=eth1}", 2},
		{"netvet_bond_slave_link_failures_total{bond=bond0,slave=eth0}", 2},
		{"netvet_bond_slave_link_failures_total{bond=bond0,slave=eth1}", 0},
		{"netvet_bond_slave_partner_mac_zero{bond=bond0,slave=eth0}", 1},
		{"netvet_bond_slave_partner_mac_zero{bond=bond0,slave=eth1}", 0},
		{"netvet_bond_slave_up{bond=bond0,slave=eth0}", 1},
		{"netvet_bond_slave_up{bond=bond0,slave=eth1}", 0},
		{"netvet_bond_slave_up{bond=bond1,slave=eth3}", 1},
		{"netvet_bond_slaves{bond=bond0}", 3},
		{"netvet_bond_slaves{bond=bond1}", 1},
		{"netvet_bond_slaves{bond=bond2}", 0},
	}
	if d := cmp.Diff(want, gather(t, fixed(snap, Options{}), "netvet_bond")); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// Collector status: success is "read its files", duration as measured.
func TestCollectorStatusSeries(t *testing.T) {
	snap := &collect.Snapshot{Status: []collect.CollectorStatus{
		{Name: "softnet", State: collect.StateOK, Duration: 1500000},
		{Name: "bonding", State: collect.StateUnavailable, Err: "no such file"},
		{Name: "netstat", State: collect.StateError, Err: "bad line", Duration: 2000000},
	}}
	want := []sample{
		{"netvet_collector_duration_seconds{collector=bonding}", 0},
		{"netvet_collector_duration_seconds{collector=netstat}", 0.002},
		{"netvet_collector_duration_seconds{collector=softnet}", 0.0015},
		{"netvet_collector_success{collector=bonding}", 0},
		{"netvet_collector_success{collector=netstat}", 0},
		{"netvet_collector_success{collector=softnet}", 1},
	}
	if d := cmp.Diff(want, gather(t, fixed(snap, Options{}), "netvet_collector")); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
