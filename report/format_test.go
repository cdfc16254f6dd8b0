package report

import (
	"math"
	"testing"

	"github.com/netvet/netvet/analyze"
)

func TestFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{analyze.FormatNumber(1234567), "1,234,567"},
		{analyze.FormatNumber(0), "0"},
		{analyze.FormatNumber(-42), "-42"},
		{analyze.FormatNumber(0.5), "0.5"},
		{analyze.FormatNumber(12.345), "12.3"},
		{analyze.FormatNumber(1234.6), "1,235"},
		{analyze.FormatNumber(math.NaN()), "—"},
		{analyze.FormatNumber(math.MaxUint64), "18,446,744,073,709,551,616"}, // 2^64−1 as a float64 is 2^64
		{rateText(0), "0/s"},
		{rateText(0.25), "0.25/s"},
		{rateText(3.14), "3.1/s"},
		{rateText(512), "512/s"},
		{rateText(51234), "51.2k/s"},
		{rateText(2.56e6), "2.56M/s"},
		{rateText(3e9), "3.00G/s"},
		{rateText(math.Inf(1)), "—"},
		{pct(0.625), "62.5%"},
		{pct(0.00017), "0.017%"},
		{change(100, 150), "+50.0%"},
		{change(100, 0), "−100%"},
		{change(0, 5), "from 0"},
		{change(7, 7), "±0"},
		{change(100, 350), "+250%"},
		{bytesRate(2.35e9), "2.35 GB/s"},
		{bytesRate(999), "999 B/s"},
		{seconds(59), "59 s"},
		{seconds(5.03), "5.03 s"},
		{seconds(720), "12 min"},
		{seconds(36 * 3600), "36.0 h"},
		{seconds(3 * 86400), "3.0 days"},
		{si(0), "0"},
		{si(1500), "1.5k"},
		{si(30e6), "30M"},
		{si(0.25), "0.25"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
