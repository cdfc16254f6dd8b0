package synthhost

// softirqNames are the rows of proc/softirqs (kernel/softirq.c softirq_to_name).
var softirqNames = [...]string{"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"}

const (
	sirqTimer = 1
	sirqNetTX = 2
	sirqNetRX = 3
	sirqBlock = 4
	sirqTask  = 6
	sirqSched = 7
	sirqHR    = 8
	sirqRCU   = 9
)

// softnetCPU is one row of proc/net/softnet_stat.
type softnetCPU struct {
	processed, dropped, squeeze, rps, flowLimit uint64
	backlog                                     uint64 // gauge
}

// traffic is what moved during one advance, for the counters derived from it.
type traffic struct {
	rxPkts, txPkts, rxBytes, txBytes float64
}

// advance moves every counter forward by dt seconds. New uses it once with
// dt = uptime for the history since boot, Step with the interval.
func (h *Host) advance(dt float64) {
	n := h.o.CPUs
	rxOn := make([]uint64, n)   // packets received by each CPU's queues
	nicIRQ := make([]uint64, n) // NIC interrupts taken by each CPU
	blkIRQ := make([]uint64, n)
	var t traffic
	queueIRQs := map[*nic][]uint64{}
	for _, nc := range h.nics {
		irqs := make([]uint64, len(nc.cpuOf))
		for q, cpu := range nc.cpuOf {
			rx, tx := h.count(nc.rxPPS, dt), h.count(nc.txPPS, dt)
			rb := uint64(float64(rx) * nc.rxSize * h.jitter(0.1))
			tb := uint64(float64(tx) * nc.txSize * h.jitter(0.1))
			nc.rxPkts[q] += rx
			nc.txPkts[q] += tx
			nc.rxBytes[q] += rb
			nc.txBytes[q] += tb
			rxOn[cpu] += rx
			// Interrupt moderation: about one interrupt per 10 packets.
			irqs[q] = uint64(float64(rx+tx) / 10 * h.jitter(0.1))
			t.rxPkts += float64(rx)
			t.txPkts += float64(tx)
			t.rxBytes += float64(rb)
			t.txBytes += float64(tb)
		}
		queueIRQs[nc] = irqs
		nc.rxMulticast += h.count(5, dt)
		nc.rxBroadcast += h.count(1, dt)
		if nc.name == h.o.RxMissedIface {
			nc.rxMissed += h.count(h.o.RxMissedRate, dt)
		}
	}
	for _, l := range h.irqs {
		var c uint64
		if l.nic != nil {
			c = queueIRQs[l.nic][l.queue]
			nicIRQ[l.eff] += c
		} else {
			c = h.count(l.rate, dt)
		}
		if l.block {
			blkIRQ[l.eff] += c
		}
		l.counts[l.eff] += c
	}
	for _, s := range h.sums {
		for cpu := range s.counts {
			s.counts[cpu] += h.count(s.rate, dt)
		}
	}
	loc := h.sums[1].rate
	for cpu := range n {
		h.softirq[sirqTimer][cpu] += h.count(loc*0.4, dt)
		h.softirq[sirqNetTX][cpu] += h.count(30, dt)
		h.softirq[sirqNetRX][cpu] += uint64(float64(nicIRQ[cpu]) * 1.03)
		h.softirq[sirqBlock][cpu] += blkIRQ[cpu]
		h.softirq[sirqTask][cpu] += h.count(1, dt)
		h.softirq[sirqSched][cpu] += h.count(120, dt)
		h.softirq[sirqHR][cpu] += h.count(0.5, dt)
		h.softirq[sirqRCU][cpu] += h.count(250, dt)

		sn := &h.softnet[cpu]
		sn.processed += rxOn[cpu]
		sn.squeeze += h.count(0.02, dt)
		sn.backlog = uint64(h.rng.IntN(3))
		if cpu == h.o.SoftnetDropCPU {
			sn.dropped += h.count(h.o.SoftnetDropRate, dt)
			sn.squeeze += h.count(h.o.SoftnetDropRate/4, dt)
			sn.backlog = 1000
		}
	}
	h.advanceProto(dt, t)
}
