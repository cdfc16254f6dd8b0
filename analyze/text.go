package analyze

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FormatNumber prints a number the way every netvet output shows it:
// integers with thousands separators ("68,604"), larger fractions rounded
// to integers, small ones with three significant digits ("0.0541"), and
// "—" for NaN and infinities.
func FormatNumber(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return "—"
	case v < 0:
		return "-" + FormatNumber(-v)
	case v >= 1e18:
		// Beyond what converts exactly to uint64.
		return groupDigits(strconv.FormatFloat(v, 'f', 0, 64))
	case v == math.Trunc(v):
		return Commas(uint64(v))
	case v >= 1000:
		return Commas(uint64(math.Round(v)))
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// String formats evidence as one line: "68,604 packets (12.3/s)
// [proc/net/softnet_stat]", or its text for values that are not numbers.
func (e Evidence) String() string {
	var b strings.Builder
	if e.Text != "" {
		b.WriteString(e.Text)
	} else {
		b.WriteString(FormatNumber(e.Value))
		if e.Unit != "" {
			b.WriteString(" " + e.Unit)
		}
	}
	if e.Rate != nil {
		fmt.Fprintf(&b, " (%s/s)", FormatNumber(*e.Rate))
	}
	if e.Source != "" {
		fmt.Fprintf(&b, " [%s]", e.Source)
	}
	return b.String()
}
