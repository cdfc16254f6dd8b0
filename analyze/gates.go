package analyze

// GateSet holds the numbers the rate rules decide with, for code that must
// decide the same way somewhere else: the export package turns them into
// Prometheus alerting rules, so a fleet alerts where `netvet check` finds.
// The rules keep their own unexported constants; GateSet only reads them,
// and gates_test.go checks each number against the rule's behaviour.
type GateSet struct {
	// PersistIntervals: a loss counter that rose in this many consecutive
	// intervals is Critical whatever the count (lossSeverity).
	PersistIntervals int

	SoftnetDrops   Loss    // softnet.drops
	SqueezeRatio   float64 // softnet.squeeze: time_squeeze per processed packet, at least
	SqueezeMinPPS  float64 // softnet.squeeze: packets per second the CPU processed, at least
	ListenOverflow Loss    // tcp.listen_overflow
	SynQueueDrops  Loss    // tcp.syn_queue_drops
	RcvPruned      Loss    // tcp.rcv_pruned (pressure counters stop at Warning)
	UDPRcvbuf      Loss    // udp.rcvbuf_errors
	RingOverrun    Loss    // nic.rx_ring_overrun
	RxErrors       Loss    // nic.rx_errors
	TxDrops        Loss    // nic.tx_drops
	RetransRatio   float64 // tcp.retransmits: RetransSegs per OutSegs, at least
	RetransMinOut  uint64  // tcp.retransmits: OutSegs in the window, at least
	BondFailures   uint64  // bond.link_failures: a count this high that did not move is Info
	RingSmallShare float64 // nic.ring_small: RX ring below this share of its maximum
	RingMinPPS     float64 // nic.ring_small: received packets per second, at least

	// Where the NIC rules read their counters. Each rule takes the largest
	// increase among its sources; rx errors sum their kinds, each kind from
	// its largest source.
	RingOverrunSources []CounterSource
	RxErrorKinds       [][]CounterSource
	TxDropSources      []CounterSource
	// RcvPrunedCounters are the netstat counters of tcp.rcv_pruned.
	RcvPrunedCounters []PrunedCounter
}

// Loss is the gate of a counter of lost data (lossSeverity): Critical when
// it rose by at least Now in the window (or rose in PersistIntervals
// consecutive intervals), Warning when it rose less; from a single snapshot,
// Warning at Boot since boot.
type Loss struct {
	Now, Boot uint64
}

// CounterSource names one counter: an ethtool -S statistic, or else
// sys/class/net/IF/statistics/NAME.
type CounterSource struct {
	Name    string
	Ethtool bool
}

// PrunedCounter is a TcpExt counter of tcp.rcv_pruned: Loss counters
// (data dropped) may be Critical, the others (pruning, memory pressure)
// stop at Warning.
type PrunedCounter struct {
	Key  string // "TcpExt.RcvPruned"
	Loss bool
}

// Gates returns the thresholds and counter sources of the rate rules.
func Gates() GateSet {
	conv := func(cs []counterSource) []CounterSource {
		out := make([]CounterSource, len(cs))
		for i, c := range cs {
			out[i] = CounterSource{Name: c.name, Ethtool: c.ethtool}
		}
		return out
	}
	g := GateSet{
		PersistIntervals:   persistIntervals,
		SoftnetDrops:       Loss{softnetDropsNow, softnetDropsBoot},
		SqueezeRatio:       squeezeRatio,
		SqueezeMinPPS:      squeezeMinPPS,
		ListenOverflow:     Loss{listenOverflowNow, listenOverflowBoot},
		SynQueueDrops:      Loss{synDropsNow, synDropsBoot},
		RcvPruned:          Loss{prunedNow, prunedBoot},
		UDPRcvbuf:          Loss{udpDropsNow, udpDropsBoot},
		RingOverrun:        Loss{overrunNow, overrunBoot},
		RxErrors:           Loss{rxErrorsNow, rxErrorsBoot},
		TxDrops:            Loss{txDropsNow, txDropsBoot},
		RetransRatio:       retransRatio,
		RetransMinOut:      retransMinOut,
		BondFailures:       bondFailuresBoot,
		RingSmallShare:     ringSmallShare,
		RingMinPPS:         ringTrafficPPS,
		RingOverrunSources: conv(overrunSources),
		TxDropSources:      conv(txDropSources),
	}
	for _, k := range rxErrorKinds() {
		g.RxErrorKinds = append(g.RxErrorKinds, conv(k))
	}
	for _, c := range prunedCounters {
		g.RcvPrunedCounters = append(g.RcvPrunedCounters, PrunedCounter{Key: c.key, Loss: c.loss})
	}
	return g
}
