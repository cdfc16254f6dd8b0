package collect

// kindHints is what sysfs says about the nature of an interface. What this
// 6.18 kernel exposes (checked with each device type in a namespace):
//
//   - physical NICs have a "device" link (to a PCI, virtio, USB or platform
//     device); wireless ones also have uevent DEVTYPE=wlan.
//   - bonds have a bonding/ directory and DEVTYPE=bond; bridges bridge/ and
//     DEVTYPE=bridge; VLANs DEVTYPE=vlan and a lower_<real> link, and on
//     kernels with 8021q a proc/net/vlan/<if> file.
//   - tun/tap devices have tun_flags (drivers/net/tun.c), no DEVTYPE.
//   - the loopback has IFF_LOOPBACK (0x8) in flags and type 772
//     (ARPHRD_LOOPBACK).
//   - veth has nothing of its own: no DEVTYPE, no device, no lower_* link,
//     type 1 (ARPHRD_ETHER), and iflink = the peer's ifindex, which differs
//     from its own. macvlan/ipvlan/vlan differ by their lower_* link; dummy,
//     ifb and vxlan by iflink == ifindex.
type kindHints struct {
	name      string
	entries   map[string]bool // the interface directory, links counted by name
	device    bool            // the device link was read
	tun       bool            // tun_flags was read
	lower     bool            // a lower_* link was read
	devType   string          // uevent DEVTYPE
	hasUevent bool
	typ       int // ARPHRD_*; -1 unknown
	flags     int64
	hasFlags  bool
	ifindex   int // -1 unknown
	iflink    int // -1 unknown
	procVLAN  bool
}

const (
	iffLoopback     = 0x8 // include/uapi/linux/if.h
	arphrdEther     = 1   // include/uapi/linux/if_arp.h
	arphrdLoopback  = 772
	kindPhysical    = "physical"
	kindVirtual     = "virtual"
	kindBond        = "bond"
	kindBridge      = "bridge"
	kindVLAN        = "vlan"
	kindVeth        = "veth"
	kindLoopback    = "loopback"
	kindTun         = "tun"
	loopbackDevName = "lo"
)

// nicKind classifies an interface. The order matters: a bond or bridge is
// recognised before "no device link" would call it virtual, and a tap
// before physical. It returns "" when the Source says nothing about the
// interface (a fixture directory without those files): unknown, not a guess.
func nicKind(h kindHints) string {
	e := h.entries
	switch {
	case h.hasFlags && h.flags&iffLoopback != 0, h.typ == arphrdLoopback:
		return kindLoopback
	case e["bonding"], h.devType == "bond":
		return kindBond
	case e["bridge"], h.devType == "bridge":
		return kindBridge
	case h.devType == "vlan", h.procVLAN:
		return kindVLAN
	case h.tun:
		return kindTun
	case h.device:
		return kindPhysical
	}
	known := h.hasUevent || h.typ >= 0 || h.hasFlags
	if !known {
		if h.name == loopbackDevName {
			// The kernel always names the loopback "lo" (drivers/net/loopback.c).
			return kindLoopback
		}
		return ""
	}
	if h.typ == arphrdEther && h.devType == "" && !h.lower &&
		h.iflink > 0 && h.ifindex > 0 && h.iflink != h.ifindex {
		return kindVeth
	}
	return kindVirtual
}
