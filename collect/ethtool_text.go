package collect

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
)

// Parsers for the text the ethtool command prints, as sosreports keep it in
// sos_commands/networking/ethtool_-{i,g,l,k,S}_<if>. The text is made by
// ethtool's userspace (ethtool.c for the ioctl era, netlink/*.c since 5.x),
// not by the kernel. Each parser keeps what it can read and returns the first
// bad line as a ParseError; a device that does not support the request
// ("Cannot get …: Operation not supported") gives nothing and no error.

// textLines calls fn for each line with its 1-based number, the line with the
// trailing \r removed.
func textLines(b []byte, fn func(n int, line string)) {
	for n := 1; len(b) > 0; n++ {
		line, rest, _ := bytes.Cut(b, []byte("\n"))
		b = rest
		fn(n, strings.TrimSuffix(string(line), "\r"))
	}
}

// unsupported reports ethtool's messages for a request the driver refuses:
// "Cannot get device ring settings: Operation not supported", and the second
// line of the older two-line form ": Operation not supported".
// "ethtool: bad command line argument(s)" and its "For more information run
// ethtool -h" are what an ethtool too old for the option prints.
func unsupported(line string) bool {
	return strings.HasPrefix(line, "Cannot get") || strings.HasPrefix(line, ": ") ||
		strings.HasPrefix(line, "ethtool: ") || strings.HasPrefix(line, "For more information run ethtool") ||
		strings.HasPrefix(line, "no stats available") || strings.Contains(line, "Operation not supported")
}

// parseEthtoolInfo reads `ethtool -i`: "driver: ixgbe", "bus-info: 0000:03:00.0".
// A bus-info of "N/A" or "" (bridges, VLANs) is left out.
func parseEthtoolInfo(name string, b []byte) (driver, bus string, err error) {
	textLines(b, func(n int, line string) {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") || unsupported(line) {
			return
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			if err == nil {
				err = parseErr(name, n, "%q is not \"key: value\"", clip(line))
			}
			return
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "driver":
			driver = v
		case "bus-info":
			if v != "N/A" {
				bus = v
			}
		}
	})
	return driver, bus, err
}

// ringSection tracks which half of -g / -l output a line belongs to.
type ringSection int

const (
	sectNone ringSection = iota
	sectMax              // "Pre-set maximums:"
	sectCur              // "Current hardware settings:"
)

// parseMaxCur reads the "Pre-set maximums:" / "Current hardware settings:"
// layout of `ethtool -g` and `ethtool -l`. set stores a value for a key
// ("RX", "Combined") and reports whether the key is one the caller keeps.
// "n/a" is what netlink-era ethtool prints when the kernel left the value
// out, which it does when the maximum is 0 (net/ethtool/rings.c,
// channels.c), so it reads as 0. Newer -g lines ("RX Buf Len", "CQE Size",
// "TX Push", "TCP data split") are ignored.
func parseMaxCur(name string, b []byte, keys []string, set func(sect ringSection, key string, v uint32) bool) (seen bool, err error) {
	sect := sectNone
	textLines(b, func(n int, line string) {
		t := strings.TrimSpace(line)
		switch {
		case t == "", strings.HasPrefix(t, "#"), unsupported(t):
			return
		case t == "Pre-set maximums:":
			sect = sectMax
			return
		case t == "Current hardware settings:":
			sect = sectCur
			return
		case strings.HasSuffix(t, ":") && (strings.HasPrefix(t, "Ring parameters for") || strings.HasPrefix(t, "Channel parameters for")):
			sect = sectNone
			return
		}
		k, v, ok := strings.Cut(t, ":")
		if !ok {
			if err == nil {
				err = parseErr(name, n, "%q is not \"key: value\"", clip(line))
			}
			return
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if sect == sectNone {
			if err == nil {
				err = parseErr(name, n, "%q outside \"Pre-set maximums:\" and \"Current hardware settings:\"", clip(line))
			}
			return
		}
		var x uint64
		if v != "n/a" {
			var perr error
			if x, perr = strconv.ParseUint(v, 10, 32); perr != nil {
				if slices.Contains(keys, k) && err == nil {
					err = parseErr(name, n, "%s: %q is not a count", k, clip(v))
				}
				return
			}
		}
		if set(sect, k, uint32(x)) {
			seen = true
		}
	})
	return seen, err
}

// parseEthtoolRings reads `ethtool -g`; nil when the output has no RX or TX
// line (an unsupported device).
func parseEthtoolRings(name string, b []byte) (*Rings, error) {
	var r Rings
	seen, err := parseMaxCur(name, b, []string{"RX", "TX"}, func(sect ringSection, key string, v uint32) bool {
		var p *uint32
		switch {
		case key == "RX" && sect == sectMax:
			p = &r.RXMax
		case key == "RX" && sect == sectCur:
			p = &r.RX
		case key == "TX" && sect == sectMax:
			p = &r.TXMax
		case key == "TX" && sect == sectCur:
			p = &r.TX
		default:
			return false
		}
		*p = v
		return true
	})
	if !seen {
		return nil, err
	}
	return &r, err
}

// parseEthtoolChannels reads `ethtool -l`; nil when unsupported.
func parseEthtoolChannels(name string, b []byte) (*Channels, error) {
	var c Channels
	seen, err := parseMaxCur(name, b, []string{"RX", "TX", "Combined"}, func(sect ringSection, key string, v uint32) bool {
		var p *uint32
		switch key + strconv.Itoa(int(sect)) {
		case "RX1":
			p = &c.RXMax
		case "RX2":
			p = &c.RX
		case "TX1":
			p = &c.TXMax
		case "TX2":
			p = &c.TX
		case "Combined1":
			p = &c.CombinedMax
		case "Combined2":
			p = &c.Combined
		default:
			return false // "Other" (link interrupts) has no field
		}
		*p = v
		return true
	})
	if !seen {
		return nil, err
	}
	return &c, err
}

// legacyFeatures maps the names `ethtool -k` prints for the old
// one-feature flags to the kernel's feature strings (ETH_SS_FEATURES, what
// the live host reads), per ethtool.c's off_flag_def table. Old ethtools
// printed them with spaces ("generic receive offload"); spaces are turned
// into dashes first.
var legacyFeatures = map[string]string{
	"rx-checksumming":              "rx-checksum",
	"udp-fragmentation-offload":    "tx-udp-fragmentation",
	"generic-segmentation-offload": "tx-generic-segmentation",
	"generic-receive-offload":      "rx-gro",
	"large-receive-offload":        "rx-lro",
	"rx-vlan-offload":              "rx-vlan-hw-parse",
	"tx-vlan-offload":              "tx-vlan-hw-insert",
	"ntuple-filters":               "rx-ntuple-filter",
	"receive-hashing":              "rx-hashing",
}

// legacyGroups are `ethtool -k` lines that sum several kernel features,
// which follow indented; the group line is kept only when no feature
// follows it (ethtools before 3.x printed only the group).
var legacyGroups = map[string]bool{
	"tx-checksumming": true, "scatter-gather": true, "tcp-segmentation-offload": true,
}

// parseEthtoolFeatures reads `ethtool -k`: "name: on", "name: off [fixed]",
// "name: on [requested off]". nil when the output has no feature line.
func parseEthtoolFeatures(name string, b []byte) (map[string]bool, error) {
	out := map[string]bool{}
	var err error
	group, groupVal, groupHasSub := "", false, false
	endGroup := func() {
		if group != "" && !groupHasSub {
			out[group] = groupVal
		}
		group = ""
	}
	textLines(b, func(n int, line string) {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || unsupported(t) ||
			strings.HasPrefix(t, "Features for ") || strings.HasPrefix(t, "Offload parameters for ") {
			return
		}
		k, v, ok := strings.Cut(t, ":")
		on, valid := featureValue(strings.TrimSpace(v))
		if !ok || !valid {
			if err == nil {
				err = parseErr(name, n, "%q is not \"feature: on|off\"", clip(line))
			}
			return
		}
		k = strings.ReplaceAll(strings.TrimSpace(k), " ", "-")
		indented := line != "" && (line[0] == '\t' || line[0] == ' ')
		if indented && group != "" {
			groupHasSub = true
			out[k] = on
			return
		}
		endGroup()
		if legacyGroups[k] {
			group, groupVal, groupHasSub = k, on, false
			return
		}
		if kn, ok := legacyFeatures[k]; ok {
			k = kn
		}
		out[k] = on
	})
	endGroup()
	if len(out) == 0 {
		return nil, err
	}
	return out, err
}

// featureValue reads "on", "off", with an optional " [fixed]" or
// " [requested on|off]" after it.
func featureValue(v string) (on, ok bool) {
	word, rest, _ := strings.Cut(v, " ")
	if rest = strings.TrimSpace(rest); rest != "" && (!strings.HasPrefix(rest, "[") || !strings.HasSuffix(rest, "]")) {
		return false, false
	}
	switch word {
	case "on":
		return true, true
	case "off":
		return false, true
	}
	return false, false
}
