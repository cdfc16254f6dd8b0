package export

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netvet/netvet/analyze"
)

// The rules, one function per analyzer family. Each says in its comment
// where it differs from the analyzer; the gates are the analyzer's own
// (analyze.Gates).

func (g *gen) all() {
	g.softnet()
	g.nic()
	g.tcp()
	g.udp()
	g.bond()
	g.others()
}

// Subjects and phrases, as templates over the alert's series labels.
const (
	cpuSubject    = `{{ with $labels.cpu }}cpu{{ . }}{{ else }}host{{ end }}`
	cpuPhrase     = `{{ with $labels.cpu }}CPU {{ . }}{{ else }}the host's CPUs (folded){{ end }}`
	deviceSubject = `{{ $labels.device }}`
	slaveSubject  = `{{ $labels.bond }}/{{ $labels.slave }}`
	bondSubject   = `{{ $labels.bond }}`
)

// num writes a gate as PromQL reads it: 0.0001, 10000.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// pct writes a ratio as a percentage for people: 0.0001 → 0.01%.
func pct(v float64) string { return strconv.FormatFloat(v*100, 'g', 6, 64) + "%" }

// keysMatcher selects netstat keys: key="K", or key=~`A|B` for several.
func keysMatcher(keys ...string) string {
	if len(keys) == 1 {
		return fmt.Sprintf("key=%q", keys[0])
	}
	set := map[string]bool{}
	for _, k := range keys {
		set[k] = true
	}
	return "key=~`" + alternation(set) + "`"
}

// netstatDelta is the largest increase among netstat keys, without the key
// label: the analyzer compares host-wide counters and keeps the worst.
func netstatDelta(keys ...string) delta {
	return func(rng, off string) string {
		return fmt.Sprintf("max without (key) (%s)", increase("netvet_netstat_total{"+keysMatcher(keys...)+"}", rng, off))
	}
}

// counterDelta is one counter's increase, labels as exported.
func counterDelta(sel string) delta {
	return func(rng, off string) string { return increase(sel, rng, off) }
}

// worst is the largest increase per device among NIC counters, sysfs
// statistics and ethtool -S alike (the analyzer's worstCounter). Each
// source is labelled apart before max, since increase() drops the names
// that tell them apart. Loopback is left out, as the analyzer does.
func worst(srcs []analyze.CounterSource) delta { return worstOf("increase", srcs) }

// worstOf is worst with another range function (rate).
func worstOf(fn string, srcs []analyze.CounterSource) delta {
	return func(rng, off string) string {
		var terms []string
		eth := map[string]bool{}
		for _, s := range srcs {
			if s.Ethtool {
				eth[s.Name] = true
				continue
			}
			sel := fmt.Sprintf(`netvet_nic_%s_total{device!="lo"}`, s.Name)
			terms = append(terms, fmt.Sprintf(`label_replace(%s, "stat", %q, "", "")`, rangeCall(fn, sel, rng, off), s.Name))
		}
		if len(eth) > 0 {
			sel := "netvet_ethtool_stat_total{device!=\"lo\",stat=~`" + alternation(eth) + "`}"
			terms = append(terms, fmt.Sprintf(`label_replace(%s, "source", "ethtool", "", "")`, rangeCall(fn, sel, rng, off)))
		}
		return "max without (stat, source) (\n  " + strings.Join(terms, "\nor\n  ") + "\n)"
	}
}

func (g *gen) softnet() {
	gs := g.g
	g.loss("softnet.drops", gs.SoftnetDrops, counterDelta("netvet_softnet_dropped_total"), nil, text{
		subject: cpuSubject,
		summary: "The input backlog (net.core.netdev_max_backlog) of " + cpuPhrase + " was full: packets were dropped",
		do:      "Double net.core.netdev_max_backlog (sysctl -w net.core.netdev_max_backlog=$(( 2 * $(sysctl -n net.core.netdev_max_backlog) )), and persist it in /etc/sysctl.d/): a longer backlog absorbs bursts, it does not add CPU. If one CPU receives for the whole host, spread the work with more RSS queues or RPS.",
	})

	// softnet.squeeze: warning when squeezes per processed packet reach the
	// ratio on a CPU processing at least the packet rate, and squeezes rose
	// in two consecutive steps.
	ratio := g.record(recordName("softnet.squeeze", "ratio"+g.w),
		fmt.Sprintf("%s\n/\n%s", increase("netvet_softnet_time_squeeze_total", g.w, ""), increase("netvet_softnet_processed_total", g.w, "")),
		"time_squeeze per processed packet")
	persist := g.persistRecord("softnet.squeeze", counterDelta("netvet_softnet_time_squeeze_total"))
	g.alert("softnet.squeeze", analyze.Warning,
		fmt.Sprintf("%s >= %s\nand\nrate(netvet_softnet_processed_total[%s]) >= %s\nand\n%s", ratio, num(gs.SqueezeRatio), g.w, num(gs.SqueezeMinPPS), persist),
		text{
			subject: cpuSubject,
			summary: fmt.Sprintf("The receive softirq on %s ran out of budget for %s or more of its packets at %s packets/s or more: it cannot keep up", cpuPhrase, pct(gs.SqueezeRatio), num(gs.SqueezeMinPPS)),
			do:      "Give net_rx_action more packets and time per run: double net.core.netdev_budget and net.core.netdev_budget_usecs (persist in /etc/sysctl.d/). Longer runs delay other work on that CPU; spreading the load with RSS or RPS is the better fix when one CPU does most of it.",
		})

	g.alert("softnet.flow_limit", analyze.Info, increase("netvet_softnet_flow_limit_count_total", g.w, "")+" > 0", text{
		subject: cpuSubject,
		summary: "The flow limit on " + cpuPhrase + " dropped packets of large flows to protect the backlog for small ones",
		do:      "The flow limit works as intended: one heavy flow is held back so it cannot fill the backlog. If that flow matters more than fairness, take the CPU out of net.core.flow_limit_cpu_bitmap; otherwise spread the flow's work with RPS/RFS.",
	})
}

func (g *gen) nic() {
	gs := g.g
	g.loss("nic.rx_ring_overrun", gs.RingOverrun, worst(gs.RingOverrunSources), nil, text{
		subject: deviceSubject,
		summary: "{{ $labels.device }} dropped packets because its RX ring was full (missed, fifo, over or driver no-buffer counters)",
		do:      "Grow the RX ring toward its maximum (ethtool -g shows both; ethtool -G DEV rx MAX; many drivers reset the link briefly). If it is at its maximum, the CPU serving the queue does not keep up: spread the work (ethtool -L, IRQ affinity, RPS) and check interrupt coalescing (ethtool -c).",
	})

	// Damaged frames: the kinds are summed, each from its largest source
	// (labelled by its first source's name to keep them apart).
	rxErr := func(rng, off string) string {
		var terms []string
		for _, k := range gs.RxErrorKinds {
			terms = append(terms, fmt.Sprintf("label_replace(\n  %s,\n  \"kind\", %q, \"\", \"\")", indent(worst(k)(rng, off)), k[0].Name))
		}
		return "sum without (kind) (\n  " + indent(strings.Join(terms, "\nor\n")) + "\n)"
	}
	// The analyzer grades the sum and calls it persisting when a kind's
	// counter rose in consecutive intervals: here, any of the counters.
	var allErr []analyze.CounterSource
	for _, k := range gs.RxErrorKinds {
		allErr = append(allErr, k...)
	}
	g.loss("nic.rx_errors", gs.RxErrors, rxErr, worst(allErr), text{
		subject: deviceSubject,
		summary: "{{ $labels.device }} received damaged frames (CRC, framing or length errors)",
		do:      "Damaged frames come from the physical layer: a bad cable or optic, a dirty connector, or a speed/duplex mismatch with the switch. Compare with the switch port's counters and the optic's light levels (ethtool -m DEV).",
	})

	// Veth, tun and bridges drop on transmit by design when their reader is
	// slow: like the analyzer, only physical NICs, bonds, VLANs and
	// interfaces of unknown kind count.
	tx := func(rng, off string) string {
		return fmt.Sprintf("%s\nunless ignoring (kind, driver, master)\nnetvet_nic_info{kind!~\"physical|bond|vlan\"}", worst(gs.TxDropSources)(rng, off))
	}
	g.loss("nic.tx_drops", gs.TxDrops, tx, nil, text{
		subject: deviceSubject,
		summary: "{{ $labels.device }} dropped packets on transmit",
		do:      "See where: tc -s qdisc show dev DEV gives each qdisc's drops and backlog. A qdisc that overflows on bursts needs a longer queue (ip link set DEV txqueuelen N for pfifo_fast, limit for fq/fq_codel); drops with an empty qdisc point at the driver's TX ring (ethtool -G DEV tx N).",
	})

	// nic.ring_small: the analyzer also looks at a NIC whose traffic it does
	// not know but whose queue IRQs exist; here the traffic must be known.
	small := g.record(recordName("nic.ring_small", "rx_ring_small"),
		fmt.Sprintf("max without (ring) (\n  netvet_nic_ring_descriptors{ring=\"rx\",device!=\"lo\"}\n  < %s * netvet_nic_ring_max_descriptors{ring=\"rx\"}\n)", num(gs.RingSmallShare)),
		"RX rings below their share of the maximum")
	pkts := worstOf("rate", []analyze.CounterSource{{Name: "rx_packets"}, {Name: "rx_packets", Ethtool: true}})
	busy := g.record(recordName("nic.ring_small", "rx_packets_rate"+g.w), pkts(g.w, ""), "received packets per second, the largest source")
	overrun := recordName("nic.rx_ring_overrun", "increase"+g.w)
	rs := text{
		subject: deviceSubject,
		summary: fmt.Sprintf("The RX ring of {{ $labels.device }} is below %s of its maximum while it receives %s packets/s or more", pct(gs.RingSmallShare), num(gs.RingMinPPS)),
		do:      "Give the ring room for bursts: at least a quarter of the maximum, a power of two (ethtool -G DEV rx N; ethtool -g shows the maximum); go to the maximum if the ring overruns. More memory and cache per queue; many drivers reset the link briefly to resize.",
	}
	cond := fmt.Sprintf("%s\nand\n%s >= %s", small, busy, num(gs.RingMinPPS))
	g.alert("nic.ring_small", analyze.Warning, fmt.Sprintf("%s\nand\n%s > 0", cond, overrun), rs)
	g.alert("nic.ring_small", analyze.Info, fmt.Sprintf("%s\nunless\n%s > 0", cond, overrun), rs)
}

func (g *gen) tcp() {
	gs := g.g
	g.loss("tcp.listen_overflow", gs.ListenOverflow, netstatDelta("TcpExt.ListenOverflows", "TcpExt.ListenDrops"), nil, text{
		subject: "host",
		summary: "The host dropped connection attempts because an accept queue was full (clients wait 1 s or more to retry)",
		do:      "The accept queue's limit is min(listen() backlog, net.core.somaxconn), fixed when the application listens: raise somaxconn and the application's backlog, and restart it. A queue that stays full means the application accepts too slowly: more acceptor threads, SO_REUSEPORT (netvet bench accept measures the models).",
	})

	// tcp.listen_queue_full: a queue at its limit in some scrape of the
	// window (the limit taken now); critical while ListenOverflows rises.
	full := fmt.Sprintf("max_over_time(netvet_listener_queue[%s]) >= netvet_listener_queue_limit\nand\nnetvet_listener_queue_limit > 0", g.w)
	overflowing := fmt.Sprintf("%s > 0", netstatDelta("TcpExt.ListenOverflows")(g.w, ""))
	lq := text{
		subject: "{{ $labels.local }}",
		summary: "The accept queue of {{ $labels.local }} was full: new connections to it are dropped while it stays full",
		do:      "Raise the listener's limit, min(listen() backlog, net.core.somaxconn), and restart the application (the limit is fixed at listen()); make it accept faster (more acceptors, SO_REUSEPORT).",
	}
	g.alert("tcp.listen_queue_full", analyze.Critical, fmt.Sprintf("(%s)\nand ignoring (local)\n%s", full, overflowing), lq)
	g.alert("tcp.listen_queue_full", analyze.Warning, fmt.Sprintf("(%s)\nunless ignoring (local)\n%s", full, overflowing), lq)

	g.loss("tcp.syn_queue_drops", gs.SynQueueDrops, netstatDelta("TcpExt.TCPReqQFullDrop"), nil, text{
		subject: "host",
		summary: "The host dropped SYNs because a SYN queue was full and no SYN cookie was sent",
		do:      "Turn SYN cookies on (net.ipv4.tcp_syncookies=1) and double net.ipv4.tcp_max_syn_backlog; a listener's SYN queue is also bounded by its accept-queue limit, so raise that too if it is small.",
	})

	g.alert("tcp.syncookies_sent", analyze.Warning, netstatDelta("TcpExt.SyncookiesSent", "TcpExt.TCPReqQFullDoCookies")(g.w, "")+" > 0", text{
		subject: "host",
		summary: "The host answered SYNs with SYN cookies: a SYN queue was full (a SYN flood, or a backlog too small for the connection rate)",
		do:      "Find the listener: ss -ltn shows Recv-Q (queue) against Send-Q (limit). If the SYNs are legitimate, raise its listen() backlog, net.core.somaxconn and net.ipv4.tcp_max_syn_backlog; if they are a flood, cookies are doing their job.",
	})

	g.rcvPruned()

	g.alert("tcp.syncookies_off", analyze.Warning, `netvet_sysctl{name="net.ipv4.tcp_syncookies"} == 0`, text{
		subject: "host",
		summary: "SYN cookies are off (net.ipv4.tcp_syncookies = 0): when a SYN queue fills, new connections are dropped instead of answered",
		do:      "Turn SYN cookies on in their default mode (sysctl -w net.ipv4.tcp_syncookies=1, persist in /etc/sysctl.d/): the kernel sends them only when a SYN queue is full.",
	})
	g.alert("tcp.autotuning_off", analyze.Warning, `netvet_sysctl{name="net.ipv4.tcp_moderate_rcvbuf"} == 0`, text{
		subject: "host",
		summary: "Receive-buffer autotuning is off (net.ipv4.tcp_moderate_rcvbuf = 0): every socket keeps tcp_rmem's default size",
		do:      "Turn autotuning on (sysctl -w net.ipv4.tcp_moderate_rcvbuf=1, persist in /etc/sysctl.d/), unless every application sizes SO_RCVBUF itself.",
	})

	out := netstatDelta("Tcp.OutSegs")(g.w, "")
	g.alert("tcp.retransmits", analyze.Info,
		fmt.Sprintf("%s\n/\n%s\n>= %s\nand\n%s >= %d", netstatDelta("Tcp.RetransSegs")(g.w, ""), out, num(gs.RetransRatio), out, gs.RetransMinOut),
		text{
			subject: "host",
			summary: fmt.Sprintf("%s or more of the host's TCP segments were retransmissions (with %d or more sent)", pct(gs.RetransRatio), gs.RetransMinOut),
			do:      "Retransmissions mean loss on the path or in a queue: look for drops on this host first (softnet, NIC, rcv_pruned alerts), then per peer with ss -ti (retrans, rtt).",
		})
}

// rcvPruned: each counter graded as the analyzer does, data-loss counters
// up to critical, pressure counters up to warning; the worst wins.
func (g *gen) rcvPruned() {
	const id = "tcp.rcv_pruned"
	var all, loss []string
	for _, c := range g.g.RcvPrunedCounters {
		all = append(all, c.Key)
		if c.Loss {
			loss = append(loss, c.Key)
		}
	}
	d := counterDelta("netvet_netstat_total{" + keysMatcher(all...) + "}")
	inc := g.increaseRecord(id, d)
	persist := g.persistRecord(id, d)
	lossSel := "{" + keysMatcher(loss...) + "}"
	crit := fmt.Sprintf("max without (key) (\n  %s%s >= %d\nor\n  (%s%s > 0 and %s)\n)", inc, lossSel, g.g.RcvPruned.Now, inc, lossSel, persist)
	t := text{
		subject: "host",
		summary: "TCP receive queues hit their memory limits: the kernel collapsed or dropped queued data (RcvPruned, TCPRcvQDrop, PruneCalled, TCPMemoryPressures)",
		do:      "Raise the receive buffers' ceiling (the third value of net.ipv4.tcp_rmem) and, under TCPMemoryPressures, net.ipv4.tcp_mem; then find the slow reader: a socket whose application does not read fast enough fills any buffer.",
	}
	g.alert(id, analyze.Critical, crit, t)
	g.alert(id, analyze.Warning, fmt.Sprintf("max without (key) (%s > 0)\nunless\n%s", inc, crit), t)
}

func (g *gen) udp() {
	g.loss("udp.rcvbuf_errors", g.g.UDPRcvbuf, netstatDelta("Udp.RcvbufErrors"), nil, text{
		subject: "host",
		summary: "UDP sockets dropped datagrams because their receive buffer was full",
		do:      "Find the socket (ss -uanm: receive queue and rb); raise the application's SO_RCVBUF and net.core.rmem_max, which caps it; make the application read faster (more threads, SO_REUSEPORT, recvmmsg).",
	})
}

func (g *gen) bond() {
	down := text{
		subject: slaveSubject,
		summary: "Slave {{ $labels.slave }} of bond {{ $labels.bond }} is down (MII status down)",
		do:      "Check the slave's link: cable or optic, the switch port's state and errors, ethtool DEV (Link detected). The bond has lost its redundancy until it is back.",
	}
	noneUp := "ignoring (slave) (sum without (slave) (netvet_bond_slave_up) == 0)"
	g.alert("bond.slave_down", analyze.Critical, "netvet_bond_slave_up == 0\nand "+noneUp, down)
	g.alert("bond.slave_down", analyze.Warning, "netvet_bond_slave_up == 0\nunless "+noneUp, down)

	fail := text{
		subject: slaveSubject,
		summary: "Slave {{ $labels.slave }} of bond {{ $labels.bond }} lost its link",
		do:      "A flapping port: check the cable/optic and the switch port's error counters. With the ARP monitor, failures also come from an ARP target that does not answer in time: use a target that always answers, or MII monitoring (miimon=100).",
	}
	rising := increase("netvet_bond_slave_link_failures_total", g.w, "") + " > 0"
	g.alert("bond.link_failures", analyze.Warning, rising, fail)
	g.alert("bond.link_failures", analyze.Info, fmt.Sprintf("netvet_bond_slave_link_failures_total >= %d\nunless\n%s", g.g.BondFailures, rising), fail)

	g.alert("bond.no_slaves", analyze.Warning, "netvet_bond_slaves == 0", text{
		subject: bondSubject,
		summary: "Bond {{ $labels.bond }} has no slaves: it carries no traffic",
		do:      "Enslave its ports (ip link set DEV master BOND), or remove the bond if it is a leftover (the bonding module creates bond0 when loaded with max_bonds of 1 or more).",
	})

	nop := text{
		subject: slaveSubject,
		summary: "802.3ad slave {{ $labels.slave }} of bond {{ $labels.bond }} has no LACP partner: the switch port does not speak LACP",
		do:      "Put the switch port into the LACP port-channel of the other slaves (channel-group N mode active). Without a partner the port cannot join the bundle and carries nothing.",
	}
	g.alert("bond.lacp_no_partner", analyze.Warning, "netvet_bond_slave_partner_mac_zero == 1\nand\nnetvet_bond_slave_up == 1", nop)
	g.alert("bond.lacp_no_partner", analyze.Info, "netvet_bond_slave_partner_mac_zero == 1\nunless\nnetvet_bond_slave_up == 1", nop)

	g.alert("bond.lacp_split", analyze.Warning,
		"netvet_bond_active_aggregator_ports < sum without (slave) (netvet_bond_slave_up)\nand\ncount without (aggregator) (count_values without (slave) (\"aggregator\", netvet_bond_slave_aggregator_id)) > 1",
		text{
			subject: bondSubject,
			summary: "Bond {{ $labels.bond }}'s slaves are split across LACP aggregators: the active one has fewer ports than slaves are up, so the others carry nothing",
			do:      "All ports must reach the same LACP partner with the same key: put them in one port-channel on one switch (or one MLAG pair), at the same speed and duplex.",
		})

	g.alert("bond.lacp_no_aggregator", analyze.Critical, "netvet_bond_no_active_aggregator == 1", text{
		subject: bondSubject,
		summary: "802.3ad bond {{ $labels.bond }} has no active aggregator: it passes no traffic",
		do:      "Configure the switch ports as one LACP port-channel (mode active or passive) with the same speed and VLANs, or use a bond mode that needs no switch support (active-backup).",
	})
}

// others: every finding without a rule of its own (IRQ affinity, RSS,
// steering, buffer sizing, …) needs the analyzer's view of topology and
// configuration; netvet serve exports them as netvet_finding, with their
// severity and subject, and one rule forwards them.
func (g *gen) others() {
	covered := map[string]bool{}
	for _, id := range g.covered {
		covered[id] = true
	}
	rest := map[string]bool{}
	for _, c := range analyze.Catalog() {
		if !covered[c.ID] {
			rest[c.ID] = true
		}
	}
	if len(rest) == 0 {
		return
	}
	g.rules = append(g.rules, Rule{
		Alert: "NetvetFinding",
		Expr:  "netvet_finding{id=~`" + alternation(rest) + "`} == 1",
		Annotations: map[string]string{
			"summary":     "netvet finds {{ $labels.id }} on {{ $labels.subject }}",
			"description": "A finding of the analyzer in netvet serve without a rule of its own. On the host, `netvet check --only {{ $labels.id }}` shows the numbers and the exact commands.",
		},
		comment: "The analyzer's other findings, as netvet serve exports them.",
	})
}
