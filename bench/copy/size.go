package copy

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseSize reads a byte count as people write it on a command line:
// "4096", "64k", "128KiB", "1G", "1.5GiB" are binary (powers of 1024), as
// dd, ip and the kernel's own memparse read them; "1kB", "500MB", "2GB" with
// an explicit B after a decimal prefix are powers of 1000, the unit of
// network throughput.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], t[i:]
	}
	if num == "" {
		return 0, fmt.Errorf("size %q: no number", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: bad number", s)
	}
	mult, ok := sizeUnits(unit)
	if !ok {
		return 0, fmt.Errorf("size %q: unknown unit %q (use k, M, G, T for powers of 1024; kB, MB, GB, TB for powers of 1000)", s, unit)
	}
	b := v * float64(mult)
	if b >= 1<<62 {
		return 0, fmt.Errorf("size %q: too large", s)
	}
	if b != float64(int64(b)) {
		return 0, fmt.Errorf("size %q: not a whole number of bytes", s)
	}
	return int64(b), nil
}

func sizeUnits(u string) (int64, bool) {
	if u == "" || u == "B" {
		return 1, true
	}
	for i, p := range "KMGT" {
		bin := int64(1) << (10 * (i + 1))
		dec := int64(1)
		for range i + 1 {
			dec *= 1000
		}
		switch strings.ToUpper(u) {
		case string(p), string(p) + "IB":
			return bin, true
		case string(p) + "B":
			return dec, true
		}
	}
	return 0, false
}

// FormatSize writes n bytes in the largest binary unit that keeps it a
// whole number or one decimal: 1073741824 → "1GiB", 1536 → "1.5KiB".
func FormatSize(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f, i := float64(n), 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d%s", int64(f), units[i])
	}
	return fmt.Sprintf("%.1f%s", f, units[i])
}
