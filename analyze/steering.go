package analyze

import (
	"fmt"
	"strconv"

	"github.com/netvet/netvet/internal/cpumask"
)

const (
	// RPS costs an IPI per batch and cache misses on another CPU; it pays
	// off when one receive CPU is busy. 10,000 packets/s on a NIC is where
	// a single queue's softirq starts to show on a CPU.
	rpsMinPPS   = 10_000
	rpsMinTotal = 100_000_000 // since boot
	// rps_sock_flow_entries: 32768 is the value the kernel documentation
	// suggests for a moderately loaded server (Documentation/networking/scaling.rst).
	rfsEntries = 32768
)

// stackedKinds are devices whose packets arrive through their lower NIC's
// receive path: RPS is decided there, by get_rps_cpu on the lower device in
// netif_receive_skb_internal, and the bond or VLAN rx handler then goes
// "another_round" in __netif_receive_skb_core without asking again
// (https://github.com/torvalds/linux/blob/master/net/core/dev.c), so their
// own rps_cpus never applies. (A bridge passes frames up with a fresh
// netif_receive_skb, where its rps_cpus does apply.) The loopback's packets
// are processed on the CPU that sent them.
var stackedKinds = map[string]bool{"bond": true, "vlan": true, "loopback": true}

func steeringRules(a *analysis) []Finding {
	var out []Finding
	out = append(out, a.rpsRecommended()...)
	out = append(out, a.rfsRecommended()...)
	out = append(out, a.rfsAccelerated()...)
	out = append(out, a.xpsRecommended()...)
	return out
}

// maskBits is the width the kernel prints masks in: nr_cpu_ids, which is
// at least the highest online CPU + 1.
func (a *analysis) maskBits() int {
	return max(a.host.online.Max()+1, a.last.Host.CPUs, 1)
}

// rxTraffic is a NIC's received packets over the window, and whether it
// passes the RPS traffic gate.
func (a *analysis) rxTraffic(iface string) (Delta, bool) {
	d, name, _ := a.worstCounter(iface, []counterSource{{"rx_packets", false}, {"rx_packets", true}})
	if name == "" {
		if nd, ok := a.w.NetDevDelta(iface); ok {
			d = nd.RxPackets
		} else {
			return Delta{}, false
		}
	}
	if d.SinceBoot {
		return d, d.Inc >= rpsMinTotal
	}
	r, ok := d.Rate()
	return d, ok && r >= rpsMinPPS
}

func (a *analysis) rpsRecommended() []Finding {
	out := a.rpsSingleVector()
	for _, iface := range sortedKeys(a.cfg.NICs) {
		n := a.cfg.NICs[iface]
		if len(n.Rx) == 0 || stackedKinds[n.Kind] {
			continue
		}
		anyKnown, anyOn := false, false
		for _, q := range n.Rx {
			anyKnown = anyKnown || q.HasRPS
			anyOn = anyOn || q.HasRPS && !q.RPSCPUs.IsEmpty()
		}
		local, from := a.nicCPUs(iface)
		// One RSS queue per local physical core already spreads the work
		// as far as it usefully goes; RPS would add IPIs, not capacity.
		if !anyKnown || anyOn || len(n.Rx) >= a.host.cores(local) {
			continue
		}
		traffic, busy := a.rxTraffic(iface)
		if !busy {
			continue
		}
		irqCPUs := cpumask.Set{}
		for _, v := range a.nicIRQs()[iface] {
			if c := a.vectorCPU(v.IRQ); c >= 0 {
				irqCPUs = irqCPUs.With(c)
			}
		}
		targets := local.Minus(irqCPUs)
		if targets.IsEmpty() {
			targets = local
		}
		sev := Info
		for _, c := range irqCPUs.CPUs() {
			if d, ok := a.w.SoftnetDelta(c); ok && (d.Dropped.Inc > 0 || d.TimeSqueeze.Inc > 0 && !d.TimeSqueeze.SinceBoot) {
				sev = Warning // the receiving CPU is already losing or deferring work
			}
		}
		mask := targets.Hex(a.maskBits())
		var writes []sysfsWrite
		for _, q := range n.Rx {
			writes = append(writes, sysfsWrite{iface, fmt.Sprintf("queues/rx-%d/rps_cpus", q.Index), mask})
		}
		f := Finding{
			ID:       "rps.recommended",
			Severity: sev,
			Subject:  iface,
			Summary: fmt.Sprintf("%s receives %s packets %s on %d RX queue(s) while %d CPUs are local to it, and RPS is off: the receive work stays on the CPU(s) taking its interrupts",
				iface, ratePhrase(traffic), windowPhrase(traffic), len(n.Rx), local.Count()),
			Evidence: []Evidence{
				evDelta("rx_packets", traffic, "packets", "sys/class/net/"+iface+"/statistics/rx_packets"),
				evValue("RX queues", float64(len(n.Rx)), "", "sys/class/net/"+iface+"/queues"),
				evText("rps_cpus", "0 (off) on every RX queue", "sys/class/net/"+iface+"/queues/rx-N/rps_cpus"),
				evText("local CPUs", local.List(), from),
			},
			Recommendations: []Recommendation{sysfsRec(
				fmt.Sprintf("Spread the protocol work of %s over CPUs %s (mask %s: the NIC's local CPUs without the ones taking its interrupts), then turn on RFS so each flow is processed where its application reads (rfs.recommended).", iface, targets.List(), mask),
				"each packet steered costs an inter-processor interrupt and a cache miss: worth it only while one CPU is the bottleneck",
				writes...)},
		}
		if !irqCPUs.IsEmpty() {
			f.Evidence = append(f.Evidence, evText("CPUs taking its interrupts", irqCPUs.List(), "proc/interrupts"))
		}
		out = append(out, f)
	}
	return out
}

func (a *analysis) rfsRecommended() []Finding {
	entries, haveEntries := a.sysctlInt("net.core.rps_sock_flow_entries")
	var rpsOn []string
	var zeroCnt []sysfsWrite
	var ev []Evidence
	for _, iface := range sortedKeys(a.cfg.NICs) {
		n := a.cfg.NICs[iface]
		on := false
		for _, q := range n.Rx {
			if q.HasRPS && !q.RPSCPUs.IsEmpty() {
				on = true
				ev = append(ev, evText(fmt.Sprintf("%s rx-%d rps_cpus", iface, q.Index), q.RPSCPUs.List(), fmt.Sprintf("sys/class/net/%s/queues/rx-%d/rps_cpus", iface, q.Index)))
			}
		}
		if !on {
			continue
		}
		rpsOn = append(rpsOn, iface)
		per := flowCnt(rfsEntries, len(n.Rx))
		if haveEntries && entries > 0 {
			per = flowCnt(int(entries), len(n.Rx))
		}
		for _, q := range n.Rx {
			// Only queues without a table: one set by hand may be larger
			// than this share, and must not be shrunk.
			if q.RPSFlowCnt == 0 {
				zeroCnt = append(zeroCnt, sysfsWrite{iface, fmt.Sprintf("queues/rx-%d/rps_flow_cnt", q.Index), strconv.Itoa(per)})
			}
			if q.RPSFlowCnt >= 0 {
				ev = append(ev, evValue(fmt.Sprintf("%s rx-%d rps_flow_cnt", iface, q.Index), float64(q.RPSFlowCnt), "flows", fmt.Sprintf("sys/class/net/%s/queues/rx-%d/rps_flow_cnt", iface, q.Index)))
			}
		}
	}
	if len(rpsOn) == 0 || (haveEntries && entries > 0 && len(zeroCnt) == 0) {
		return nil
	}
	f := Finding{
		ID:       "rfs.recommended",
		Severity: Info,
		Subject:  "host",
		Evidence: ev,
	}
	var recs []Recommendation
	switch {
	case !haveEntries:
		f.Summary = fmt.Sprintf("RPS is on (%s) but net.core.rps_sock_flow_entries is not readable here (it exists only in the initial network namespace), so whether RFS steers flows to their readers is unknown", joinAnd(rpsOn))
		recs = append(recs, Recommendation{Summary: "Check it from the host: 0 means RFS is off.", Commands: []string{"sysctl net.core.rps_sock_flow_entries"}})
	case entries == 0:
		f.Summary = fmt.Sprintf("RPS is on (%s) but RFS is off (net.core.rps_sock_flow_entries = 0): packets are spread by hash, not sent to the CPU where their socket is read", joinAnd(rpsOn))
		f.Evidence = append(f.Evidence, evValue("net.core.rps_sock_flow_entries", 0, "flows", "proc/sys/net/core/rps_sock_flow_entries"))
		recs = append(recs, sysctlRec(
			fmt.Sprintf("Turn RFS on with a %d-entry global flow table (the value Documentation/networking/scaling.rst suggests for a moderately loaded server).", rfsEntries),
			"a table too small for the number of active flows makes them collide and fall back to RPS hashing; it costs a few bytes per entry",
			setting{"net.core.rps_sock_flow_entries", strconv.Itoa(rfsEntries)}))
	default:
		f.Subject = zeroCnt[0].iface
		f.Summary = fmt.Sprintf("RFS is on (rps_sock_flow_entries = %d) but RX queues of %s have rps_flow_cnt 0, so their flows are not steered", entries, joinAnd(rpsOn))
		f.Evidence = append(f.Evidence, evValue("net.core.rps_sock_flow_entries", float64(entries), "flows", "proc/sys/net/core/rps_sock_flow_entries"))
	}
	if len(zeroCnt) > 0 {
		recs = append(recs, sysfsRec(
			"Give each RPS queue its share of the flow table: rps_flow_cnt = rps_sock_flow_entries ÷ RX queues (the kernel rounds it up to a power of two).",
			"none beyond memory for the per-queue tables",
			zeroCnt...))
	}
	f.Recommendations = recs
	return []Finding{f}
}

// flowCnt is entries ÷ queues, rounded up to a power of two as the kernel
// does (store_rps_dev_flow_table_cnt).
func flowCnt(entries, queues int) int {
	per := entries / max(queues, 1)
	p := 1
	for p < per {
		p <<= 1
	}
	return p
}

func (a *analysis) rfsAccelerated() []Finding {
	entries, ok := a.sysctlInt("net.core.rps_sock_flow_entries")
	if !ok || entries == 0 || a.last == nil {
		return nil
	}
	var out []Finding
	for _, iface := range sortedKeys(a.cfg.NICs) {
		n := a.cfg.NICs[iface]
		e := a.last.Ethtool[iface]
		if len(n.Rx) < 2 || e == nil || e.Features == nil {
			continue
		}
		on, has, name := feature(e.Features, "rx-ntuple-filter", "ntuple-filters")
		if !has || on {
			continue
		}
		rfsOn := false
		for _, q := range n.Rx {
			rfsOn = rfsOn || q.RPSFlowCnt > 0
		}
		if !rfsOn {
			continue
		}
		out = append(out, Finding{
			ID:       "rfs.accelerated",
			Severity: Info,
			Subject:  iface,
			Summary:  fmt.Sprintf("RFS is on and %s has %d RX queues with ntuple filters off: accelerated RFS could steer each flow in the NIC to the queue whose IRQ runs on the reading CPU", iface, len(n.Rx)),
			Evidence: []Evidence{
				evText(name, "off", "netvet/ethtool/"+iface+".json"),
				evValue("net.core.rps_sock_flow_entries", float64(entries), "flows", "proc/sys/net/core/rps_sock_flow_entries"),
				evValue("RX queues", float64(len(n.Rx)), "", "sys/class/net/"+iface+"/queues"),
			},
			Recommendations: []Recommendation{changesRec(
				"Turn ntuple filters on; aRFS then works if the driver implements ndo_rx_flow_steer (mlx4/mlx5, ixgbe, i40e, bnxt, sfc do) and each queue's IRQ is pinned to one CPU (see irq.*).",
				"uses the NIC's filter table, shared with manual ethtool -N rules (Flow Director on Intel NICs switches from ATR to perfect filters)",
				ethtoolPersist(iface, "ethtool.feature-ntuple on", "NTupleFilter=yes", "-K %k ntuple on"),
				Change{Kind: ChangeFeature, Device: iface, Target: "rx-ntuple-filter", Value: "on"})},
		})
	}
	return out
}

func (a *analysis) xpsRecommended() []Finding {
	var out []Finding
	irqs := a.nicIRQs()
	for _, iface := range sortedKeys(a.cfg.NICs) {
		n := a.cfg.NICs[iface]
		if len(n.Tx) < 2 {
			continue
		}
		allOff, known := true, false
		for _, q := range n.Tx {
			if q.HasXPS {
				known = true
				allOff = allOff && q.XPSCPUs.IsEmpty()
			}
		}
		if !known || !allOff {
			continue
		}
		// Map TX queue n to the CPU its vector is pinned to.
		cpuOf := map[int]int{}
		pinned := 0
		for _, v := range irqs[iface] {
			if v.Kind == "rx" || v.Kind == "input" {
				continue
			}
			aff, ok := a.cfg.IRQs[v.IRQ]
			if ok && aff.Affinity.Count() == 1 {
				cpuOf[v.Queue] = aff.Affinity.First()
				pinned++
			}
		}
		if pinned < 2 {
			continue
		}
		var writes []sysfsWrite
		for _, q := range n.Tx {
			if c, ok := cpuOf[q.Index]; ok {
				writes = append(writes, sysfsWrite{iface, fmt.Sprintf("queues/tx-%d/xps_cpus", q.Index), cpumask.Of(c).Hex(a.maskBits())})
			}
		}
		if len(writes) == 0 {
			continue
		}
		out = append(out, Finding{
			ID:       "xps.recommended",
			Severity: Info,
			Subject:  iface,
			Summary:  fmt.Sprintf("%s has %d TX queues with XPS off while %d queue IRQs are pinned to single CPUs: a sending CPU may pick any queue and complete on another CPU's", iface, len(n.Tx), pinned),
			Evidence: []Evidence{
				evValue("TX queues", float64(len(n.Tx)), "", "sys/class/net/"+iface+"/queues"),
				evText("xps_cpus", "0 on every TX queue", "sys/class/net/"+iface+"/queues/tx-N/xps_cpus"),
				evValue("queue IRQs pinned to one CPU", float64(pinned), "", "proc/irq/N/smp_affinity_list"),
			},
			Recommendations: []Recommendation{sysfsRec(
				"Match each TX queue to the CPU that takes its interrupt, so a CPU sends on its own queue and completions stay on it (Documentation/networking/scaling.rst, XPS).",
				"if the IRQ ladder changes later, the XPS masks must follow it",
				writes...)},
		})
	}
	return out
}

// rpsSingleVector covers NICs seen only in proc/interrupts (no sysfs in the
// snapshot): a NIC with one vector puts all its receive work on one CPU, and
// whether RPS already spreads it cannot be known here — the finding says so.
func (a *analysis) rpsSingleVector() []Finding {
	var out []Finding
	irqs := a.nicIRQs()
	for _, iface := range sortedKeys(irqs) {
		if _, known := a.cfg.NICs[iface]; known {
			continue
		}
		vs := irqs[iface]
		if len(nicQueues(vs)) != 1 {
			continue
		}
		sp, ok := a.nicIRQSpread(vs)
		if !ok || !significant(sp.total) || a.host.ncpu() < 2 {
			continue
		}
		cpus := cpumask.Set{}
		for c, n := range sp.perCPU {
			if float64(n) >= 0.9*float64(sp.total.Inc) {
				cpus = cpus.With(c)
			}
		}
		if cpus.IsEmpty() {
			continue // the vector's interrupts already rotate over CPUs
		}
		targets := a.host.online.Minus(cpus)
		if targets.IsEmpty() {
			continue
		}
		mask := targets.Hex(a.maskBits())
		out = append(out, Finding{
			ID:       "rps.recommended",
			Severity: Info,
			Subject:  iface,
			Summary: fmt.Sprintf("%s has a single interrupt vector (%s interrupts %s, on CPU %s): all its receive work lands on one CPU unless RPS spreads it, and rps_cpus is not in this snapshot",
				iface, ratePhrase(sp.total), windowPhrase(sp.total), cpus.List()),
			Evidence: []Evidence{
				evDelta(iface+" interrupts", sp.total, "interrupts", "proc/interrupts"),
				evText("CPUs taking them", cpus.List(), "proc/interrupts"),
				evText("rps_cpus", "unknown (no sys/class/net in this snapshot)", ""),
			},
			Recommendations: []Recommendation{{
				Summary:  fmt.Sprintf("Check RPS on %s; if rps_cpus is 0, spread its protocol work over CPUs %s (mask %s).", iface, targets.List(), mask),
				Commands: []string{fmt.Sprintf("cat /sys/class/net/%s/queues/rx-*/rps_cpus", sh(iface)), fmt.Sprintf("echo %s > /sys/class/net/%s/queues/rx-0/rps_cpus", mask, sh(iface))},
				Persist:  fmt.Sprintf(`udev: ACTION=="add", SUBSYSTEM=="net", KERNEL=="%s", ATTR{queues/rx-0/rps_cpus}="%s" in %s`, iface, mask, UdevFile),
				Risk:     "each steered packet costs an inter-processor interrupt: worth it only while the one CPU is the bottleneck",
			}},
		})
	}
	return out
}
