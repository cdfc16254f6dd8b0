package tui

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/netvet/netvet/analyze"
)

// rate is a per-second value that may be unknown. Missing is not zero: a
// counter the kernel did not print, or an interval of unknown length, is
// shown as "–", never as 0.
type rate struct {
	v  float64
	ok bool
}

func known(v float64) rate { return rate{v: v, ok: true} }

// add sums two rates; the sum is known when either is.
func (r rate) add(o rate) rate {
	switch {
	case !o.ok:
		return r
	case !r.ok:
		return o
	}
	return rate{v: r.v + o.v, ok: true}
}

// val is the value for sorting and scaling: unknown sorts below zero.
func (r rate) val() float64 {
	if !r.ok {
		return -1
	}
	return r.v
}

// si formats a non-negative quantity in at most five characters: "0",
// "0.5", "42", "999", "1.23k", "12.3k", "123k", "1.23M". Unknown is "–".
func si(r rate) string {
	if !r.ok || math.IsNaN(r.v) {
		return "–"
	}
	return siFloat(r.v)
}

func siFloat(v float64) string {
	if math.Abs(v) < 1e-9 {
		return "0" // float noise around zero (a chart's axis) is zero
	}
	if v < 0 {
		return "-" + siFloat(-v)
	}
	switch {
	case v == 0:
		return "0"
	case v < 0.05:
		return "<0.1"
	case v < 9.95:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case v < 999.5:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	units := []string{"k", "M", "G", "T", "P", "E"}
	for _, u := range units {
		v /= 1000
		switch {
		case v < 9.995:
			return strconv.FormatFloat(v, 'f', 2, 64) + u
		case v < 99.95:
			return strconv.FormatFloat(v, 'f', 1, 64) + u
		case v < 999.5:
			return strconv.FormatFloat(v, 'f', 0, 64) + u
		}
	}
	return "huge"
}

// age prints how old something is: "0.4s", "12s", "3m04s", "2h05m".
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// uptime prints a host's uptime in two units: "36h00m" is "1d12h".
func uptime(secs float64) string {
	if secs <= 0 {
		return "–"
	}
	d := time.Duration(secs * float64(time.Second))
	days := int(d.Hours()) / 24
	switch {
	case days > 0:
		return fmt.Sprintf("%dd%02dh", days, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// speedText prints a link speed in Mb/s as "10G", "25G", "100M"; unknown "–".
func speedText(mbps int) string {
	switch {
	case mbps <= 0:
		return "–"
	case mbps >= 1000 && mbps%1000 == 0:
		return strconv.Itoa(mbps/1000) + "G"
	case mbps >= 1000:
		return strconv.FormatFloat(float64(mbps)/1000, 'f', 1, 64) + "G"
	}
	return strconv.Itoa(mbps) + "M"
}

// plural is "1 listener", "3 listeners".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return analyze.Commas(uint64(max(n, 0))) + " " + noun + "s"
}
