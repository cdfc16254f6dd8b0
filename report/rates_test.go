package report

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

func counters(kv map[string]uint64) *collect.Counters { return &collect.Counters{Values: kv} }

func TestRates(t *testing.T) {
	mk := func(secs int, k uint64) *collect.Snapshot {
		return &collect.Snapshot{
			Time:    t0.Add(time.Duration(secs) * time.Second),
			Softnet: []collect.SoftnetCPU{{CPU: 0, Processed: 1000 * k, Dropped: 2 * k, Columns: 13}, {CPU: 1, Processed: 3000 * k, Columns: 13}},
			SNMP:    counters(map[string]uint64{"Tcp.InSegs": 500 * k, "Udp.RcvbufErrors": 0}),
			Netstat: counters(map[string]uint64{"TcpExt.ListenOverflows": 7 * k}),
			Links: map[string]*collect.Link{
				"eth0": {Name: "eth0", Stats: map[string]uint64{"rx_packets": 100 * k, "rx_dropped": k}},
				"eth1": {Name: "eth1", Stats: map[string]uint64{"rx_packets": 5, "rx_dropped": 0}}, // idle
				"lo":   {Name: "lo", Stats: map[string]uint64{"rx_packets": 9 * k}},
			},
			NetDev: map[string]collect.NetDevStats{"veth0": {RxPackets: 10 * k, TxBytes: 4000 * k}},
		}
	}
	w := analyze.NewWindow([]*collect.Snapshot{mk(0, 1), mk(2, 3)}, 0)
	want := []Rate{
		{Key: "softnet.processed", Group: "softnet (all CPUs)", Label: "packets processed", Value: 4000},
		{Key: "softnet.dropped", Group: "softnet (all CPUs)", Label: "dropped: backlog full", Value: 2},
		{Key: "softnet.time_squeeze", Group: "softnet (all CPUs)", Label: "time squeezed", Value: 0},
		{Key: "Tcp.InSegs", Group: "protocols", Label: "TCP segments received", Value: 500},
		{Key: "TcpExt.ListenOverflows", Group: "protocols", Label: "accept queue full (ListenOverflows)", Value: 7},
		{Key: "Udp.RcvbufErrors", Group: "protocols", Label: "UDP receive buffer full (RcvbufErrors)", Value: 0},
		// eth0 from sysfs (only the counters it has), eth1 idle and lo
		// left out, veth0 from proc/net/dev.
		{Key: "nic.eth0.rx_packets", Group: "eth0", Label: "RX packets", Value: 100},
		{Key: "nic.eth0.rx_dropped", Group: "eth0", Label: "RX dropped", Value: 1},
		{Key: "nic.veth0.rx_packets", Group: "veth0", Label: "RX packets", Value: 10},
		{Key: "nic.veth0.tx_packets", Group: "veth0", Label: "TX packets", Value: 0},
		{Key: "nic.veth0.rx_bytes", Group: "veth0", Label: "RX bytes", Value: 0},
		{Key: "nic.veth0.tx_bytes", Group: "veth0", Label: "TX bytes", Value: 4000},
		{Key: "nic.veth0.rx_dropped", Group: "veth0", Label: "RX dropped", Value: 0},
		{Key: "nic.veth0.rx_fifo_errors", Group: "veth0", Label: "RX FIFO overruns", Value: 0},
		{Key: "nic.veth0.tx_dropped", Group: "veth0", Label: "TX dropped", Value: 0},
	}
	if d := cmp.Diff(want, rates(w)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	tbl := rateTable(want, false)
	if tbl.Rows[11][2] != "4.0 kB/s" || tbl.Rows[0][2] != "4000/s" {
		t.Errorf("bytes as throughput, packets as rate: %q, %q", tbl.Rows[11][2], tbl.Rows[0][2])
	}
}

// TestRatesSinceBoot: one snapshot averages totals over the uptime; without
// an uptime there is no rate at all rather than a made-up one.
func TestRatesSinceBoot(t *testing.T) {
	s := &collect.Snapshot{Host: collect.HostInfo{Uptime: 100}, SNMP: counters(map[string]uint64{"Tcp.InSegs": 5000})}
	got := rates(analyze.NewWindow([]*collect.Snapshot{s}, 0))
	if d := cmp.Diff([]Rate{{Key: "Tcp.InSegs", Group: "protocols", Label: "TCP segments received", Value: 50}}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	s.Host.Uptime = 0
	if got := rates(analyze.NewWindow([]*collect.Snapshot{s}, 0)); len(got) != 0 {
		t.Errorf("rates without a time base: %v", got)
	}
}
