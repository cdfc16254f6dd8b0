package collect

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// parseEthtoolStats reads `ethtool -S`: a "NIC statistics:" header, then one
// indented "     name: value" line per counter, in the driver's order.
// ethtool prints the kernel's string verbatim (ethtool.c dump_stats:
// "     %.*s: %llu"), so a name may itself hold ": " — bnxt_en's per-ring
// counters are "[0]: rx_ucast_packets" (drivers/net/ethernet/broadcom/
// bnxt/bnxt_ethtool.c) — and the value is after the last ": ". Names may
// repeat; all are kept. nil when the device has no statistics.
func parseEthtoolStats(name string, b []byte) (Stats, error) {
	var out Stats
	var err error
	textLines(b, func(n int, line string) {
		t := strings.TrimSpace(line)
		switch {
		case t == "", strings.HasPrefix(t, "#"):
			return
		case line[0] != ' ' && line[0] != '\t':
			// Headers ("NIC statistics:", which a broken capture may
			// repeat) and ethtool's messages are not indented.
			if strings.HasSuffix(t, "statistics:") || unsupported(t) {
				return
			}
			if err == nil {
				err = parseErr(name, n, "%q is not an indented \"name: value\" line", clip(line))
			}
			return
		}
		i := strings.LastIndex(t, ":")
		if i <= 0 {
			if err == nil {
				err = parseErr(name, n, "%q is not \"name: value\"", clip(t))
			}
			return
		}
		k, v := t[:i], strings.TrimSpace(t[i+1:])
		x, perr := strconv.ParseUint(v, 10, 64)
		if perr != nil {
			if err == nil {
				err = parseErr(name, n, "%s: %q is not an unsigned integer", clip(k), clip(v))
			}
			return
		}
		out = append(out, Stat{Name: jsonSafe(k), Value: x})
	})
	return out, err
}

// jsonSafe replaces each byte that is not UTF-8 with U+FFFD, as encoding/json
// does when it writes the name, so a counter name is the same before and
// after a recording. Kernel names are ASCII; this only guards odd input.
func jsonSafe(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s))
}
