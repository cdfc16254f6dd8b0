package analyze

import (
	"fmt"
	"strconv"

	"github.com/netvet/netvet/internal/cpumask"
)

// Softnet gates. softnet_stat counts per CPU since boot
// (https://github.com/torvalds/linux/blob/master/net/core/net-procfs.c).
const (
	// A backlog drop is a lost packet. Ten in the window (or drops in two
	// consecutive intervals) is an ongoing loss; one stray burst is a
	// warning. Since boot, 1,000 drops is worth a look, fewer is history.
	softnetDropsNow  = 10
	softnetDropsBoot = 1000

	// time_squeeze counts net_rx_action runs that stopped with work left
	// (budget or netdev_budget_usecs exhausted). Packets wait for the next
	// run: latency, and drops once the NIC ring fills. One squeeze per
	// 10,000 packets on a CPU that processes ≥ 10k packets/s, in two
	// consecutive intervals, is a CPU that cannot keep up; a handful of
	// squeezes an hour on an idle VM is not.
	// Since boot, the average rate over the uptime dilutes busy hours with
	// idle ones, so its gate is ten times lower; without an uptime, 1M
	// packets in total is the least that says anything.
	squeezeRatio      = 1e-4
	squeezeMinPPS     = 10_000
	squeezeMinBootPPS = 1_000
	squeezeMinBoot    = 1_000_000

	// cpu_skew: one CPU doing ≥ 70% of the host's packet processing, with
	// at least 1,000 packets/s in total (since boot: 100/s on average) —
	// below that, where packets land does not matter. Warning once the busy
	// CPU's own rate reaches 100k packets/s (about a tenth of what one core
	// can process: the headroom is going), info below.
	skewShare     = 0.70
	skewMinPPS    = 1_000
	skewMinBootPS = 100
	skewWarnPPS   = 100_000
)

func softnetRules(a *analysis) []Finding {
	cpus := a.w.SoftnetCPUs()
	if len(cpus) == 0 {
		return nil
	}
	var out []Finding
	deltas := make([]SoftnetDelta, 0, len(cpus))
	var total uint64
	for _, cpu := range cpus {
		d, ok := a.w.SoftnetDelta(cpu)
		if !ok {
			continue
		}
		deltas = append(deltas, d)
		total += d.Processed.Inc
		if f, ok := a.softnetDrops(d); ok {
			out = append(out, f)
		}
		if f, ok := a.softnetSqueeze(d); ok {
			out = append(out, f)
		}
		if f, ok := a.softnetFlowLimit(d); ok {
			out = append(out, f)
		}
	}
	if f, ok := a.softnetSkew(deltas, total); ok {
		out = append(out, f)
	}
	return out
}

const softnetSource = "proc/net/softnet_stat"

func (a *analysis) softnetDrops(d SoftnetDelta) (Finding, bool) {
	if d.Dropped.Inc == 0 {
		return Finding{}, false
	}
	sev := lossSeverity(d.Dropped, softnetDropsNow, softnetDropsBoot)
	f := Finding{
		ID:       "softnet.drops",
		Severity: sev,
		Subject:  cpuName(d.CPU),
		Summary: fmt.Sprintf("CPU %d dropped %s packets %s because its input backlog was full (net.core.netdev_max_backlog)",
			d.CPU, ratePhrase(d.Dropped), windowPhrase(d.Dropped)),
		Evidence: []Evidence{
			evDelta("dropped", d.Dropped, "packets", softnetSource),
			evDelta("processed", d.Processed, "packets", softnetSource),
		},
	}
	if r, ok := d.Dropped.Per(d.Processed); ok {
		f.Evidence = append(f.Evidence, evValue("dropped per processed packet", r, "ratio", softnetSource))
	}
	if d.ReceivedRPS.Known() && d.ReceivedRPS.Inc > 0 {
		f.Evidence = append(f.Evidence, evDelta("received_rps (IPIs from RPS)", d.ReceivedRPS, "IPIs", softnetSource))
	}
	cur, ok := a.sysctlInt("net.core.netdev_max_backlog")
	if ok {
		f.Evidence = append(f.Evidence, evValue("net.core.netdev_max_backlog", float64(cur), "packets", "proc/sys/net/core/netdev_max_backlog"))
		next := doubled(cur, 2000)
		f.Recommendations = append(f.Recommendations, sysctlRec(
			fmt.Sprintf("Let each CPU's backlog hold %d packets instead of %d, so bursts that arrive faster than CPU %d drains them are queued instead of dropped.", next, cur, d.CPU),
			"more packets queued per CPU means more memory under overload and more queueing delay; it absorbs bursts, it does not add CPU",
			setting{"net.core.netdev_max_backlog", strconv.FormatInt(next, 10)}))
	} else {
		// A fixed value could be lower than the unknown current one: the
		// command doubles whatever the host has.
		f.Recommendations = append(f.Recommendations, Recommendation{
			Summary:  "Double net.core.netdev_max_backlog (its current value was not readable here; the kernel's default is 1000): the first command shows it, the second sets twice that.",
			Commands: []string{"sysctl net.core.netdev_max_backlog", "sysctl -w net.core.netdev_max_backlog=$(( 2 * $(sysctl -n net.core.netdev_max_backlog) ))"},
			Persist:  "add `net.core.netdev_max_backlog = N` with the new value to " + SysctlFile + " (applied at boot; `sysctl --system` reloads)",
			Risk:     "more memory and queueing delay under overload",
		})
	}
	if d.ReceivedRPS.Inc == 0 {
		f.Recommendations = append(f.Recommendations, Recommendation{
			Summary: fmt.Sprintf("If CPU %d is the only one receiving, spread the load: more RSS queues or RPS (see the rss.*, irq.* and rps.recommended findings).", d.CPU),
		})
	}
	return f, true
}

func (a *analysis) softnetSqueeze(d SoftnetDelta) (Finding, bool) {
	sq, proc := d.TimeSqueeze, d.Processed
	if sq.Inc == 0 {
		return Finding{}, false
	}
	ratio, ok := sq.Per(proc)
	if !ok || ratio < squeezeRatio {
		return Finding{}, false
	}
	sev := Warning
	if sq.SinceBoot {
		if proc.Inc < squeezeMinBoot {
			return Finding{}, false
		}
		if r, ok := proc.Rate(); ok && r < squeezeMinBootPPS {
			return Finding{}, false // an idle host's handful of squeezes a day
		}
		sev = Info
	} else {
		if r, ok := proc.Rate(); !ok || r < squeezeMinPPS || !sq.Persists(min(persistIntervals, a.w.Intervals())) {
			return Finding{}, false
		}
	}
	f := Finding{
		ID:       "softnet.squeeze",
		Severity: sev,
		Subject:  cpuName(d.CPU),
		Summary: fmt.Sprintf("CPU %d ran out of softirq budget %s times %s (%s of %s packets): receive processing cannot keep up",
			d.CPU, Commas(sq.Inc), windowPhrase(sq), pct(ratio), Commas(proc.Inc)),
		Evidence: []Evidence{
			evDelta("time_squeeze", sq, "events", softnetSource),
			evDelta("processed", proc, "packets", softnetSource),
			evValue("time_squeeze per processed packet", ratio, "ratio", softnetSource),
		},
	}
	var sets []setting
	var have []string
	if b, ok := a.sysctlInt("net.core.netdev_budget"); ok {
		f.Evidence = append(f.Evidence, evValue("net.core.netdev_budget", float64(b), "packets", "proc/sys/net/core/netdev_budget"))
		sets = append(sets, setting{"net.core.netdev_budget", strconv.FormatInt(doubled(b, 600), 10)})
		have = append(have, fmt.Sprintf("netdev_budget %d", b))
	}
	if u, ok := a.sysctlInt("net.core.netdev_budget_usecs"); ok {
		f.Evidence = append(f.Evidence, evValue("net.core.netdev_budget_usecs", float64(u), "µs", "proc/sys/net/core/netdev_budget_usecs"))
		sets = append(sets, setting{"net.core.netdev_budget_usecs", strconv.FormatInt(doubled(u, 4000), 10)})
		have = append(have, fmt.Sprintf("netdev_budget_usecs %d", u))
	}
	if len(sets) > 0 {
		f.Recommendations = append(f.Recommendations, sysctlRec(
			fmt.Sprintf("Give net_rx_action more packets and time per run (now %s), so a burst is finished in one softirq run instead of being deferred to ksoftirqd.", joinAnd(have)),
			"longer softirq runs delay other work on that CPU (application threads, timers); spreading the load (RSS/RPS) is the better fix when one CPU does most of it",
			sets...))
	} else {
		f.Recommendations = append(f.Recommendations, Recommendation{
			Summary:  "Raise net.core.netdev_budget (default 300) and net.core.netdev_budget_usecs (default 2000); their current values were not readable here.",
			Commands: []string{"sysctl net.core.netdev_budget net.core.netdev_budget_usecs"},
		})
	}
	return f, true
}

func (a *analysis) softnetFlowLimit(d SoftnetDelta) (Finding, bool) {
	fl := d.FlowLimitCount
	if !fl.Known() || fl.Inc == 0 {
		return Finding{}, false
	}
	f := Finding{
		ID:       "softnet.flow_limit",
		Severity: Info,
		Subject:  cpuName(d.CPU),
		Summary: fmt.Sprintf("CPU %d's flow limit dropped %s packets of large flows %s to protect the backlog for small ones",
			d.CPU, ratePhrase(fl), windowPhrase(fl)),
		Evidence: []Evidence{evDelta("flow_limit_count", fl, "packets", softnetSource)},
	}
	if v, ok := a.sysctl("net.core.flow_limit_cpu_bitmap"); ok {
		f.Evidence = append(f.Evidence, evText("net.core.flow_limit_cpu_bitmap", v, "proc/sys/net/core/flow_limit_cpu_bitmap"))
	}
	if v, ok := a.sysctlInt("net.core.flow_limit_table_len"); ok {
		f.Evidence = append(f.Evidence, evValue("net.core.flow_limit_table_len", float64(v), "buckets", "proc/sys/net/core/flow_limit_table_len"))
	}
	f.Recommendations = append(f.Recommendations, Recommendation{
		Summary: "The flow limit works as intended: one heavy flow is being held back so it cannot fill the backlog. If that flow matters more than fairness, disable it for this CPU in net.core.flow_limit_cpu_bitmap; otherwise spread the flow's work (RPS/RFS).",
	})
	return f, true
}

func (a *analysis) softnetSkew(ds []SoftnetDelta, total uint64) (Finding, bool) {
	if len(ds) < 2 || total == 0 {
		return Finding{}, false
	}
	busy := ds[0]
	for _, d := range ds[1:] {
		if d.Processed.Inc > busy.Processed.Inc {
			busy = d
		}
	}
	share := float64(busy.Processed.Inc) / float64(total)
	if share < skewShare {
		return Finding{}, false
	}
	secs := busy.Processed.Seconds
	if secs <= 0 {
		return Finding{}, false // no rate: cannot tell busy from idle
	}
	hostRate := float64(total) / secs
	gate := float64(skewMinPPS)
	if busy.Processed.SinceBoot {
		gate = skewMinBootPS
	}
	if hostRate < gate {
		return Finding{}, false
	}
	if ext, known := a.externalRxRate(); known && ext < gate {
		// The packets are local (loopback, veth, tunnels): they are
		// processed on the CPU that sent them, and neither RSS nor RPS of
		// a NIC would move them.
		return Finding{}, false
	}
	busyRate := float64(busy.Processed.Inc) / secs
	sev := Info
	if busyRate >= skewWarnPPS && !busy.Processed.SinceBoot {
		sev = Warning
	}
	others := a.host.online
	if others.IsEmpty() {
		for _, d := range ds {
			others = others.With(d.CPU)
		}
	}
	others = others.Minus(cpumask.Of(busy.CPU))
	f := Finding{
		ID:       "softnet.cpu_skew",
		Severity: sev,
		Subject:  cpuName(busy.CPU),
		Summary: fmt.Sprintf("CPU %d processed %s of the host's received packets %s (%s of %s, %s/s on that CPU) while %s took the rest",
			busy.CPU, pct(share), windowPhrase(busy.Processed), Commas(busy.Processed.Inc), Commas(total), fmtRate(busyRate), plural(len(ds)-1, "the other CPU", "the other %d CPUs")),
		Evidence: []Evidence{
			evDelta(fmt.Sprintf("processed on CPU %d", busy.CPU), busy.Processed, "packets", softnetSource),
			evValue("processed on all CPUs", float64(total), "packets", softnetSource),
			evValue("share of CPU "+strconv.Itoa(busy.CPU), share*100, "%", softnetSource),
		},
		Recommendations: []Recommendation{{
			Summary: fmt.Sprintf("One CPU does the receive work for the whole host; it will saturate long before the others (about 1M packets/s per core for simple forwarding, far less with iptables or TLS). Spread it: give the NIC more RSS queues with their IRQs on different CPUs (irq.*, rss.* findings), or enable RPS toward CPUs %s.", others.List()),
		}},
	}
	return f, true
}

func cpuName(cpu int) string { return "cpu" + strconv.Itoa(cpu) }

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	s := xs[0]
	for _, x := range xs[1 : len(xs)-1] {
		s += ", " + x
	}
	return s + " and " + xs[len(xs)-1]
}

// externalRxRate is the packets per second received by network devices
// that bring traffic from outside (physical NICs, bonds, VLANs), from
// sys/class/net statistics. known is false when the window says nothing
// about the host's devices (a fixture with only softnet_stat).
func (a *analysis) externalRxRate() (float64, bool) {
	total, known := 0.0, false
	secs := 0.0
	for _, iface := range a.interfaces() {
		kind := ""
		if n := a.cfg.NICs[iface]; n != nil {
			kind = n.Kind
		}
		if kind != "physical" && kind != "bond" && kind != "vlan" {
			continue
		}
		if m := a.cfg.NICs[iface]; m != nil && m.Master != "" {
			if b := a.cfg.NICs[m.Master]; b != nil && b.Kind == "bond" {
				continue // a bond slave's packets are counted again on the bond
			}
		}
		d, ok := a.w.LinkStatDelta(iface, "rx_packets")
		if !ok {
			continue
		}
		known = true
		total += float64(d.Inc)
		secs = max(secs, d.Seconds)
	}
	if !known {
		// No external device has counters here. If the interface list was
		// read, the host has none: all its packets are local.
		return 0, len(a.cfg.NICs) > 0
	}
	if secs <= 0 {
		return 0, false
	}
	return total / secs, true
}

// plural picks the singular text for n == 1, else formats many with n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf(many, n)
}
