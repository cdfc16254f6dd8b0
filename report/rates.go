package report

import (
	"github.com/netvet/netvet/analyze"
)

// protoRates are the host-wide protocol counters a report tracks: those the
// analyzer's TCP and UDP rules read, and the traffic they are ratios to.
var protoRates = []struct {
	key, label string
	snmp       bool // proc/net/snmp, else proc/net/netstat
}{
	{"Tcp.InSegs", "TCP segments received", true},
	{"Tcp.OutSegs", "TCP segments sent", true},
	{"Tcp.RetransSegs", "TCP segments retransmitted", true},
	{"Tcp.ActiveOpens", "TCP connections opened", true},
	{"Tcp.PassiveOpens", "TCP connections accepted", true},
	{"TcpExt.ListenOverflows", "accept queue full (ListenOverflows)", false},
	{"TcpExt.ListenDrops", "SYNs dropped at a listener (ListenDrops)", false},
	{"TcpExt.TCPReqQFullDrop", "SYN queue full (TCPReqQFullDrop)", false},
	{"TcpExt.SyncookiesSent", "SYN cookies sent", false},
	{"TcpExt.PruneCalled", "receive queue pruned (PruneCalled)", false},
	{"TcpExt.RcvPruned", "packets dropped by pruning (RcvPruned)", false},
	{"TcpExt.TCPRcvQDrop", "receive queue drops (TCPRcvQDrop)", false},
	{"Udp.InDatagrams", "UDP datagrams received", true},
	{"Udp.RcvbufErrors", "UDP receive buffer full (RcvbufErrors)", true},
	{"Udp.InErrors", "UDP receive errors", true},
}

// nicRates are the per-interface counters a report tracks
// (sys/class/net/IF/statistics, else proc/net/dev).
var nicRates = []struct {
	name, label string
	dev         func(analyze.NetDevDelta) analyze.Delta
}{
	{"rx_packets", "RX packets", func(d analyze.NetDevDelta) analyze.Delta { return d.RxPackets }},
	{"tx_packets", "TX packets", func(d analyze.NetDevDelta) analyze.Delta { return d.TxPackets }},
	{"rx_bytes", "RX bytes", func(d analyze.NetDevDelta) analyze.Delta { return d.RxBytes }},
	{"tx_bytes", "TX bytes", func(d analyze.NetDevDelta) analyze.Delta { return d.TxBytes }},
	{"rx_dropped", "RX dropped", func(d analyze.NetDevDelta) analyze.Delta { return d.RxDrop }},
	{"rx_missed_errors", "RX missed (ring full)", nil},
	{"rx_fifo_errors", "RX FIFO overruns", func(d analyze.NetDevDelta) analyze.Delta { return d.RxFifo }},
	{"rx_crc_errors", "RX CRC errors", nil},
	{"tx_dropped", "TX dropped", func(d analyze.NetDevDelta) analyze.Delta { return d.TxDrop }},
}

// rates returns every tracked counter's rate over the window. A counter the
// source lacks is left out (missing is not zero); an interface that neither
// received nor sent and lost nothing is left out as idle.
func rates(w *analyze.Window) []Rate {
	var out []Rate
	add := func(key, group, label string, d analyze.Delta) {
		if r, ok := d.Rate(); ok {
			out = append(out, Rate{Key: key, Group: group, Label: label, Value: r})
		}
	}
	var sum [3]analyze.Delta
	known := false
	for _, c := range w.SoftnetCPUs() {
		d, ok := w.SoftnetDelta(c)
		if !ok {
			continue
		}
		known = true
		for i, x := range []analyze.Delta{d.Processed, d.Dropped, d.TimeSqueeze} {
			sum[i].Inc += x.Inc
			sum[i].Seconds = max(sum[i].Seconds, x.Seconds)
		}
	}
	if known {
		add("softnet.processed", "softnet (all CPUs)", "packets processed", sum[0])
		add("softnet.dropped", "softnet (all CPUs)", "dropped: backlog full", sum[1])
		add("softnet.time_squeeze", "softnet (all CPUs)", "time squeezed", sum[2])
	}
	for _, p := range protoRates {
		var d analyze.Delta
		var ok bool
		if p.snmp {
			d, ok = w.SNMPDelta(p.key)
		} else {
			d, ok = w.NetstatDelta(p.key)
		}
		if ok {
			add(p.key, "protocols", p.label, d)
		}
	}
	for _, iface := range interfaces(w) {
		var rows []Rate
		busy := false
		for _, c := range nicRates {
			d, ok := linkDelta(w, iface, c.name, c.dev)
			if !ok {
				continue
			}
			r, ok := d.Rate()
			if !ok {
				continue
			}
			busy = busy || r > 0
			rows = append(rows, Rate{Key: "nic." + iface + "." + c.name, Group: iface, Label: c.label, Value: r})
		}
		if busy {
			out = append(out, rows...)
		}
	}
	return out
}

// rateTable is the rates as text.
func rateTable(rs []Rate, single bool) Table {
	head := "per second"
	if single {
		head = "per second since boot"
	}
	t := Table{Caption: "Rates", Head: []string{"group", "counter", head}, Num: []bool{false, false, true}, Fold: len(rs) > 24}
	for _, r := range rs {
		t.Rows = append(t.Rows, []string{r.Group, r.Label, rateValue(r)})
	}
	return t
}

// rateValue formats a rate; bytes are shown as throughput.
func rateValue(r Rate) string {
	if len(r.Key) > 6 && r.Key[len(r.Key)-6:] == "_bytes" {
		return bytesRate(r.Value)
	}
	return rateText(r.Value)
}
