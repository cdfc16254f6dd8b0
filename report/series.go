package report

import (
	"slices"
	"strconv"
	"time"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/counter"
)

// maxPoints bounds the points of one line: a day's recording at 1 s would
// otherwise put 86,400 points per CPU into the page. Consecutive intervals
// are merged (their increases summed over their summed seconds), so a
// burst shrinks in height but never disappears from the line.
const maxPoints = 240

// step is one interval between consecutive snapshots of a window.
type step struct {
	end    float64 // seconds from the first snapshot to the end of this interval
	secs   float64 // its length; 0 when unknown
	reboot bool    // every counter restarted in it
}

// steps measures the window's intervals the way analyze.Window does: the
// snapshots' times, else their uptimes within one boot, else the
// recording's interval. steps[0] is unused (no interval ends at the first
// snapshot).
func steps(snaps []*collect.Snapshot, every time.Duration) []step {
	out := make([]step, len(snaps))
	at := 0.0
	for i := 1; i < len(snaps); i++ {
		a, b := snaps[i-1], snaps[i]
		st := step{reboot: counter.Rebooted(a.Host.BootID, b.Host.BootID, a.Host.Uptime, b.Host.Uptime)}
		switch {
		case !a.Time.IsZero() && !b.Time.IsZero() && b.Time.After(a.Time):
			st.secs = b.Time.Sub(a.Time).Seconds()
		case !st.reboot && a.Host.Uptime > 0 && b.Host.Uptime > a.Host.Uptime:
			st.secs = b.Host.Uptime - a.Host.Uptime
		case every > 0:
			st.secs = every.Seconds()
		}
		at += st.secs
		st.end = at
		out[i] = st
	}
	return out
}

// point is one interval's increase of a counter.
type point struct {
	end, inc, secs float64
}

// series is one counter over the window, interval by interval.
type series struct {
	name  string
	pts   []point
	total float64 // the sum of the increases
}

// rate returns the series as (seconds since start, per second) pairs.
func (s series) rate() (xs, ys []float64) {
	for _, p := range s.pts {
		if p.secs > 0 {
			xs = append(xs, p.end)
			ys = append(ys, p.inc/p.secs)
		}
	}
	return xs, ys
}

// counterSeries reads a counter from each snapshot (get returns false where
// it is absent) and returns its increase per interval where it was present
// at both ends. A reboot or a counter that went down counts as the
// internal/counter package says.
func counterSeries(name string, st []step, n int, width counter.Width, get func(i int) (uint64, bool)) series {
	s := series{name: name}
	pv, pok := get(0)
	for i := 1; i < n; i++ {
		cv, cok := get(i)
		if pok && cok && st[i].secs > 0 {
			inc, _ := counter.Increase(pv, cv, width, st[i].reboot)
			s.pts = append(s.pts, point{st[i].end, float64(inc), st[i].secs})
			s.total += float64(inc)
		}
		pv, pok = cv, cok
	}
	return s
}

// downsample merges consecutive points so that at most max remain.
func (s series) downsample(max int) series {
	if len(s.pts) <= max {
		return s
	}
	k := (len(s.pts) + max - 1) / max
	out := series{name: s.name, total: s.total, pts: make([]point, 0, max)}
	for i := 0; i < len(s.pts); i += k {
		var p point
		for _, q := range s.pts[i:min(i+k, len(s.pts))] {
			p.inc += q.inc
			p.secs += q.secs
			p.end = q.end
		}
		out.pts = append(out.pts, p)
	}
	return out
}

// topSeries keeps the k series with the largest totals (ties by name order
// as given), and sums the rest into one series named rest, divided by their
// number: the mean of the others, so one line stands for the crowd.
func topSeries(all []series, k int, rest string) []series {
	order := make([]int, len(all))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case all[a].total > all[b].total:
			return -1
		case all[a].total < all[b].total:
			return 1
		}
		return 0
	})
	if len(all) <= k+1 {
		// One series left over is shown as itself, not as a mean of one.
		out := make([]series, 0, len(all))
		for _, i := range order {
			out = append(out, all[i])
		}
		return out
	}
	out := make([]series, 0, k+1)
	for _, i := range order[:k] {
		out = append(out, all[i])
	}
	mean := series{name: rest}
	byEnd := map[float64]int{}
	others := order[k:]
	for _, i := range others {
		for _, p := range all[i].pts {
			j, ok := byEnd[p.end]
			if !ok {
				j = len(mean.pts)
				byEnd[p.end] = j
				mean.pts = append(mean.pts, point{end: p.end, secs: p.secs})
			}
			mean.pts[j].inc += p.inc / float64(len(others))
		}
		mean.total += all[i].total / float64(len(others))
	}
	slices.SortFunc(mean.pts, func(a, b point) int {
		switch {
		case a.end < b.end:
			return -1
		case a.end > b.end:
			return 1
		}
		return 0
	})
	return append(out, mean)
}

// softnetIndex maps CPU numbers to rows of one snapshot's softnet_stat.
func softnetIndex(s *collect.Snapshot) map[int]int {
	m := make(map[int]int, len(s.Softnet))
	for j, r := range s.Softnet {
		if _, dup := m[r.CPU]; !dup {
			m[r.CPU] = j
		}
	}
	return m
}

// softnetSeries returns one series per CPU of a softnet_stat column (col is
// its 1-based column, which the row must have printed).
func softnetSeries(w *analyze.Window, st []step, col int, get func(*collect.SoftnetCPU) uint64) []series {
	idx := make([]map[int]int, w.Len())
	for i, s := range w.Snaps {
		if i > 0 && sameCPUs(w.Snaps[i-1].Softnet, s.Softnet) {
			idx[i] = idx[i-1]
		} else {
			idx[i] = softnetIndex(s)
		}
	}
	var out []series
	for _, cpu := range w.SoftnetCPUs() {
		s := counterSeries(cpuName(cpu), st, w.Len(), counter.Bits32, func(i int) (uint64, bool) {
			j, ok := idx[i][cpu]
			if !ok {
				return 0, false
			}
			r := &w.Snaps[i].Softnet[j]
			if r.Columns < col {
				return 0, false
			}
			return get(r), true
		})
		out = append(out, s)
	}
	return out
}

func sameCPUs(a, b []collect.SoftnetCPU) bool {
	return slices.EqualFunc(a, b, func(x, y collect.SoftnetCPU) bool { return x.CPU == y.CPU })
}

func cpuName(cpu int) string { return "cpu" + strconv.Itoa(cpu) }
