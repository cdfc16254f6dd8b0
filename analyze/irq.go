package analyze

import (
	"fmt"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

const (
	// irq.concentrated: the busiest CPU takes ≥ 60% of a NIC's queue
	// interrupts. With n queues spread evenly each CPU would take 1/n; 60%
	// is well past what hashing noise does with 2+ queues.
	concentratedShare = 0.60
	// Traffic gate: 1,000 queue interrupts/s in the window (NAPI batches
	// many packets per interrupt, so this is real traffic); since boot,
	// 1M interrupts in total (a NIC that never carried traffic does not
	// matter, whatever its affinity).
	irqMinRate  = 1000
	irqMinTotal = 1_000_000
)

func irqRules(a *analysis) []Finding {
	var out []Finding
	irqs := a.nicIRQs()
	for _, iface := range sortedKeys(irqs) {
		vs := irqs[iface]
		conc, concentrated := a.irqConcentrated(iface, vs)
		if concentrated {
			out = append(out, conc)
		} else if f, ok := a.irqQueuesShareCPU(iface, vs); ok {
			out = append(out, f)
		}
		out = append(out, a.irqNUMARemote(iface, vs)...)
	}
	return out
}

// irqSpread is a NIC's queue interrupts per CPU over the window.
type irqSpread struct {
	perCPU map[int]uint64
	total  Delta // summed over the vectors
}

func (a *analysis) nicIRQSpread(vs []collect.QueueIRQ) (irqSpread, bool) {
	sp := irqSpread{perCPU: map[int]uint64{}}
	found := false
	for _, v := range vs {
		d, ok := a.lineDelta(v.IRQ)
		if !ok {
			continue
		}
		for i, c := range d.CPUs {
			sp.perCPU[c] += d.Inc[i]
		}
		if !found {
			sp.total = d.Total
			found = true
		} else {
			sp.total.Inc += d.Total.Inc
			sp.total.Seconds = max(sp.total.Seconds, d.Total.Seconds)
		}
	}
	return sp, found
}

// significant applies the traffic gate to a NIC's interrupt total.
func significant(d Delta) bool {
	if r, ok := d.Rate(); ok && !d.SinceBoot {
		return r >= irqMinRate
	}
	return d.Inc >= irqMinTotal
}

func (a *analysis) irqConcentrated(iface string, vs []collect.QueueIRQ) (Finding, bool) {
	qs := nicQueues(vs)
	if len(qs) < 2 {
		return Finding{}, false // one vector can only move, not spread: rps.recommended covers it
	}
	sp, ok := a.nicIRQSpread(vs)
	if !ok || sp.total.Inc == 0 || !significant(sp.total) {
		return Finding{}, false
	}
	busy, busyN := -1, uint64(0)
	for c, n := range sp.perCPU {
		if n > busyN || n == busyN && c < busy {
			busy, busyN = c, n
		}
	}
	share := float64(busyN) / float64(sp.total.Inc)
	local, from := a.nicCPUs(iface)
	if share < concentratedShare || local.Count() < 2 {
		return Finding{}, false
	}
	if a.queuesOnCPU(vs, busy, sp.total.Inc) < 2 {
		// One hot queue makes one busy CPU whatever the affinity: that is
		// RSS skew (rss.queue_skew), and a ladder would not spread it.
		return Finding{}, false
	}
	f := Finding{
		ID:       "irq.concentrated",
		Severity: Warning,
		Subject:  iface,
		Summary: fmt.Sprintf("CPU %d took %s of %s's queue interrupts %s (%d queues, %s interrupts) while %d CPUs could serve them (%s)",
			busy, pct(share), iface, windowPhrase(sp.total), len(qs), Commas(sp.total.Inc), local.Count(), from),
		Evidence: []Evidence{
			evDelta(iface+" queue interrupts", sp.total, "interrupts", "proc/interrupts"),
			evValue(fmt.Sprintf("share on CPU %d", busy), share*100, "%", "proc/interrupts"),
			evValue("queues (vectors "+vectorList(a, vs)+")", float64(len(qs)), "", "proc/interrupts"),
			evText("CPUs that could serve them", local.List(), ""),
		},
	}
	f.Evidence = append(f.Evidence, a.affinityEvidence(vs)...)
	if r, ok := a.ladderRec(iface); ok {
		f.Recommendations = append(f.Recommendations, r)
	}
	return f, true
}

// queuesOnCPU counts the queues whose interrupts went mostly to cpu, among
// queues that carry at least 0.1% of the NIC's interrupts (a queue with a
// few hundred interrupts in billions says nothing about where traffic goes).
func (a *analysis) queuesOnCPU(vs []collect.QueueIRQ, cpu int, total uint64) int {
	n := 0
	for _, q := range nicQueues(vs) {
		var onCPU, all uint64
		for _, v := range q.vectors {
			d, ok := a.lineDelta(v.IRQ)
			if !ok {
				continue
			}
			all += d.Total.Inc
			for i, c := range d.CPUs {
				if c == cpu {
					onCPU += d.Inc[i]
				}
			}
		}
		if float64(all) >= 0.001*float64(total) && 2*onCPU > all {
			n++
		}
	}
	return n
}

// queueSignificant reports whether a queue carried at least 0.1% of its
// NIC's interrupts.
func (a *analysis) queueSignificant(q nicQueue, total uint64) bool {
	var all uint64
	for _, v := range q.vectors {
		if d, ok := a.lineDelta(v.IRQ); ok {
			all += d.Total.Inc
		}
	}
	return float64(all) >= 0.001*float64(total)
}

// cpusPhrase is "CPU 5" or "CPUs 1,5-7".
func cpusPhrase(s cpumask.Set) string {
	if s.Count() == 1 {
		return "CPU " + s.List()
	}
	return "CPUs " + s.List()
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// affinityEvidence lists the configured affinity of a NIC's vectors when
// known, compactly: "irq 88-91: 0".
func (a *analysis) affinityEvidence(vs []collect.QueueIRQ) []Evidence {
	byMask := map[string][]int{}
	var order []string
	for _, v := range vs {
		aff, ok := a.cfg.IRQs[v.IRQ]
		if !ok {
			continue
		}
		m := aff.Affinity.List()
		if _, seen := byMask[m]; !seen {
			order = append(order, m)
		}
		byMask[m] = append(byMask[m], v.IRQ)
	}
	var ev []Evidence
	for _, m := range order {
		ev = append(ev, evText("smp_affinity_list of IRQs "+cpumask.Of(byMask[m]...).List(), m, "proc/irq/N/smp_affinity_list"))
	}
	return ev
}

func (a *analysis) irqQueuesShareCPU(iface string, vs []collect.QueueIRQ) (Finding, bool) {
	qs := nicQueues(vs)
	if len(qs) < 2 {
		return Finding{}, false
	}
	sp, ok := a.nicIRQSpread(vs)
	if !ok || !significant(sp.total) {
		return Finding{}, false
	}
	local, from := a.nicCPUs(iface)
	byCPU := map[int][]int{}
	serving := cpumask.Set{}
	for _, q := range qs {
		if !a.queueSignificant(q, sp.total.Inc) {
			continue // too few interrupts to say where its traffic goes
		}
		cpu := -1
		for _, v := range q.vectors {
			if rxCapable(v.Kind) {
				cpu = a.vectorCPU(v.IRQ)
				break
			}
		}
		if cpu < 0 {
			continue
		}
		byCPU[cpu] = append(byCPU[cpu], q.queue)
		serving = serving.With(cpu)
	}
	idle := local.Minus(serving)
	var shared []string
	var ev []Evidence
	for _, cpu := range sortedInts(byCPU) {
		if len(byCPU[cpu]) < 2 {
			continue
		}
		shared = append(shared, fmt.Sprintf("queues %s on CPU %d", cpumask.Of(byCPU[cpu]...).List(), cpu))
		ev = append(ev, evText(fmt.Sprintf("queues on CPU %d", cpu), cpumask.Of(byCPU[cpu]...).List(), "proc/interrupts, proc/irq/N"))
	}
	if len(shared) == 0 || idle.IsEmpty() {
		return Finding{}, false
	}
	if len(shared) > 3 {
		crowded, nq := cpumask.Set{}, 0
		for cpu, q := range byCPU {
			if len(q) >= 2 {
				crowded = crowded.With(cpu)
				nq += len(q)
			}
		}
		shared = []string{fmt.Sprintf("%d queues doubled up on %s", nq, cpusPhrase(crowded))}
	}
	f := Finding{
		ID:       "irq.queues_share_cpu",
		Severity: Warning,
		Subject:  iface,
		Summary: fmt.Sprintf("%s has %s while %s, local to it, %s no queue of it (%s)",
			iface, joinAnd(shared), cpusPhrase(idle), pick(idle.Count() == 1, "serves", "serve"), from),
		Evidence: append(ev, evText("local CPUs serving no queue", idle.List(), ""),
			evDelta(iface+" queue interrupts", sp.total, "interrupts", "proc/interrupts")),
	}
	if r, ok := a.ladderRec(iface); ok {
		f.Recommendations = append(f.Recommendations, r)
	}
	return f, true
}

func (a *analysis) irqNUMARemote(iface string, vs []collect.QueueIRQ) []Finding {
	n := a.cfg.NICs[iface]
	if n == nil || n.NUMANode < 0 || len(a.host.nodes) < 2 {
		return nil
	}
	local, from := a.nicCPUs(iface)
	var remote []int
	var ev []Evidence
	for _, v := range vs {
		aff, ok := a.cfg.IRQs[v.IRQ]
		if !ok || aff.Affinity.IsEmpty() {
			continue
		}
		cpus := aff.Affinity
		if aff.HasEffective && !aff.Effective.IsEmpty() {
			cpus = aff.Effective
		}
		if cpus.Intersect(local).IsEmpty() {
			remote = append(remote, v.IRQ)
			ev = append(ev, evText(fmt.Sprintf("IRQ %d (queue %d) runs on", v.IRQ, v.Queue), cpus.List(), fmt.Sprintf("proc/irq/%d/effective_affinity_list", v.IRQ)))
		}
	}
	if len(remote) == 0 {
		return nil
	}
	f := Finding{
		ID:       "irq.numa_remote",
		Severity: Warning,
		Subject:  iface,
		Summary: fmt.Sprintf("%d of %s's queue IRQs run on CPUs of another NUMA node than the NIC (node %d): every packet crosses the interconnect",
			len(remote), iface, n.NUMANode),
		Evidence: append(ev, evText("CPUs local to "+iface, local.List(), from)),
	}
	if r, ok := a.ladderRec(iface); ok {
		f.Recommendations = append(f.Recommendations, r)
	}
	return []Finding{f}
}
