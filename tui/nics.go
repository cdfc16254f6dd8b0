package tui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

// nicView is an interface as the NICs screen shows it: the interval's rates
// with the configuration that explains them.
type nicView struct {
	nicRates
	kind, driver, oper, master string
	speed, mtu                 int
	rings                      *collect.Rings
	channels                   *collect.Channels
	queues                     []queueView
	// skew is the busiest queue's share over the mean (1 = even), by
	// skewBy; 0 when fewer than two queues carry anything.
	skew   float64
	skewBy string
}

type queueView struct {
	queueRates
	affinity    cpumask.Set // where its vectors may run (effective affinity when the kernel says)
	hasAffinity bool
	rps         cpumask.Set // rx-N/rps_cpus
	hasRPS      bool
	hot, idle   bool // far above the mean / nothing while its siblings work
}

// nicOrder puts what carries traffic first: physical NICs, bonds, then the
// rest, loopback last.
func nicOrder(kind, name string) int {
	switch {
	case name == "lo" || kind == "loopback":
		return 4
	case kind == "physical":
		return 0
	case kind == "bond":
		return 1
	case kind == "":
		return 2
	}
	return 3
}

func buildNICs(s *collect.Snapshot, smp *sample) []nicView {
	out := make([]nicView, 0, len(smp.nics))
	for _, r := range smp.nics {
		v := nicView{nicRates: r, speed: -1, mtu: -1}
		if l := s.Links[r.name]; l != nil {
			v.oper, v.speed = l.Operstate, l.Speed
		}
		var cfg *collect.NIC
		if s.Config != nil {
			cfg = s.Config.NICs[r.name]
		}
		if cfg != nil {
			v.kind, v.driver, v.master, v.mtu = cfg.Kind, cfg.Driver, cfg.Master, cfg.MTU
		}
		if e := s.Ethtool[r.name]; e != nil {
			v.rings, v.channels = e.Rings, e.Channels
			if v.driver == "" {
				v.driver = e.Driver
			}
		}
		v.queues = queueViews(s, r, cfg)
		v.skew, v.skewBy = markSkew(v.queues)
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(a, b nicView) int {
		if c := cmp.Compare(nicOrder(a.kind, a.name), nicOrder(b.kind, b.name)); c != 0 {
			return c
		}
		return analyze.NaturalCompare(a.name, b.name)
	})
	return out
}

// queueViews adds each queue's affinity and RPS mask, and the RX queues
// sysfs lists that neither a vector nor a counter named.
func queueViews(s *collect.Snapshot, r nicRates, cfg *collect.NIC) []queueView {
	byQ := map[int]int{}
	out := make([]queueView, 0, len(r.queues))
	for _, q := range r.queues {
		byQ[q.q] = len(out)
		out = append(out, queueView{queueRates: q})
	}
	if cfg != nil {
		for _, rx := range cfg.Rx {
			i, ok := byQ[rx.Index]
			if !ok {
				byQ[rx.Index] = len(out)
				i = len(out)
				out = append(out, queueView{queueRates: queueRates{q: rx.Index}})
			}
			out[i].rps, out[i].hasRPS = rx.RPSCPUs, rx.HasRPS
		}
	}
	if s.Config != nil {
		for i := range out {
			for _, irq := range out[i].irqs {
				a, ok := s.Config.IRQs[irq]
				if !ok {
					continue
				}
				set := a.Affinity
				if a.HasEffective {
					set = a.Effective
				}
				out[i].affinity = out[i].affinity.Union(set)
				out[i].hasAffinity = true
			}
		}
	}
	slices.SortFunc(out, func(a, b queueView) int { return a.q - b.q })
	return out
}

// markSkew measures how unevenly the queues share the work, by received
// packets per queue where the driver counts them, else by interrupts, and
// marks the queues far from the mean. A queue counts as hot above twice
// the mean; idle when it has nothing while the mean is at least 10/s.
func markSkew(qs []queueView) (float64, string) {
	by := "rx pkts/s"
	val := func(q *queueView) rate { return q.rxPkts }
	n := 0
	for i := range qs {
		if qs[i].rxPkts.ok {
			n++
		}
	}
	if n < 2 {
		by = "irq/s"
		val = func(q *queueView) rate { return q.irqRate }
	}
	var sum, most float64
	n = 0
	for i := range qs {
		if r := val(&qs[i]); r.ok {
			sum += r.v
			most = max(most, r.v)
			n++
		}
	}
	if n < 2 || sum <= 0 {
		return 0, ""
	}
	mean := sum / float64(n)
	for i := range qs {
		r := val(&qs[i])
		if !r.ok {
			continue
		}
		qs[i].hot = r.v > 2*mean
		qs[i].idle = r.v == 0 && mean >= 10
	}
	return most / mean, by
}

func parseUint(s string) (uint64, error) { return strconv.ParseUint(strings.TrimSpace(s), 10, 64) }
