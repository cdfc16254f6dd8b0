package tui

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

// point is one interval of the window, for the charts.
type point struct {
	end                                  time.Time
	pps, drops, squeezes, overflows, syn rate
}

// seenAt is when a finding first showed: the snapshot's time and number.
type seenAt struct {
	t time.Time
	n int
}

// finding is an analyzer finding with how long it has been showing.
type finding struct {
	analyze.Finding
	since seenAt
}

// frame is everything the screens show, built once per new snapshot.
type frame struct {
	snap, first *collect.Snapshot
	n           int // snapshots in the window
	secs        float64
	secsOK      bool
	s           *sample

	findings  []finding // newest first
	sinceBoot bool
	blind     []analyze.Blind

	nics      []nicView
	listeners []listenerView
	remotes   []collect.TCPRemote // most TIME_WAIT first
	bonds     []bondView
	tcpGauges tcpGauges

	// Chart series over the window's intervals (NaN: unknown).
	pps, drops, squeezes, overflows, syn []float64
}

type tcpGauges struct {
	tw, twMax, estab, orphans rate
}

type listenerView struct {
	collect.Listener
	maxQueue uint32 // the most seen waiting in the window
}

type bondView struct {
	*collect.Bond
	incs  []uint64 // per slave: link failures over the window
	incOK []bool   // incs[i] is a rise over the window, not a total since boot
}

// show takes snapshots into the window (several when a pause held some
// back), works out each new interval once, then analyses the window.
func (m *Model) show(snaps []*collect.Snapshot, sampledAt time.Time) {
	for _, s := range snaps {
		var prev *collect.Snapshot
		if len(m.snaps) > 0 {
			prev = m.snaps[len(m.snaps)-1]
		}
		m.last = measure(prev, s, m.opt.Interval)
		m.snaps = append(m.snaps, s)
		if !m.last.sinceBoot {
			m.hist = append(m.hist, point{end: s.Time, pps: m.last.pps, drops: m.last.drops,
				squeezes: m.last.squeezes, overflows: m.last.tcp.overflows, syn: m.last.tcp.reqQFullDrop})
		}
		if over := len(m.snaps) - m.opt.Window; over > 0 {
			m.snaps = slices.Delete(m.snaps, 0, over)
		}
		if over := len(m.hist) - (len(m.snaps) - 1); over > 0 && len(m.hist) > 0 {
			m.hist = slices.Delete(m.hist, 0, min(over, len(m.hist)))
		}
		m.count++
	}
	m.shownAt = sampledAt
	m.refresh()
}

// refresh analyses the window and rebuilds the frame.
func (m *Model) refresh() {
	w := analyze.NewWindow(m.snaps, m.opt.Interval)
	res := analyze.Analyze(w, m.opt.Analyze)
	cur := w.Last()
	f := &frame{snap: cur, first: w.First(), n: w.Len(), s: m.last, sinceBoot: res.SinceBoot, blind: res.Blind}
	f.secs, f.secsOK = w.Seconds()

	// Findings, newest first: a finding's age starts at the first
	// snapshot it showed in, and restarts when it went away and came back.
	keep := map[string]bool{}
	for _, fd := range res.Findings {
		k := fd.ID + "\x00" + fd.Subject
		keep[k] = true
		if _, ok := m.seen[k]; !ok {
			m.seen[k] = seenAt{t: cur.Time, n: m.count}
		}
		f.findings = append(f.findings, finding{Finding: fd, since: m.seen[k]})
	}
	for k := range m.seen {
		if !keep[k] {
			delete(m.seen, k)
		}
	}
	slices.SortStableFunc(f.findings, func(a, b finding) int { return cmp.Compare(b.since.n, a.since.n) })

	f.nics = buildNICs(cur, m.last)
	f.listeners = buildListeners(m.snaps)
	f.remotes = slices.Clone(cur.TCPRemotes)
	slices.SortStableFunc(f.remotes, func(a, b collect.TCPRemote) int {
		if c := cmp.Compare(b.TimeWait, a.TimeWait); c != 0 {
			return c
		}
		return strings.Compare(a.Remote, b.Remote)
	})
	f.bonds = buildBonds(w, cur)
	f.tcpGauges = buildTCPGauges(cur)

	for _, p := range m.hist {
		f.pps = append(f.pps, nan(p.pps))
		f.drops = append(f.drops, nan(p.drops))
		f.squeezes = append(f.squeezes, nan(p.squeezes))
		f.overflows = append(f.overflows, nan(p.overflows))
		f.syn = append(f.syn, nan(p.syn))
	}
	m.fr = f
}

func nan(r rate) float64 {
	if !r.ok {
		return math.NaN()
	}
	return r.v
}

func buildListeners(snaps []*collect.Snapshot) []listenerView {
	cur := snaps[len(snaps)-1]
	most := map[string]uint32{}
	for _, s := range snaps {
		for _, l := range s.Listeners {
			most[l.Local] = max(most[l.Local], l.Queue)
		}
	}
	out := make([]listenerView, len(cur.Listeners))
	for i, l := range cur.Listeners {
		out[i] = listenerView{Listener: l, maxQueue: most[l.Local]}
	}
	slices.SortStableFunc(out, func(a, b listenerView) int {
		if c := cmp.Compare(fill(b.Queue, b.Limit), fill(a.Queue, a.Limit)); c != 0 {
			return c
		}
		return strings.Compare(a.Local, b.Local)
	})
	return out
}

func fill(q, limit uint32) float64 {
	if limit == 0 {
		if q > 0 {
			return math.Inf(1)
		}
		return 0
	}
	return float64(q) / float64(limit)
}

func buildBonds(w *analyze.Window, cur *collect.Snapshot) []bondView {
	names := make([]string, 0, len(cur.Bonds))
	for n := range cur.Bonds {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]bondView, 0, len(names))
	for _, n := range names {
		b := cur.Bonds[n]
		v := bondView{Bond: b}
		for _, sl := range b.Slaves {
			d, ok := w.BondLinkFailuresDelta(n, sl.Name)
			v.incs = append(v.incs, d.Inc)
			v.incOK = append(v.incOK, ok && !d.SinceBoot)
		}
		out = append(out, v)
	}
	return out
}

func buildTCPGauges(s *collect.Snapshot) tcpGauges {
	var g tcpGauges
	if v, ok := s.Sockstat.Get("TCP.tw"); ok {
		g.tw = known(float64(v))
	}
	if v, ok := s.Sockstat.Get("TCP.orphan"); ok {
		g.orphans = known(float64(v))
	}
	if v, ok := s.SNMP.Get("Tcp.CurrEstab"); ok {
		g.estab = known(float64(v))
	}
	if s.Config != nil {
		if t, ok := s.Config.Sysctls["net.ipv4.tcp_max_tw_buckets"]; ok {
			if v, err := parseUint(t); err == nil {
				g.twMax = known(float64(v))
			}
		}
	}
	return g
}
