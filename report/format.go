package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// rateText formats a per-second rate compactly: "512k/s", "3.1/s".
func rateText(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return "—"
	case r >= 1e9:
		return fmt.Sprintf("%.2fG/s", r/1e9)
	case r >= 1e6:
		return fmt.Sprintf("%.2fM/s", r/1e6)
	case r >= 1e4:
		return fmt.Sprintf("%.1fk/s", r/1e3)
	case r >= 100:
		return fmt.Sprintf("%.0f/s", r)
	case r >= 1:
		return fmt.Sprintf("%.1f/s", r)
	case r == 0:
		return "0/s"
	}
	return strconv.FormatFloat(r, 'g', 2, 64) + "/s"
}

// pct formats a share 0..1 as "62.5%".
func pct(share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "—"
	}
	if share > 0 && share < 0.001 {
		return fmt.Sprintf("%.2g%%", share*100)
	}
	return fmt.Sprintf("%.1f%%", share*100)
}

// change formats the relative change from before to after: "+12.5%",
// "−100%", "new" when before was 0.
func change(before, after float64) string {
	switch {
	case before == after:
		return "±0"
	case before == 0:
		return "from 0"
	}
	c := (after - before) / before * 100
	f := fmt.Sprintf("%+.1f%%", c)
	if math.Abs(c) >= 100 {
		f = fmt.Sprintf("%+.0f%%", c)
	}
	// A true minus sign, as the deltas beside it use.
	return strings.Replace(f, "-", "−", 1)
}

// bytesRate formats bytes per second in SI units, as network throughput is
// quoted: "2.35 GB/s".
func bytesRate(b float64) string {
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.2f GB/s", b/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.1f MB/s", b/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.1f kB/s", b/1e3)
	}
	return fmt.Sprintf("%.0f B/s", b)
}

// seconds formats a window length: "59 s", "12 min", "3.2 h".
func seconds(s float64) string {
	switch {
	case s >= 2*86400:
		return fmt.Sprintf("%.1f days", s/86400)
	case s >= 2*3600:
		return fmt.Sprintf("%.1f h", s/3600)
	case s >= 120:
		return fmt.Sprintf("%.0f min", s/60)
	case s >= 10:
		return fmt.Sprintf("%.0f s", s)
	}
	return strconv.FormatFloat(s, 'g', 3, 64) + " s"
}

// orDash is s, or an em dash for nothing.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
