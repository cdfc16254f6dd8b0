package tui

import (
	"slices"
	"strconv"
	"time"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

// softirqNames are proc/softirqs' rows in the kernel's order (softirq_to_name
// in https://github.com/torvalds/linux/blob/master/kernel/softirq.c).
// Kernels before 4.5 print BLOCK_IOPOLL where IRQ_POLL is now: the same
// vector, renamed, so it fills the same column.
var softirqNames = [...]string{"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"}

const (
	sirqNetTX = 2
	sirqNetRX = 3
)

// sample is what the newest interval says: the rates between the last two
// snapshots of the window, or, for a lone snapshot, the averages since boot.
// It is computed once, when the snapshot arrives; the screens only lay it
// out.
type sample struct {
	end       time.Time
	secs      float64 // the interval's length (the uptime since boot); 0 when unknown
	sinceBoot bool

	cpus []cpuRates // ascending by CPU
	nics []nicRates // ascending by name
	tcp  tcpRates

	// Totals for the charts.
	pps, drops, squeezes rate
}

type cpuRates struct {
	cpu                                          int
	nicIRQ                                       rate
	softirq                                      [len(softirqNames)]rate
	processed, dropped, squeezed, rps, flowLimit rate
	backlog                                      rate // a gauge: packets waiting now (6.x kernels)
}

type nicRates struct {
	name                  string
	rxPkts, txPkts        rate
	rxBits, txBits        rate
	drops, overruns, errs rate
	queues                []queueRates // ascending by queue
}

type queueRates struct {
	q       int
	irqs    []int       // vectors serving it
	irqRate rate        // all its vectors
	handled cpumask.Set // CPUs that took its interrupts in the interval
	rxPkts  rate        // ethtool -S per-queue counters, where the driver has them
	txPkts  rate
}

type tcpRates struct {
	overflows, listenDrops, reqQFullDrop, cookiesSent rate
	activeOpens, passiveOpens, retrans                rate
}

// measure works out the newest interval, prev → cur (prev nil: since boot).
func measure(prev, cur *collect.Snapshot, interval time.Duration) *sample {
	snaps := []*collect.Snapshot{cur}
	if prev != nil {
		snaps = []*collect.Snapshot{prev, cur}
	}
	w := analyze.NewWindow(snaps, interval)
	s := &sample{end: cur.Time, sinceBoot: prev == nil}
	if prev == nil {
		s.secs, _ = w.SinceBoot()
	} else {
		s.secs, _ = w.Seconds()
	}
	irqs := collect.NICIRQs(cur)
	nicIRQ := map[int]uint64{}
	s.nics = measureNICs(w, cur, irqs, nicIRQ, s.secs)
	s.cpus = measureCPUs(w, cur, nicIRQ, len(irqs) > 0, s.secs)
	s.tcp = measureTCP(w)

	counted := countedNICs(cur)
	for _, n := range s.nics {
		if counted[n.name] {
			s.pps = s.pps.add(n.rxPkts).add(n.txPkts)
			s.drops = s.drops.add(n.drops).add(n.overruns)
		}
	}
	for _, c := range s.cpus {
		s.drops = s.drops.add(c.dropped)
		s.squeezes = s.squeezes.add(c.squeezed)
	}
	return s
}

func rateOf(d analyze.Delta, ok bool) rate {
	if !ok || !d.Known() {
		return rate{}
	}
	r, ok := d.Rate()
	return rate{v: r, ok: ok}
}

// perSec turns a count over the interval into a rate.
func perSec(n uint64, secs float64) rate {
	if secs <= 0 {
		return rate{}
	}
	return known(float64(n) / secs)
}

func measureCPUs(w *analyze.Window, cur *collect.Snapshot, nicIRQ map[int]uint64, haveIRQ bool, secs float64) []cpuRates {
	seen := map[int]bool{}
	var cpus []int
	addCPU := func(c int) {
		if !seen[c] {
			seen[c] = true
			cpus = append(cpus, c)
		}
	}
	for _, c := range w.SoftnetCPUs() {
		addCPU(c)
	}
	if cur.SoftIRQs != nil {
		for _, c := range cur.SoftIRQs.CPUs {
			addCPU(c)
		}
	}
	if cur.Interrupts != nil {
		for _, c := range cur.Interrupts.CPUs {
			addCPU(c)
		}
	}
	slices.Sort(cpus)
	backlog := map[int]uint64{}
	for _, r := range cur.Softnet {
		if r.Columns >= 12 {
			backlog[r.CPU] = r.BacklogLen
		}
	}
	out := make([]cpuRates, len(cpus))
	for i, c := range cpus {
		r := cpuRates{cpu: c}
		if sd, ok := w.SoftnetDelta(c); ok {
			r.processed = rateOf(sd.Processed, true)
			r.dropped = rateOf(sd.Dropped, true)
			r.squeezed = rateOf(sd.TimeSqueeze, true)
			r.rps = rateOf(sd.ReceivedRPS, true)
			r.flowLimit = rateOf(sd.FlowLimitCount, true)
		}
		if cur.SoftIRQs != nil {
			for k, name := range softirqNames {
				d, ok := w.SoftIRQDelta(name, c)
				if !ok && name == "IRQ_POLL" {
					d, ok = w.SoftIRQDelta("BLOCK_IOPOLL", c)
				}
				r.softirq[k] = rateOf(d, ok)
			}
		}
		if haveIRQ && cur.Interrupts != nil && slices.Contains(cur.Interrupts.CPUs, c) {
			r.nicIRQ = perSec(nicIRQ[c], secs)
		}
		if b, ok := backlog[c]; ok {
			r.backlog = known(float64(b))
		}
		out[i] = r
	}
	return out
}

func measureNICs(w *analyze.Window, cur *collect.Snapshot, irqs map[string][]collect.QueueIRQ, nicIRQ map[int]uint64, secs float64) []nicRates {
	names := map[string]bool{}
	for n := range cur.NetDev {
		names[n] = true
	}
	for n := range cur.Links {
		names[n] = true
	}
	for n := range irqs {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.Sort(sorted)
	out := make([]nicRates, 0, len(sorted))
	for _, name := range sorted {
		n := nicRates{name: name}
		if nd, ok := w.NetDevDelta(name); ok {
			n.rxPkts, n.txPkts = rateOf(nd.RxPackets, true), rateOf(nd.TxPackets, true)
			if rb, ok := nd.RxBytes.Rate(); ok {
				n.rxBits = known(rb * 8)
			}
			if tb, ok := nd.TxBytes.Rate(); ok {
				n.txBits = known(tb * 8)
			}
			n.errs = rateOf(nd.RxErrs, true).add(rateOf(nd.TxErrs, true))
		}
		// The sysfs statistics tell drops from overruns; proc/net/dev's
		// "drop" column already adds rx_missed_errors to rx_dropped
		// (dev_seq_printf_stats in net/core/net-procfs.c), so it is the
		// fallback for drops only.
		rxd, okr := w.LinkStatDelta(name, "rx_dropped")
		txd, okt := w.LinkStatDelta(name, "tx_dropped")
		if okr || okt {
			n.drops = rateOf(rxd, okr).add(rateOf(txd, okt))
		} else if nd, ok := w.NetDevDelta(name); ok {
			n.drops = rateOf(nd.RxDrop, true).add(rateOf(nd.TxDrop, true))
		}
		for _, st := range []string{"rx_missed_errors", "rx_over_errors", "rx_fifo_errors"} {
			d, ok := w.LinkStatDelta(name, st)
			n.overruns = n.overruns.add(rateOf(d, ok))
		}
		if !n.overruns.ok {
			if nd, ok := w.NetDevDelta(name); ok {
				n.overruns = rateOf(nd.RxFifo, true)
			}
		}
		n.queues = measureQueues(w, name, irqs[name], nicIRQ, secs)
		out = append(out, n)
	}
	return out
}

// measureQueues gives one row per queue number seen in the interface's
// interrupt vectors or its ethtool per-queue counters.
func measureQueues(w *analyze.Window, iface string, vecs []collect.QueueIRQ, nicIRQ map[int]uint64, secs float64) []queueRates {
	byQ := map[int]*queueRates{}
	row := func(q int) *queueRates {
		r := byQ[q]
		if r == nil {
			r = &queueRates{q: q}
			byQ[q] = r
		}
		return r
	}
	for _, v := range vecs {
		r := row(v.Queue)
		r.irqs = append(r.irqs, v.IRQ)
		ld, ok := w.IRQLineDelta(strconv.Itoa(v.IRQ))
		if !ok {
			continue
		}
		var sum uint64
		for j, c := range ld.CPUs {
			nicIRQ[c] += ld.Inc[j]
			sum += ld.Inc[j]
			if ld.Inc[j] > 0 {
				r.handled = r.handled.With(c)
			}
		}
		r.irqRate = r.irqRate.add(perSec(sum, secs))
	}
	for _, name := range w.EthtoolStatNames(iface) {
		q, dir, ok := queueStat(name)
		if !ok {
			continue
		}
		d, ok := w.EthtoolStatDelta(iface, name)
		r := row(q)
		if dir == 'r' {
			r.rxPkts = r.rxPkts.add(rateOf(d, ok))
		} else {
			r.txPkts = r.txPkts.add(rateOf(d, ok))
		}
	}
	out := make([]queueRates, 0, len(byQ))
	for _, r := range byQ {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b queueRates) int { return a.q - b.q })
	return out
}

func measureTCP(w *analyze.Window) tcpRates {
	ns := func(k string) rate { d, ok := w.NetstatDelta("TcpExt." + k); return rateOf(d, ok) }
	sn := func(k string) rate { d, ok := w.SNMPDelta("Tcp." + k); return rateOf(d, ok) }
	return tcpRates{
		overflows:    ns("ListenOverflows"),
		listenDrops:  ns("ListenDrops"),
		reqQFullDrop: ns("TCPReqQFullDrop"),
		cookiesSent:  ns("SyncookiesSent"),
		activeOpens:  sn("ActiveOpens"),
		passiveOpens: sn("PassiveOpens"),
		retrans:      sn("RetransSegs"),
	}
}

// countedNICs are the interfaces whose packets the charts add up: the
// physical ones when the configuration says which they are (a bond, its
// slaves, VLANs and bridges would count the same packet several times),
// else every interface but loopback, else loopback (a namespace that has
// nothing else).
func countedNICs(s *collect.Snapshot) map[string]bool {
	out := map[string]bool{}
	if s.Config != nil {
		for name, n := range s.Config.NICs {
			if n.Kind == "physical" {
				out[name] = true
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for name := range s.NetDev {
		if name != "lo" {
			out[name] = true
		}
	}
	if len(out) == 0 {
		out["lo"] = true
	}
	return out
}

// queueStat reads the queue number and direction ('r' or 't') of a
// per-queue packet counter in ethtool -S: igb/ixgbe/virtio_net/ena
// "rx_queue_3_packets", i40e/ice "rx-3.packets", mlx4/mlx5 "rx3_packets",
// bnxt "[3]: rx_ucast_packets" (and mcast, bcast: their sum is the queue's).
func queueStat(name string) (int, byte, bool) {
	var dir byte
	switch {
	case len(name) > 2 && (name[:2] == "rx" || name[:2] == "tx"):
		dir = name[0]
		rest := name[2:]
		for _, f := range [...]struct{ pre, suf string }{{"_queue_", "_packets"}, {"-", ".packets"}, {"", "_packets"}} {
			if q, ok := between(rest, f.pre, f.suf); ok {
				return q, dir, true
			}
		}
	case len(name) > 4 && name[0] == '[':
		q, ok := between(name, "[", "]: rx_ucast_packets")
		if !ok {
			if q, ok = between(name, "[", "]: rx_mcast_packets"); !ok {
				q, ok = between(name, "[", "]: rx_bcast_packets")
			}
		}
		if ok {
			return q, 'r', true
		}
		q, ok = between(name, "[", "]: tx_ucast_packets")
		if !ok {
			if q, ok = between(name, "[", "]: tx_mcast_packets"); !ok {
				q, ok = between(name, "[", "]: tx_bcast_packets")
			}
		}
		if ok {
			return q, 't', true
		}
	}
	return 0, 0, false
}

// between reads s = pre + decimal digits + suf.
func between(s, pre, suf string) (int, bool) {
	if len(s) <= len(pre)+len(suf) || s[:len(pre)] != pre || s[len(s)-len(suf):] != suf {
		return 0, false
	}
	digits := s[len(pre) : len(s)-len(suf)]
	if len(digits) > 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
		n = n*10 + int(digits[i]-'0')
	}
	return n, true
}
