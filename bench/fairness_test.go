package bench

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestJainAndMaxMin(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name         string
		xs           []float64
		jain, maxMin float64
	}{
		{"equal", []float64{5, 5, 5, 5}, 1, 1},
		{"one takes all of four", []float64{0, 0, 12, 0}, 0.25, inf},
		{"three to one", []float64{3, 1}, 16.0 / 20, 3},
		{"single worker", []float64{7}, 1, 1},
		// (1+2+3)^2 / (3 * (1+4+9)) = 36/42
		{"ramp", []float64{1, 2, 3}, 36.0 / 42, 3},
		{"empty", nil, nan, nan},
		{"all zero: no load", []float64{0, 0}, nan, nan},
		{"negative share", []float64{1, -1}, nan, nan},
		{"NaN share", []float64{1, nan}, nan, nan},
		{"huge values do not overflow", []float64{1e300, 1e300, 5e299}, 6.25 / 6.75, 2},
		{"infinite share", []float64{1, inf}, nan, inf},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []float64{Jain(tt.xs), MaxMinRatio(tt.xs)}
			want := []float64{tt.jain, tt.maxMin}
			if diff := cmp.Diff(want, got, cmpopts.EquateNaNs(), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("Jain, MaxMinRatio of %v (-want +got):\n%s", tt.xs, diff)
			}
		})
	}
}

func TestJainBounds(t *testing.T) {
	// Jain's index lies in [1/n, 1] for any non-negative, non-zero load.
	loads := [][]float64{{1, 0, 0}, {9, 1, 1}, {2, 2, 3}, {100, 99, 101, 98}}
	for _, xs := range loads {
		j := Jain(xs)
		if j < 1/float64(len(xs))-1e-12 || j > 1+1e-12 {
			t.Errorf("Jain(%v) = %v, outside [1/%d, 1]", xs, j, len(xs))
		}
	}
}
