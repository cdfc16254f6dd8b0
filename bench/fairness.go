package bench

import "math"

// Jain returns Jain's fairness index of xs: (Σx)² / (n·Σx²). It is 1 when
// every share is equal and 1/n when one share takes everything, so it reads
// as "the fraction of workers that are effectively used". Negative or NaN
// shares are not meaningful loads; they give NaN, as does an empty or all-zero
// slice (no load: nothing to be fair about).
//
// R. Jain, D. Chiu, W. Hawe, "A Quantitative Measure of Fairness and
// Discrimination for Resource Allocation in Shared Computer Systems",
// DEC-TR-301, 1984.
func Jain(xs []float64) float64 {
	hi := 0.0
	for _, x := range xs {
		if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			return math.NaN()
		}
		hi = max(hi, x)
	}
	if hi == 0 {
		return math.NaN()
	}
	// The index is scale-free; dividing by the largest share keeps the
	// squares finite whatever the counts.
	var sum, sq float64
	for _, x := range xs {
		x /= hi
		sum += x
		sq += x * x
	}
	return sum * sum / (float64(len(xs)) * sq)
}

// MaxMinRatio returns the largest share divided by the smallest: the "3:1
// imbalance" people quote. A worker that got nothing while others got work
// makes it +Inf, which is the honest answer; an empty or all-zero slice, or a
// negative or NaN share, gives NaN.
func MaxMinRatio(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if x < 0 || math.IsNaN(x) {
			return math.NaN()
		}
		lo = min(lo, x)
		hi = max(hi, x)
	}
	switch {
	case hi == 0:
		return math.NaN()
	case lo == 0:
		return math.Inf(1)
	}
	return hi / lo
}
