package analyze

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

// analysis is what every rule reads: the window, the options, and host
// facts derived once (online CPUs, NUMA nodes, cores).
type analysis struct {
	w    *Window
	opts Options
	last *collect.Snapshot
	cfg  *collect.Config // never nil (empty when nothing was read)
	host hostFacts

	irqs  map[string][]collect.QueueIRQ // NIC queue vectors, built on first use
	plan  *irqPlan                      // the host-wide IRQ ladder, built on first use
	lines map[int]lineDelta             // IRQLineDelta per IRQ number, memoized
}

// lineDelta is a memoized Window.IRQLineDelta.
type lineDelta struct {
	d  IRQLineDelta
	ok bool
}

// lineDelta returns IRQ irq's spread over the window. The irq, rss and
// steering rules each read every NIC queue's vector, several times (spread,
// significance, the CPU it lands on); each read walks 60 snapshots × 256
// CPUs on a big host, so the answer is kept. Callers must not modify it.
func (a *analysis) lineDelta(irq int) (IRQLineDelta, bool) {
	if l, ok := a.lines[irq]; ok {
		return l.d, l.ok
	}
	if a.lines == nil {
		a.lines = map[int]lineDelta{}
	}
	d, ok := a.w.IRQLineDelta(strconv.Itoa(irq))
	a.lines[irq] = lineDelta{d, ok}
	return d, ok
}

func newAnalysis(w *Window, opts Options) *analysis {
	a := &analysis{w: w, opts: opts, last: w.Last(), cfg: &collect.Config{}}
	if a.last != nil && a.last.Config != nil {
		a.cfg = a.last.Config
	}
	a.host = deriveHost(a.last, a.cfg)
	return a
}

// hostFacts is the CPU layout the recommendations are computed for.
type hostFacts struct {
	online    cpumask.Set
	nodes     map[int]cpumask.Set // empty when the NUMA layout is unknown
	siblings  map[int]cpumask.Set
	knownTopo bool // online came from sys/devices/system/cpu/online
}

func deriveHost(s *collect.Snapshot, cfg *collect.Config) hostFacts {
	h := hostFacts{nodes: map[int]cpumask.Set{}, siblings: map[int]cpumask.Set{}}
	if t := cfg.Topology; t != nil {
		h.online = t.Online
		h.knownTopo = !t.Online.IsEmpty()
		for n, set := range t.Nodes {
			h.nodes[n] = set
		}
		for c, set := range t.Siblings {
			h.siblings[c] = set
		}
	}
	if h.online.IsEmpty() && s != nil {
		// Fall back to the CPUs the kernel's per-CPU files list.
		switch {
		case len(s.Softnet) > 0:
			for _, r := range s.Softnet {
				h.online = h.online.With(r.CPU)
			}
		case s.Interrupts != nil && len(s.Interrupts.CPUs) > 0:
			h.online = cpumask.Of(s.Interrupts.CPUs...)
		case s.Host.CPUs > 0:
			h.online = cpumask.Range(0, s.Host.CPUs-1)
		}
	}
	return h
}

// ncpu is the number of online CPUs (0 when unknown).
func (h hostFacts) ncpu() int { return h.online.Count() }

// nicCPUs returns the CPUs local to a NIC (its local_cpulist, else its
// node's CPUs), limited to online ones, and a phrase saying where that came
// from. Without NUMA facts it is every online CPU.
func (a *analysis) nicCPUs(iface string) (cpumask.Set, string) {
	if n := a.cfg.NICs[iface]; n != nil {
		if n.HasLocal && !n.LocalCPUs.IsEmpty() {
			local := n.LocalCPUs
			if !a.host.online.IsEmpty() {
				local = local.Intersect(a.host.online)
			}
			if !local.IsEmpty() {
				return local, fmt.Sprintf("%s's local_cpulist %s", iface, n.LocalCPUs.List())
			}
		}
		if set, ok := a.host.nodes[n.NUMANode]; ok && n.NUMANode >= 0 {
			return set.Intersect(a.host.online), fmt.Sprintf("NUMA node %d (CPUs %s)", n.NUMANode, set.List())
		}
	}
	if len(a.host.nodes) > 1 {
		return a.host.online, "all online CPUs, as the NIC's NUMA node is not known here"
	}
	return a.host.online, "all online CPUs"
}

// coresFirst orders cpus so that one thread of each physical core comes
// before any second thread: queue interrupts on two siblings of one core
// compete for the same execution units.
func (h hostFacts) coresFirst(cpus cpumask.Set) []int {
	var first, rest []int
	seen := map[int]bool{}
	for _, c := range cpus.CPUs() {
		sib := h.siblings[c]
		lead := c
		if !sib.IsEmpty() {
			lead = sib.Intersect(cpus).First()
			if lead < 0 {
				lead = c
			}
		}
		if lead == c && !seen[c] {
			first = append(first, c)
		} else {
			rest = append(rest, c)
		}
		seen[c] = true
	}
	return append(first, rest...)
}

// cores counts the physical cores among cpus (cpus when siblings are unknown).
func (h hostFacts) cores(cpus cpumask.Set) int {
	n := 0
	for _, c := range cpus.CPUs() {
		sib := h.siblings[c]
		if sib.IsEmpty() || sib.Intersect(cpus).First() == c {
			n++
		}
	}
	return n
}

// sysctl returns a sysctl's trimmed text and whether it was read.
func (a *analysis) sysctl(name string) (string, bool) {
	v, ok := a.cfg.Sysctls[name]
	return v, ok
}

// sysctlInt returns the first integer of a sysctl.
func (a *analysis) sysctlInt(name string) (int64, bool) {
	vs, ok := a.sysctlInts(name)
	if !ok || len(vs) == 0 {
		return 0, false
	}
	return vs[0], true
}

// sysctlInts returns the integers of a multi-value sysctl ("4096 131072 6291456").
func (a *analysis) sysctlInts(name string) ([]int64, bool) {
	v, ok := a.cfg.Sysctls[name]
	if !ok {
		return nil, false
	}
	var out []int64
	for _, f := range strings.Fields(v) {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, len(out) > 0
}

// windowPhrase says what a delta covers: "in 60 s" or "since boot (3.2 days)".
func windowPhrase(d Delta) string {
	if d.SinceBoot {
		if d.Seconds > 0 {
			return "since boot (" + humanDuration(d.Seconds) + ")"
		}
		return "since boot"
	}
	if d.Seconds > 0 {
		return "in " + humanDuration(d.Seconds)
	}
	return "in the window"
}

func humanDuration(secs float64) string {
	d := time.Duration(secs * float64(time.Second))
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.1f days", d.Hours()/24)
	case d >= 2*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	case d >= 2*time.Minute:
		return fmt.Sprintf("%.0f min", d.Minutes())
	default:
		return fmt.Sprintf("%.0f s", d.Seconds())
	}
}

// sortedKeys returns a map's keys in natural order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return NaturalCompare(keys[i], keys[j]) < 0 })
	return keys
}
