package bench

import (
	"math"
	"slices"
)

// Summary is the spread of one figure over repeated runs. Benchmarks report
// the median (robust to one slow run caused by a neighbour) and the full
// range, never the mean: on a shared 2-core box the mean is dominated by the
// outlier that the range already shows.
type Summary struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	N      int     `json:"n"`
}

// Summarize returns the median, minimum and maximum of xs, skipping NaNs
// (a run that failed or a figure that was not measured). ok is false when
// nothing is left.
func Summarize(xs []float64) (s Summary, ok bool) {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return Summary{}, false
	}
	slices.Sort(v)
	return Summary{Median: Median(v), Min: v[0], Max: v[len(v)-1], N: len(v)}, true
}

// Median of xs (which it does not modify); NaN for an empty slice. With an
// even count it is the mean of the two middle values.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	v := slices.Clone(xs)
	slices.Sort(v)
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}

// Relative returns x/base, the factor by which a figure differs from its
// baseline (2 means twice the baseline). ok is false when the ratio has no
// meaning: a missing or zero baseline, or a missing x.
func Relative(x, base float64) (r float64, ok bool) {
	if math.IsNaN(x) || math.IsNaN(base) || base == 0 || math.IsInf(base, 0) {
		return 0, false
	}
	return x / base, true
}

// PerGB scales a quantity measured over n bytes to one gigabyte (10^9
// bytes, the unit of network throughput); NaN when n is zero.
func PerGB(x float64, n int64) float64 {
	if n <= 0 {
		return math.NaN()
	}
	return x * 1e9 / float64(n)
}
