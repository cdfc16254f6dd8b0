package report

import (
	"regexp"
	"slices"
	"strings"

	"github.com/netvet/netvet/internal/cpumask"
)

// setting is one value a recommendation's command sets.
type setting struct {
	iface string // "" for host-wide settings and IRQs
	key   string // see settingKey
	value string
}

// ifname matches an interface name: Linux names hold no whitespace and no
// '/' (dev_valid_name, https://github.com/torvalds/linux/blob/master/net/core/dev.c),
// and anything else, markup included, may appear.
const ifname = `([^/\s]+)`

// The command forms the analyzer writes (analyze/recommend.go and the rules).
var (
	sysctlCmd   = regexp.MustCompile(`^sysctl -w ([A-Za-z0-9_.\-]+)=(.*)$`)
	sysfsCmd    = regexp.MustCompile(`^echo (\S+) > /sys/class/net/` + ifname + `/(\S+)$`)
	irqCmd      = regexp.MustCompile(`^echo (\S+) > /proc/irq/(\d+)/smp_affinity_list$`)
	ringCmd     = regexp.MustCompile(`^ethtool -G ` + ifname + ` ((?:(?:rx|tx|rx-mini|rx-jumbo) \d+ ?)+)$`)
	channelsCmd = regexp.MustCompile(`^ethtool -L ` + ifname + ` ((?:(?:combined|rx|tx|other) \d+ ?)+)$`)
	featuresCmd = regexp.MustCompile(`^ethtool -K ` + ifname + ` ((?:\S+ (?:on|off) ?)+)$`)
	txqlenCmd   = regexp.MustCompile(`^ip link set ` + ifname + ` txqueuelen (\d+)$`)
)

// Keys of settings: "sysctl NAME", "ring rx", "channels combined",
// "feature gro", "txqueuelen", "sysfs queues/rx-0/rps_cpus", "irq 42".
func parseCommand(cmd string) []setting {
	cmd = strings.TrimSpace(cmd)
	if m := sysctlCmd.FindStringSubmatch(cmd); m != nil {
		v := strings.Trim(m[2], `"`)
		if v == "" || strings.Contains(v, "$(") {
			return nil // nothing, or a value the shell computes ("twice the current one"): no literal
		}
		return []setting{{key: "sysctl " + m[1], value: v}}
	}
	if m := irqCmd.FindStringSubmatch(cmd); m != nil {
		return []setting{{key: "irq " + m[2], value: m[1]}}
	}
	if m := sysfsCmd.FindStringSubmatch(cmd); m != nil {
		return []setting{{iface: m[2], key: "sysfs " + m[3], value: m[1]}}
	}
	if m := txqlenCmd.FindStringSubmatch(cmd); m != nil {
		return []setting{{iface: m[1], key: "txqueuelen", value: m[2]}}
	}
	pairs := func(iface, prefix, list string) []setting {
		f := strings.Fields(list)
		var out []setting
		for i := 0; i+1 < len(f); i += 2 {
			out = append(out, setting{iface: iface, key: prefix + f[i], value: f[i+1]})
		}
		return out
	}
	if m := ringCmd.FindStringSubmatch(cmd); m != nil {
		return pairs(m[1], "ring ", m[2])
	}
	if m := channelsCmd.FindStringSubmatch(cmd); m != nil {
		return pairs(m[1], "channels ", m[2])
	}
	if m := featuresCmd.FindStringSubmatch(cmd); m != nil {
		return pairs(m[1], "feature ", m[2])
	}
	return nil
}

// proposals collects, per interface ("" for the host) and key, the values
// findings recommend, in the findings' order.
type proposals map[string]map[string][]Proposal

func (p proposals) add(s setting, id, anchor string) {
	byKey := p[s.iface]
	if byKey == nil {
		byKey = map[string][]Proposal{}
		p[s.iface] = byKey
	}
	list := byKey[s.key]
	for i := range list {
		if list[i].Value == s.value {
			if !slices.Contains(list[i].IDs, id) {
				list[i].IDs = append(list[i].IDs, id)
			}
			return
		}
	}
	byKey[s.key] = append(list, Proposal{Value: s.value, IDs: []string{id}, Anchor: anchor})
}

func (p proposals) get(iface, key string) []Proposal { return p[iface][key] }

// maskList shows a sysfs CPU mask ("ff,ffffffff") as a CPU list ("0-39"),
// the form a person reads; anything else as it is.
func maskList(v string) string {
	if s, err := cpumask.ParseHex(v); err == nil {
		if s.IsEmpty() {
			return "none (0)"
		}
		return s.List()
	}
	return v
}
