package bench

import (
	"math"
	"slices"
)

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of xs by linear interpolation
// between the closest ranks (the "R-7" rule of Hyndman and Fan, 1996, the
// default of R and NumPy), so Quantile(xs, 0.5) is the usual median. It does
// not modify xs. NaN values are skipped; an empty input or q outside [0, 1]
// gives NaN.
//
// This is for small samples: repeated runs of a benchmark, per-worker counts.
// Latency distributions with millions of values go into HDR histograms.
func Quantile(xs []float64, q float64) float64 {
	if q < 0 || q > 1 || math.IsNaN(q) {
		return math.NaN()
	}
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	h := q * float64(len(v)-1)
	lo := int(math.Floor(h))
	if lo == len(v)-1 {
		return v[lo]
	}
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}

// MedianIndex returns the index in xs of the value that is the median when
// len(xs) is odd and the lower middle one when it is even, so a caller can
// report a whole run (its latencies, its per-worker counts) rather than a
// blend of two. NaN values are never chosen; -1 when there is no value.
func MedianIndex(xs []float64) int {
	idx := make([]int, 0, len(xs))
	for i, x := range xs {
		if !math.IsNaN(x) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return -1
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return 0
	})
	return idx[(len(idx)-1)/2]
}
