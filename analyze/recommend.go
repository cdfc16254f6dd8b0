package analyze

import (
	"fmt"
	"strings"
)

// SysctlFile is where persisted sysctls go: sysctl.d files are applied at
// boot by systemd-sysctl (and by `sysctl --system`); 90- sorts after the
// distribution's defaults so ours win.
const SysctlFile = "/etc/sysctl.d/90-netvet.conf"

// UdevFile is where persisted sysfs settings of network devices go: udev
// applies ATTR{} assignments when the device appears, at boot or hotplug.
const UdevFile = "/etc/udev/rules.d/90-netvet.rules"

// setting is one sysctl to set.
type setting struct{ name, value string }

// sysctlRec builds a recommendation that sets sysctls now and persists them.
func sysctlRec(summary, risk string, settings ...setting) Recommendation {
	var lines []string
	var changes []Change
	for _, s := range settings {
		changes = append(changes, Change{Kind: ChangeSysctl, Target: s.name, Value: s.value})
		lines = append(lines, fmt.Sprintf("%s = %s", s.name, s.value))
	}
	return changesRec(summary, risk,
		fmt.Sprintf("add to %s: %s (applied at boot; `sysctl --system` reloads)", SysctlFile, strings.Join(lines, "; ")),
		changes...)
}

// sysfsWrite is one value written to a sysfs file of a network device,
// relative to /sys/class/net/IF.
type sysfsWrite struct {
	iface, attr, value string
}

// sysfsRec builds a recommendation writing device attributes now, persisted
// by a udev rule (the kernel forgets them when the device goes away or the
// host reboots).
func sysfsRec(summary, risk string, writes ...sysfsWrite) Recommendation {
	byIf := map[string][]string{}
	var order []string
	var changes []Change
	for _, w := range writes {
		changes = append(changes, Change{Kind: ChangeSysfs, Device: w.iface, Target: w.attr, Value: w.value})
		if _, ok := byIf[w.iface]; !ok {
			order = append(order, w.iface)
		}
		byIf[w.iface] = append(byIf[w.iface], fmt.Sprintf(`ATTR{%s}="%s"`, w.attr, w.value))
	}
	var rules []string
	for _, iface := range order {
		rules = append(rules, fmt.Sprintf(`ACTION=="add", SUBSYSTEM=="net", KERNEL=="%s", %s`, iface, strings.Join(byIf[iface], ", ")))
	}
	return changesRec(summary, risk,
		fmt.Sprintf("the kernel forgets this at reboot: add to %s: %s", UdevFile, strings.Join(rules, " | ")),
		changes...)
}

// ethtoolPersist says how to keep an ethtool setting across reboots, for
// the common network managers.
func ethtoolPersist(iface, nmKey, networkdKey, ethtoolArgs string) string {
	return fmt.Sprintf("ethtool settings are lost at reboot: NetworkManager `nmcli connection modify <conn> %s`; systemd-networkd `%s` in the [Link] section of a .link file for %s; or udev `ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"%s\", RUN+=\"/usr/sbin/ethtool %s\"`",
		nmKey, networkdKey, iface, iface, ethtoolArgs)
}

// doubled proposes a new value for a limit that was hit: twice the current
// one, at least floor, never below the current one.
func doubled(cur, floor int64) int64 {
	return max(cur*2, floor, cur)
}
