package analyze

// evDelta is the evidence of a counter's increase over the window, with its
// rate when the window's length is known.
func evDelta(metric string, d Delta, unit, source string) Evidence {
	e := Evidence{Metric: metric, Value: float64(d.Inc), Unit: unit, Source: source}
	if d.SinceBoot {
		e.Metric += " (since boot)"
	}
	if r, ok := d.Rate(); ok {
		e.Rate = &r
	}
	return e
}

// evValue is the evidence of a setting, a share or a gauge.
func evValue(metric string, v float64, unit, source string) Evidence {
	return Evidence{Metric: metric, Value: v, Unit: unit, Source: source}
}

// evText is the evidence of a value that is not a number (a mask, a state).
func evText(metric, text, source string) Evidence {
	return Evidence{Metric: metric, Text: text, Source: source}
}

// rising reports whether d rose inside a window of several snapshots (not a
// total since boot): loss happening now.
func rising(d Delta) bool { return !d.SinceBoot && d.Inc > 0 }

// persistIntervals is how many consecutive intervals a loss counter must
// rise in to be an ongoing loss whatever its count: one stray burst is one
// interval, a drop in two in a row is a pattern.
const persistIntervals = 2

// lossSeverity grades a counter of lost data: Critical when it rose inside
// the window by at least minNow events or in two consecutive intervals (a
// single stray event in one interval is a Warning: real, but not yet an
// outage), Warning since boot when at least minBoot events, else Info.
func lossSeverity(d Delta, minNow, minBoot uint64) Severity {
	switch {
	case rising(d) && (d.Inc >= minNow || d.Persists(persistIntervals)):
		return Critical
	case rising(d):
		return Warning
	case d.SinceBoot && d.Inc >= minBoot:
		return Warning
	default:
		return Info
	}
}

// ratePhrase formats "1,234 (56.7/s)" for summaries.
func ratePhrase(d Delta) string {
	s := Commas(d.Inc)
	if r, ok := d.Rate(); ok && !d.SinceBoot {
		s += " (" + fmtRate(r) + "/s)"
	}
	return s
}
