package tune

import (
	"fmt"
	"strings"

	"github.com/netvet/netvet/analyze"
)

// NeedsRoot says what of changes only root may do, for the refusal when
// apply runs as another user: "/proc/sys/net/core/somaxconn (a sysctl),
// /proc/irq/42/smp_affinity_list (IRQ affinity) and eth0's rx ring (an
// ethtool ioctl, CAP_NET_ADMIN)". Every kind does: sysctls and sysfs
// attributes are root-writable files, IRQ affinity needs CAP_SYS_ADMIN,
// the ethtool set ioctls CAP_NET_ADMIN.
func NeedsRoot(changes []analyze.Change) string {
	var parts []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	for _, c := range changes {
		switch c.Kind {
		case analyze.ChangeSysctl:
			add("/" + c.Path() + " (a sysctl)")
		case analyze.ChangeSysfs, analyze.ChangeTxQueueLen:
			add("/" + c.Path() + " (a device attribute)")
		case analyze.ChangeIRQAffinity:
			add("/" + c.Path() + " (IRQ affinity, CAP_SYS_ADMIN)")
		case analyze.ChangeRing:
			add(fmt.Sprintf("%s's %s ring (an ethtool ioctl, CAP_NET_ADMIN)", c.Device, c.Target))
		case analyze.ChangeChannels:
			add(fmt.Sprintf("%s's %s channels (an ethtool ioctl, CAP_NET_ADMIN)", c.Device, c.Target))
		case analyze.ChangeFeature:
			add(fmt.Sprintf("%s's feature %s (an ethtool ioctl, CAP_NET_ADMIN)", c.Device, c.Target))
		}
	}
	const most = 6
	if len(parts) > most {
		parts = append(parts[:most], fmt.Sprintf("%d more", len(parts)-most))
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
