package report

import (
	"fmt"
	"math"
	"strings"
)

// Comparison is the same host before and after a change: what went away,
// what is new, how every rate moved, which settings differ.
type Comparison struct {
	Before, After *Report
	Notes         []string // what to keep in mind reading it (different hosts, totals since boot)
	Gone, New     []FindingChange
	Kept          []FindingChange
	Rates         []RateDelta
	Settings      Table // settings whose value differs
	Plots         []PlotPair
}

// FindingChange is one finding (ID and subject) on either side.
type FindingChange struct {
	ID, Subject, Before, After, Summary string
}

// RateDelta is one counter's rate on both sides.
type RateDelta struct {
	Group, Label, Before, After, Delta, Change string
	// Verdict is "better" or "worse" for a loss counter (drops, overflows,
	// errors) that moved, else "".
	Verdict string
}

// PlotPair is one plot of both sides, shown next to each other.
type PlotPair struct {
	Title         string
	Before, After Plot
}

// Compare lines two reports up. The reports should be of one host; when
// the hostnames differ the comparison says so instead of refusing, since a
// rebuilt host may come back under a new name.
func Compare(before, after *Report) *Comparison {
	c := &Comparison{Before: before, After: after}
	if b, a := before.Host.Hostname, after.Host.Hostname; b != "" && a != "" && b != a {
		c.Notes = append(c.Notes, fmt.Sprintf("The recordings name different hosts (%q before, %q after): compare with care.", b, a))
	}
	for _, side := range []struct {
		name string
		r    *Report
	}{{"before", before}, {"after", after}} {
		if side.r.Window.SinceBoot {
			c.Notes = append(c.Notes, fmt.Sprintf("The %s side is one snapshot: its rates are averages since boot, not over a window, and none of its findings is critical.", side.name))
		}
	}
	key := func(id, subject string) string { return id + "\x00" + subject }
	inAfter := map[string]int{}
	for i, f := range after.analyzed {
		inAfter[key(f.ID, f.Subject)] = i
	}
	inBefore := map[string]bool{}
	for _, f := range before.analyzed {
		k := key(f.ID, f.Subject)
		inBefore[k] = true
		if j, ok := inAfter[k]; ok {
			a := after.analyzed[j]
			c.Kept = append(c.Kept, FindingChange{ID: f.ID, Subject: f.Subject, Before: f.Severity.String(), After: a.Severity.String(), Summary: a.Summary})
		} else {
			c.Gone = append(c.Gone, FindingChange{ID: f.ID, Subject: f.Subject, Before: f.Severity.String(), After: "gone", Summary: f.Summary})
		}
	}
	for _, f := range after.analyzed {
		if !inBefore[key(f.ID, f.Subject)] {
			c.New = append(c.New, FindingChange{ID: f.ID, Subject: f.Subject, Before: "absent", After: f.Severity.String(), Summary: f.Summary})
		}
	}
	c.Rates = rateDeltas(before.Rates, after.Rates)
	c.Settings = settingChanges(before.Config, after.Config)
	for i := range after.Plots {
		for j := range before.Plots {
			if before.Plots[j].ID == after.Plots[i].ID {
				pb, pa := before.Plots[j], after.Plots[i]
				pb.Side, pa.Side = "before", "after"
				c.Plots = append(c.Plots, PlotPair{Title: pa.Title, Before: pb, After: pa})
			}
		}
	}
	return c
}

// rateDeltas pairs rates by key: every rate of before in its order, then
// those only after has.
func rateDeltas(before, after []Rate) []RateDelta {
	am := map[string]Rate{}
	for _, r := range after {
		am[r.Key] = r
	}
	seen := map[string]bool{}
	var out []RateDelta
	for _, b := range before {
		seen[b.Key] = true
		a, ok := am[b.Key]
		out = append(out, rateDelta(b, a, true, ok))
	}
	for _, a := range after {
		if !seen[a.Key] {
			out = append(out, rateDelta(a, a, false, true))
		}
	}
	return out
}

func rateDelta(b, a Rate, hasB, hasA bool) RateDelta {
	d := RateDelta{Group: b.Group, Label: b.Label, Before: "—", After: "—", Delta: "—", Change: "—"}
	if hasB {
		d.Before = rateValue(b)
	}
	if hasA {
		d.After = rateValue(a)
	}
	if !hasA || !hasB {
		return d
	}
	diff := a.Value - b.Value
	sign := "+"
	if diff < 0 {
		sign = "−"
	}
	d.Delta = sign + strings.TrimPrefix(rateValue(Rate{Key: b.Key, Value: math.Abs(diff)}), "-")
	if diff == 0 {
		d.Delta = "±0"
	}
	d.Change = change(b.Value, a.Value)
	if isLoss(b.Key) && diff != 0 {
		d.Verdict = "better"
		if diff > 0 {
			d.Verdict = "worse"
		}
	}
	return d
}

// isLoss reports whether a rate counts lost work: less is better.
func isLoss(key string) bool {
	for _, w := range []string{"drop", "Drop", "Overflow", "error", "Error", "Prune", "squeeze", "missed", "fifo", "Retrans", "Syncookies", "QFull"} {
		if strings.Contains(key, w) {
			return true
		}
	}
	return false
}

// settingChanges lists the sysctls, interface settings and queue settings
// whose current value differs between the two configurations.
func settingChanges(b, a ConfigView) Table {
	t := Table{Caption: "Settings that differ", Head: []string{"setting", "before", "after"}}
	diff := func(name, bv, av string) {
		if bv != av {
			t.Rows = append(t.Rows, []string{name, bv, av})
		}
	}
	pairRows(b.Sysctls, a.Sysctls, "", diff)
	an := map[string]NICConfig{}
	for _, n := range a.NICs {
		an[n.Name] = n
	}
	for _, bn := range b.NICs {
		a, ok := an[bn.Name]
		if !ok {
			continue
		}
		pairRows(bn.Settings, a.Settings, bn.Name+" ", diff)
		rows := map[string][]string{}
		for _, r := range a.Queues.Rows {
			rows[r[0]] = r
		}
		for _, r := range bn.Queues.Rows {
			ar, ok := rows[r[0]]
			if !ok {
				continue
			}
			for col := 2; col < len(r) && col < len(ar); col++ {
				diff(fmt.Sprintf("%s queue %s %s", bn.Name, r[0], bn.Queues.Head[col]), current(r[col]), current(ar[col]))
			}
		}
	}
	t.Fold = len(t.Rows) > 24
	return t
}

// pairRows calls diff for each setting both lists have, by name.
func pairRows(b, a []SettingRow, prefix string, diff func(name, bv, av string)) {
	am := map[string]string{}
	for _, r := range a {
		am[r.Name] = r.Current
	}
	for _, r := range b {
		if av, ok := am[r.Name]; ok {
			diff(prefix+r.Name, r.Current, av)
		}
	}
}

// current strips the "→ recommended" part of a queue table cell.
func current(cell string) string {
	cur, _, _ := strings.Cut(cell, " → ")
	return cur
}
