package bench

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestQuantile(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		xs   []float64
		q    float64
		want float64
	}{
		{"median odd", []float64{3, 1, 2}, 0.5, 2},
		{"median even interpolates", []float64{4, 1, 3, 2}, 0.5, 2.5},
		{"min", []float64{4, 1, 3}, 0, 1},
		{"max", []float64{4, 1, 3}, 1, 4},
		// h = 0.9*(5-1) = 3.6 -> 4 + 0.6*(5-4)
		{"p90 of 1..5", []float64{5, 4, 3, 2, 1}, 0.9, 4.6},
		{"single", []float64{7}, 0.99, 7},
		{"NaNs skipped", []float64{nan, 2, nan, 4}, 0.5, 3},
		{"empty", nil, 0.5, nan},
		{"only NaN", []float64{nan}, 0.5, nan},
		{"q below 0", []float64{1}, -0.1, nan},
		{"q above 1", []float64{1}, 1.1, nan},
		{"q NaN", []float64{1}, nan, nan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]float64(nil), tt.xs...)
			got := Quantile(tt.xs, tt.q)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateNaNs(), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("Quantile(%v, %v) (-want +got):\n%s", tt.xs, tt.q, diff)
			}
			if diff := cmp.Diff(in, tt.xs, cmpopts.EquateNaNs()); diff != "" {
				t.Errorf("Quantile modified its input:\n%s", diff)
			}
		})
	}
}

func TestMedianIndex(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		xs   []float64
		want int
	}{
		{"odd", []float64{30, 10, 20}, 2},
		{"even takes the lower middle", []float64{40, 10, 30, 20}, 3},
		{"NaN never chosen", []float64{nan, 5, nan}, 1},
		{"ties keep order", []float64{1, 1, 1}, 1},
		{"empty", nil, -1},
		{"all NaN", []float64{nan, nan}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MedianIndex(tt.xs); got != tt.want {
				t.Errorf("MedianIndex(%v) = %d, want %d", tt.xs, got, tt.want)
			}
		})
	}
}
