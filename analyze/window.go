package analyze

import (
	"sync"
	"time"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/counter"
)

// Window is the analyzer's view of consecutive Snapshots of one host: the
// rules read counters through its delta helpers, which sum the increase over
// each interval between consecutive snapshots (internal/counter), so a
// counter reset or a 32-bit wrap in the middle of the window is counted
// right, and a reboot between two snapshots restarts every counter.
//
// With one snapshot (Single) there are no intervals: the helpers return the
// totals since boot, marked SinceBoot, over the uptime when it is known.
//
// Missing is not zero: every helper returns ok=false when the counter is
// absent from the window, and a counter present in only part of it (a CPU
// that went offline, an interface created halfway) is summed over the
// intervals where it was present at both ends, which its Delta reports.
//
// The helpers build their indexes on first use; a Window is safe for
// concurrent use by several rules. Snaps must not change after the first call.
type Window struct {
	Snaps []*collect.Snapshot // oldest first; no nil entries

	interval time.Duration // the recording's sampling interval; 0 when unknown

	stepsOnce sync.Once
	steps     []step // steps[i] is the interval from Snaps[i-1] to Snaps[i]; steps[0] unused

	softnetOnce sync.Once
	softnet     softnetIndex

	irqOnce sync.Once
	irq     irqIndex

	cpuIRQOnce sync.Once
	cpuIRQ     []CPUInterrupts

	softirqOnce sync.Once
	softirqCols [][]int32

	ethMu  sync.Mutex
	ethIdx map[string][]map[string]int32
}

// step is what the window knows about one interval.
type step struct {
	secs   float64 // 0 when unknown
	reboot bool    // the host rebooted in it: every counter restarted
}

// NewWindow returns the Window over snaps (oldest first; nil entries are
// dropped). interval is the recording's sampling interval, used for the
// length of an interval whose snapshots carry neither a time nor an uptime;
// pass 0 when unknown.
func NewWindow(snaps []*collect.Snapshot, interval time.Duration) *Window {
	w := &Window{interval: interval}
	for _, s := range snaps {
		if s != nil {
			w.Snaps = append(w.Snaps, s)
		}
	}
	return w
}

// Len is the number of snapshots.
func (w *Window) Len() int { return len(w.Snaps) }

// First is the oldest snapshot, nil for an empty window.
func (w *Window) First() *collect.Snapshot {
	if len(w.Snaps) == 0 {
		return nil
	}
	return w.Snaps[0]
}

// Last is the newest snapshot, nil for an empty window.
func (w *Window) Last() *collect.Snapshot {
	if len(w.Snaps) == 0 {
		return nil
	}
	return w.Snaps[len(w.Snaps)-1]
}

// Single reports whether the window holds exactly one snapshot: its counters
// are totals since boot and no rate can be measured over the window.
func (w *Window) Single() bool { return len(w.Snaps) == 1 }

// Intervals is the number of intervals between consecutive snapshots.
func (w *Window) Intervals() int { return max(len(w.Snaps)-1, 0) }

// Seconds is the length of the window: the sum of its intervals, each taken
// from the snapshots' times, else from their uptimes (same boot), else from
// the recording's interval. ok is false when some interval's length is
// unknown, and for a window of fewer than two snapshots (see SinceBoot).
func (w *Window) Seconds() (float64, bool) {
	w.initSteps()
	if len(w.Snaps) < 2 {
		return 0, false
	}
	total := 0.0
	for _, st := range w.steps[1:] {
		if st.secs <= 0 {
			return 0, false
		}
		total += st.secs
	}
	return total, true
}

// SinceBoot is the newest snapshot's uptime in seconds (proc/uptime): the
// span over which totals since boot were counted. ok is false when unknown.
func (w *Window) SinceBoot() (float64, bool) {
	if s := w.Last(); s != nil && s.Host.Uptime > 0 {
		return s.Host.Uptime, true
	}
	return 0, false
}

// Rebooted reports whether the host rebooted inside the window.
func (w *Window) Rebooted() bool {
	w.initSteps()
	for _, st := range w.steps {
		if st.reboot {
			return true
		}
	}
	return false
}

func (w *Window) initSteps() {
	w.stepsOnce.Do(func() {
		if len(w.Snaps) == 0 {
			return
		}
		w.steps = make([]step, len(w.Snaps))
		for i := 1; i < len(w.Snaps); i++ {
			w.steps[i] = w.measure(w.Snaps[i-1], w.Snaps[i])
		}
	})
}

// measure works out one interval. The snapshots' times come first (they have
// sub-second resolution); proc/uptime is the fallback when a source has no
// times (a hand-made recording), valid only within one boot; the recording's
// interval is the last resort.
func (w *Window) measure(a, b *collect.Snapshot) step {
	st := step{reboot: counter.Rebooted(a.Host.BootID, b.Host.BootID, a.Host.Uptime, b.Host.Uptime)}
	switch {
	case !a.Time.IsZero() && !b.Time.IsZero() && b.Time.After(a.Time):
		st.secs = b.Time.Sub(a.Time).Seconds()
	case !st.reboot && a.Host.Uptime > 0 && b.Host.Uptime > a.Host.Uptime:
		st.secs = b.Host.Uptime - a.Host.Uptime
	case w.interval > 0:
		st.secs = w.interval.Seconds()
	}
	return st
}

// Delta is how much a counter rose over a Window.
type Delta struct {
	// Inc is the sum of the increases over the intervals where the counter
	// was present at both ends (saturating at 2^64−1). With one snapshot
	// (SinceBoot) it is the counter's value: the total since boot.
	Inc uint64
	// Seconds is the length of the intervals Inc covers, or the uptime for
	// SinceBoot; 0 when unknown.
	Seconds float64
	// Intervals is how many intervals Inc covers, of WindowIntervals.
	Intervals, WindowIntervals int
	// Rises is how many covered intervals the counter rose in; LongestRun
	// the most consecutive ones, RunAtEnd the consecutive ones ending with
	// the window's last interval ("still rising").
	Rises, LongestRun, RunAtEnd int
	// Resets and Wraps count the intervals where the counter went down and
	// was taken as restarted (incl. reboots) or as a 32-bit wrap.
	Resets, Wraps int
	// SinceBoot marks a total since boot from a single snapshot: never a
	// rate "now".
	SinceBoot bool
}

// Rate is the increase per second, ok=false when Seconds is unknown.
func (d Delta) Rate() (float64, bool) {
	if d.Seconds <= 0 {
		return 0, false
	}
	return float64(d.Inc) / d.Seconds, true
}

// Per is d's increase per unit of den's (drops per processed packet),
// ok=false when den did not rise.
func (d Delta) Per(den Delta) (float64, bool) {
	if den.Inc == 0 {
		return 0, false
	}
	return float64(d.Inc) / float64(den.Inc), true
}

// Coverage is the share of the window's intervals the counter was present
// for (1 for a total since boot).
func (d Delta) Coverage() float64 {
	if d.SinceBoot {
		return 1
	}
	if d.WindowIntervals == 0 {
		return 0
	}
	return float64(d.Intervals) / float64(d.WindowIntervals)
}

// Persists reports whether the counter rose in at least k consecutive
// intervals (never for a total since boot).
func (d Delta) Persists(k int) bool { return !d.SinceBoot && k > 0 && d.LongestRun >= k }

// Known reports whether d holds anything: at least one interval, or a total
// since boot. A helper's ok is Known; a field of a composite delta (a softnet
// column old kernels do not print) is the zero Delta when not Known.
func (d Delta) Known() bool { return d.Intervals > 0 || d.SinceBoot }

// accum builds a Delta interval by interval. Intervals are numbered 1..n
// (interval i ends at Snaps[i]); record must be called in increasing i.
type accum struct {
	d      Delta
	run    int
	last   int  // the last interval recorded; 0 when none
	noSecs bool // a covered interval's length is unknown
}

// add records the counter's readings at both ends of interval i.
func (a *accum) add(i int, st step, prev, cur uint64, w counter.Width) {
	inc, ch := counter.Increase(prev, cur, w, st.reboot)
	a.record(i, st, inc, ch == counter.Reset, ch == counter.Wrapped)
}

// record adds an increase already worked out (a sum over CPUs).
func (a *accum) record(i int, st step, inc uint64, reset, wrap bool) {
	if a.last != i-1 {
		a.run = 0 // absent in the interval(s) before: not consecutive
	}
	a.last = i
	a.d.Inc = counter.Add(a.d.Inc, inc)
	a.d.Intervals++
	if st.secs > 0 {
		a.d.Seconds += st.secs
	} else {
		a.noSecs = true
	}
	if reset {
		a.d.Resets++
	}
	if wrap {
		a.d.Wraps++
	}
	if inc > 0 {
		a.d.Rises++
		a.run++
		a.d.LongestRun = max(a.d.LongestRun, a.run)
	} else {
		a.run = 0
	}
}

// result closes a window of n intervals. A counter never present at both
// ends of an interval is the zero Delta: absent.
func (a *accum) result(n int) (Delta, bool) {
	if a.d.Intervals == 0 {
		return Delta{}, false
	}
	d := a.d
	d.WindowIntervals = n
	if a.last == n {
		d.RunAtEnd = a.run
	}
	if a.noSecs {
		d.Seconds = 0
	}
	return d, true
}

// total is the Delta of a single snapshot's value: the total since boot.
func (w *Window) total(v uint64) Delta {
	up, _ := w.SinceBoot()
	return Delta{Inc: v, Seconds: up, SinceBoot: true}
}

// series is the Delta of a counter that get reads from each snapshot (i is
// its index in Snaps).
func (w *Window) series(width counter.Width, get func(i int, s *collect.Snapshot) (uint64, bool)) (Delta, bool) {
	switch len(w.Snaps) {
	case 0:
		return Delta{}, false
	case 1:
		v, ok := get(0, w.Snaps[0])
		if !ok {
			return Delta{}, false
		}
		return w.total(v), true
	}
	w.initSteps()
	var a accum
	pv, pok := get(0, w.Snaps[0])
	for i := 1; i < len(w.Snaps); i++ {
		cv, cok := get(i, w.Snaps[i])
		if pok && cok {
			a.add(i, w.steps[i], pv, cv, width)
		}
		pv, pok = cv, cok
	}
	return a.result(len(w.Snaps) - 1)
}
