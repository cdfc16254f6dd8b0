package analyze

import (
	"fmt"
	"strconv"
)

// Commas formats 1234567 as "1,234,567".
func Commas(v uint64) string { return groupDigits(strconv.FormatUint(v, 10)) }

// groupDigits puts thousands separators into a string of digits.
func groupDigits(s string) string {
	if len(s) <= 3 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// fmtRate formats a per-second rate with sensible precision.
func fmtRate(r float64) string {
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.2fM", r/1e6)
	case r >= 1e4:
		return fmt.Sprintf("%.1fk", r/1e3)
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 1:
		return fmt.Sprintf("%.1f", r)
	default:
		return fmt.Sprintf("%.3g", r)
	}
}

// pct formats a share 0..1 as "62.5%"; shares below 0.1% keep two
// significant digits ("0.017%"), so a small ratio is not shown as 0.0%.
func pct(share float64) string {
	if share > 0 && share < 0.001 {
		return fmt.Sprintf("%.2g%%", share*100)
	}
	return fmt.Sprintf("%.1f%%", share*100)
}

// bytesIEC formats a byte count as "16 MiB".
func bytesIEC(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.0f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

// bitsSI formats a bit rate as "10 Gbit/s".
func bitsSI(bps float64) string {
	switch {
	case bps >= 1e9:
		return strconv.FormatFloat(bps/1e9, 'g', 4, 64) + " Gbit/s"
	case bps >= 1e6:
		return strconv.FormatFloat(bps/1e6, 'g', 4, 64) + " Mbit/s"
	}
	return strconv.FormatFloat(bps/1e3, 'g', 4, 64) + " kbit/s"
}
