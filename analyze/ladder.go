package analyze

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

// nicQueue is one queue of a NIC with all the vectors that serve it (a
// TxRx vector, or separate rx and tx vectors of the same number).
type nicQueue struct {
	queue   int
	vectors []collect.QueueIRQ
}

// rxCapable reports whether a vector kind carries received packets.
func rxCapable(kind string) bool {
	switch kind {
	case "tx", "output":
		return false
	}
	return true
}

// nicQueues groups a NIC's vectors by queue number, ascending.
func nicQueues(vs []collect.QueueIRQ) []nicQueue {
	byQ := map[int]int{}
	var out []nicQueue
	for _, v := range vs {
		i, ok := byQ[v.Queue]
		if !ok {
			i = len(out)
			byQ[v.Queue] = i
			out = append(out, nicQueue{queue: v.Queue})
		}
		out[i].vectors = append(out[i].vectors, v)
	}
	slices.SortFunc(out, func(a, b nicQueue) int { return a.queue - b.queue })
	return out
}

// step is one line of an IRQ ladder: a vector and the CPU it should use.
type ladderStep struct {
	irq    int
	vector string // its name in proc/interrupts
	queue  int
	kind   string
	cpu    int
}

// irqPlan is the host-wide ladder: every NIC's queues spread over its
// NUMA-local CPUs, one queue per physical core before any second thread,
// and NICs sharing CPUs continue where the previous one stopped so their
// queue 0s do not all land on the same CPU.
type irqPlan struct {
	steps map[string][]ladderStep
	from  map[string]string // where each NIC's CPU set came from
	cpus  map[string]cpumask.Set
}

func (a *analysis) irqPlan() *irqPlan {
	if a.plan != nil {
		return a.plan
	}
	p := &irqPlan{steps: map[string][]ladderStep{}, from: map[string]string{}, cpus: map[string]cpumask.Set{}}
	next := map[string]int{} // CPU set (as text) → next index into it
	irqs := a.nicIRQs()
	for _, iface := range sortedKeys(irqs) {
		qs := nicQueues(irqs[iface])
		cpus, from := a.nicCPUs(iface)
		order := a.host.coresFirst(cpus)
		if len(qs) < 2 || len(order) < 2 {
			continue
		}
		key := cpus.List()
		start := next[key]
		for i, q := range qs {
			cpu := order[(start+i)%len(order)]
			for _, v := range q.vectors {
				p.steps[iface] = append(p.steps[iface], ladderStep{irq: v.IRQ, vector: a.vectorName(v), queue: q.queue, kind: v.Kind, cpu: cpu})
			}
		}
		next[key] = (start + len(qs)) % len(order)
		p.from[iface], p.cpus[iface] = from, cpus
	}
	a.plan = p
	return p
}

// nicIRQs maps interfaces to their queue vectors in the newest snapshot.
func (a *analysis) nicIRQs() map[string][]collect.QueueIRQ {
	if a.irqs == nil {
		a.irqs = map[string][]collect.QueueIRQ{}
		if a.last != nil && a.last.Interrupts != nil {
			a.irqs = collect.NICIRQs(a.last)
		}
	}
	return a.irqs
}

// ladderRec turns a NIC's ladder into a recommendation.
func (a *analysis) ladderRec(iface string) (Recommendation, bool) {
	p := a.irqPlan()
	steps := p.steps[iface]
	if len(steps) == 0 {
		return Recommendation{}, false
	}
	var changes []Change
	used := cpumask.Set{}
	for _, s := range steps {
		changes = append(changes, Change{Kind: ChangeIRQAffinity, IRQ: s.irq, Vector: s.vector, Value: strconv.Itoa(s.cpu)})
		used = used.With(s.cpu)
	}
	nq := len(nicQueues(a.nicIRQs()[iface]))
	summary := fmt.Sprintf("Give each of %s's %d queues its own CPU (%s), chosen from %s: one physical core per queue before any hyperthread sibling, continuing after the CPUs given to other NICs.",
		iface, nq, cpusPhrase(used), p.from[iface])
	if nq > p.cpus[iface].Count() {
		summary += fmt.Sprintf(" There are more queues (%d) than local CPUs (%d): some CPUs take two.", nq, p.cpus[iface].Count())
	}
	return changesRec(summary,
		"the CPUs that take a queue's interrupts also run its softirq work: keep latency-critical application threads off them, or expect them to share",
		"IRQ affinity is lost at reboot and IRQ numbers may change: reapply by queue name from a systemd oneshot unit after the NIC is up (`netvet plan` writes one). "+a.irqbalanceNote(),
		changes...), true
}

// irqbalanceNote says whether irqbalance would undo a manual ladder.
func (a *analysis) irqbalanceNote() string {
	ib := a.cfg.IRQBalance
	switch {
	case ib == nil:
		return "If irqbalance runs it rewrites affinities every 10 s: stop it, or exclude these IRQs (IRQBALANCE_ARGS=\"--banirq=N …\" in /etc/default/irqbalance or /etc/sysconfig/irqbalance)."
	case ib.Running:
		return fmt.Sprintf("irqbalance is running (pid %d) and rewrites affinities every 10 s: stop and disable it (`systemctl disable --now irqbalance`), or exclude these IRQs with --banirq.", ib.PID)
	default:
		return "irqbalance is not running, so nothing will move them back."
	}
}

// vectorCPU is the CPU a vector's interrupts go to: its effective affinity
// when that is one CPU, else its configured affinity when that is one CPU,
// else the CPU that took ≥ 90% of its interrupts in the window. -1 when
// none of those says.
func (a *analysis) vectorCPU(irq int) int {
	if aff, ok := a.cfg.IRQs[irq]; ok {
		if aff.HasEffective && aff.Effective.Count() == 1 {
			return aff.Effective.First()
		}
		if aff.Affinity.Count() == 1 {
			return aff.Affinity.First()
		}
	}
	d, ok := a.lineDelta(irq)
	if !ok || d.Total.Inc == 0 {
		return -1
	}
	for i, c := range d.CPUs {
		if float64(d.Inc[i]) >= 0.9*float64(d.Total.Inc) {
			return c
		}
	}
	return -1
}

// vectorName is a queue vector's name in proc/interrupts ("eth0-TxRx-3").
func (a *analysis) vectorName(v collect.QueueIRQ) string {
	if a.last != nil && a.last.Interrupts != nil && v.Line >= 0 && v.Line < len(a.last.Interrupts.Lines) {
		return a.last.Interrupts.Lines[v.Line].Device
	}
	return ""
}

// vectorList names vectors compactly for summaries: "eth0-TxRx-0..7".
func vectorList(a *analysis, vs []collect.QueueIRQ) string {
	var names []string
	for _, v := range vs {
		if n := a.vectorName(v); n != "" {
			names = append(names, n)
		}
	}
	if len(names) > 4 {
		return names[0] + " … " + names[len(names)-1]
	}
	return strings.Join(names, ", ")
}
