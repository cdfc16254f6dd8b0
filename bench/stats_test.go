package bench

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSummarize(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		in   []float64
		want Summary
		ok   bool
	}{
		{"empty", nil, Summary{}, false},
		{"only NaN", []float64{nan, nan}, Summary{}, false},
		{"one", []float64{3}, Summary{Median: 3, Min: 3, Max: 3, N: 1}, true},
		{"odd unsorted", []float64{5, 1, 3}, Summary{Median: 3, Min: 1, Max: 5, N: 3}, true},
		{"even", []float64{4, 1, 3, 2}, Summary{Median: 2.5, Min: 1, Max: 4, N: 4}, true},
		{"NaN skipped", []float64{nan, 10, 2, nan, 6}, Summary{Median: 6, Min: 2, Max: 10, N: 3}, true},
		{"outlier moves range not median", []float64{10, 10, 11, 10, 900}, Summary{Median: 10, Min: 10, Max: 900, N: 5}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Summarize(tt.in)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Summarize(%v) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestMedianDoesNotModifyInput(t *testing.T) {
	in := []float64{3, 1, 2}
	if got := Median(in); got != 2 {
		t.Errorf("Median = %v, want 2", got)
	}
	if diff := cmp.Diff([]float64{3, 1, 2}, in); diff != "" {
		t.Errorf("input modified (-want +got):\n%s", diff)
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median(nil) is not NaN")
	}
}

func TestRelative(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		x, base float64
		want    float64
		ok      bool
	}{
		{2, 1, 2, true},
		{1, 4, 0.25, true},
		{0, 4, 0, true},
		{1, 0, 0, false},
		{nan, 1, 0, false},
		{1, nan, 0, false},
		{1, math.Inf(1), 0, false},
	}
	for _, tt := range tests {
		got, ok := Relative(tt.x, tt.base)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Relative(%v, %v) = %v, %v; want %v, %v", tt.x, tt.base, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPerGB(t *testing.T) {
	if got := PerGB(0.5, 500_000_000); got != 1 {
		t.Errorf("PerGB(0.5 s, 0.5 GB) = %v, want 1", got)
	}
	if got := PerGB(1, 0); !math.IsNaN(got) {
		t.Errorf("PerGB(1, 0) = %v, want NaN", got)
	}
}
