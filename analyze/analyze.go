package analyze

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/netvet/netvet/collect"
)

// DefaultRTT is the round-trip time assumed for buffer sizing when neither
// --rtt nor a measurement gives one: a regional path (same continent, a few
// hundred km). Inside one datacenter RTTs are ~0.1–1 ms and the default
// buffers suffice; across oceans they reach 100–200 ms. The finding says
// which RTT it used, so an operator can redo the arithmetic for theirs.
const DefaultRTT = 10 * time.Millisecond

// Options tune an analysis.
type Options struct {
	// Bandwidth is the path's bandwidth in bit/s for bandwidth-delay
	// sizing; 0 takes the fastest physical link's speed.
	Bandwidth float64
	// RTT is the path's round-trip time for bandwidth-delay sizing; 0 takes
	// DefaultRTT (and says so).
	RTT time.Duration
	// Only keeps the findings with these IDs (nil: all).
	Only []string
}

// Result is what Analyze found.
type Result struct {
	Findings []Finding // most severe first, then by ID and subject
	// Blind lists the collectors that gave nothing and the findings that
	// could therefore not be looked for.
	Blind []Blind
	// SinceBoot is true when the window holds one snapshot: counters are
	// totals since boot and no finding is Critical.
	SinceBoot bool
}

// Blind is a collector that was unavailable or failed, and what that hides.
type Blind struct {
	Collector string   `json:"collector"`
	State     string   `json:"state"`
	Reason    string   `json:"reason,omitempty"`
	Hides     []string `json:"hides"` // finding IDs that need it
}

// Analyze runs every rule over w. It does no IO and reads no clock.
func Analyze(w *Window, opts Options) Result {
	a := newAnalysis(w, opts)
	var res Result
	if w.Len() == 0 {
		return res
	}
	res.SinceBoot = w.Single()
	for _, r := range rules {
		if len(opts.Only) > 0 && !slices.ContainsFunc(r.ids, func(id string) bool { return slices.Contains(opts.Only, id) }) {
			continue
		}
		for _, f := range r.run(a) {
			if len(opts.Only) > 0 && !slices.Contains(opts.Only, f.ID) {
				continue
			}
			if res.SinceBoot && f.Severity == Critical && !currentState[f.ID] {
				// A total since boot is history, not loss happening now.
				f.Severity = Warning
			}
			res.Findings = append(res.Findings, f)
		}
	}
	sortFindings(res.Findings)
	res.Blind = blindSpots(w.Last(), opts.Only)
	return res
}

// currentState names findings that describe the state a snapshot shows
// (a bond with no aggregator passes no traffic, a bond whose every slave is
// down is down), not a counter: one snapshot is enough to call them
// critical, since they are true now.
var currentState = map[string]bool{
	"bond.lacp_no_aggregator": true,
	"bond.slave_down":         true,
}

// ValidateIDs reports the first of ids that no rule emits, so a typo in
// --only is an error instead of a silent empty result.
func ValidateIDs(ids []string) error {
	known := map[string]bool{}
	for _, c := range Catalog() {
		known[c.ID] = true
	}
	for _, id := range ids {
		if !known[id] {
			return fmt.Errorf("unknown finding ID %q (netvet check --list shows them)", id)
		}
	}
	return nil
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
			return c
		}
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return NaturalCompare(a.Subject, b.Subject)
	})
}

// NaturalCompare orders "cpu2" before "cpu10" and "eth2" before "eth10":
// runs of digits compare as numbers. Every output sorts names with it.
func NaturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		if da != "" && db != "" {
			na, _ := strconv.ParseUint(da, 10, 64)
			nb, _ := strconv.ParseUint(db, 10, 64)
			if na != nb {
				return cmp.Compare(na, nb)
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && i < 19 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// notInUse names collectors whose files exist only while a kernel feature
// is in use: their absence means "none here", not "could not look".
var notInUse = map[string]bool{"bonding": true}

// blindSpots lists collectors that did not deliver, with the IDs they hide:
// those with a group of needs (see needs) in which no collector delivered.
func blindSpots(s *collect.Snapshot, only []string) []Blind {
	if s == nil {
		return nil
	}
	down := map[string]bool{}
	for _, st := range s.Status {
		if st.State == collect.StateOK {
			continue
		}
		if notInUse[st.Name] && st.State == collect.StateUnavailable && strings.Contains(st.Err, "no such file") {
			// No proc/net/bonding: the bonding driver is not loaded, so
			// there is no bond to look at and nothing is hidden.
			continue
		}
		down[st.Name] = true
	}
	var out []Blind
	for _, st := range s.Status {
		if !down[st.Name] {
			continue
		}
		var hides []string
		for _, c := range Catalog() {
			if len(only) > 0 && !slices.Contains(only, c.ID) {
				continue
			}
			for _, group := range needs[c.ID] {
				if slices.Contains(group, st.Name) && !slices.ContainsFunc(group, func(n string) bool { return !down[n] }) {
					hides = append(hides, c.ID)
					break
				}
			}
		}
		if len(hides) == 0 {
			continue
		}
		slices.Sort(hides)
		out = append(out, Blind{Collector: st.Name, State: string(st.State), Reason: st.Err, Hides: hides})
	}
	return out
}
