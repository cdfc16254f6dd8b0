package tui

import (
	"math"
	"testing"
	"time"

	"github.com/netvet/netvet/analyze"
)

func TestSI(t *testing.T) {
	for _, tc := range []struct {
		in   rate
		want string
	}{
		{rate{}, "–"},
		{known(math.NaN()), "–"},
		{known(0), "0"},
		{known(0.01), "<0.1"},
		{known(0.5), "0.5"},
		{known(9.94), "9.9"},
		{known(9.96), "10"},
		{known(999.4), "999"},
		{known(999.6), "1.00k"},
		{known(1234), "1.23k"},
		{known(12345), "12.3k"},
		{known(123456), "123k"},
		{known(999999), "1.00M"},
		{known(2.5e9), "2.50G"},
		{known(math.MaxUint64), "18.4E"},
		{known(-1500), "-1.50k"},
	} {
		if got := si(tc.in); got != tc.want {
			t.Errorf("si(%v) = %q, want %q", tc.in, got, tc.want)
		}
		if len([]rune(si(tc.in))) > 6 {
			t.Errorf("si(%v) = %q is wider than a column", tc.in, si(tc.in))
		}
	}
}

func TestRateAdd(t *testing.T) {
	for _, tc := range []struct{ a, b, want rate }{
		{rate{}, rate{}, rate{}},
		{known(1), rate{}, known(1)},
		{rate{}, known(2), known(2)},
		{known(1), known(2), known(3)},
	} {
		if got := tc.a.add(tc.b); got != tc.want {
			t.Errorf("%v + %v = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestTexts(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{analyze.Commas(0), "0"},
		{analyze.Commas(999), "999"},
		{analyze.Commas(1000), "1,000"},
		{analyze.Commas(1234567), "1,234,567"},
		{analyze.Commas(math.MaxUint64), "18,446,744,073,709,551,615"},
		{analyze.FormatNumber(15593), "15,593"},
		{analyze.FormatNumber(0.00912), "0.00912"},
		{analyze.FormatNumber(3118.6), "3,119"},
		{analyze.FormatNumber(-4), "-4"},
		{age(-time.Second), "0.0s"},
		{age(400 * time.Millisecond), "0.4s"},
		{age(12 * time.Second), "12s"},
		{age(184 * time.Second), "3m04s"},
		{age(7500 * time.Second), "2h05m"},
		{uptime(0), "–"},
		{uptime(125), "2m05s"},
		{uptime(3 * 3600), "3h00m"},
		{uptime(36 * 3600), "1d12h"},
		{speedText(-1), "–"},
		{speedText(100), "100M"},
		{speedText(10000), "10G"},
		{speedText(2500), "2.5G"},
		{plural(1, "CPU"), "1 CPU"},
		{plural(0, "listener"), "0 listeners"},
		{plural(1000, "destination"), "1,000 destinations"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestResample(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		in   []float64
		cols int
		want []float64
	}{
		{"a spike survives bucketing", []float64{0, 0, 0, 9, 0, 0}, 3, []float64{0, 9, 0}},
		{"unknown points are skipped", []float64{nan, 1, nan, nan}, 2, []float64{1, nan}},
		{"short series become steps", []float64{1, 2}, 5, []float64{1, 1, 2, 2}},
		{"same length", []float64{1, 2, 3}, 3, []float64{1, 2, 3}},
	} {
		got := resample(tc.in, tc.cols)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] && !(math.IsNaN(got[i]) && math.IsNaN(tc.want[i])) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
}
