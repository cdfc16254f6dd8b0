package synthhost

import (
	"fmt"
	"strings"
)

// The bond: 802.3ad over the two ixgbe ports, fast LACP, layer3+4 hashing,
// both ports in aggregator 1 with the switch as partner.
const (
	bondPartnerMAC = "00:1c:73:5a:10:01"
	bondActorKey   = 15
	bondPartnerKey = 32785
	lacpPortState  = 63 // activity, short timeout, aggregation, sync, collecting, distributing
)

func (h *Host) slaves() []*nic {
	var s []*nic
	for _, n := range h.nics {
		if n.master == "bond0" {
			s = append(s, n)
		}
	}
	return s
}

// bondingProc renders proc/net/bonding/bond0 as a 6.x kernel prints it
// (drivers/net/bonding/bond_procfs.c, read as root).
func (h *Host) bondingProc() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Ethernet Channel Bonding Driver: v%s\n\n", h.o.Kernel)
	b.WriteString("Bonding Mode: IEEE 802.3ad Dynamic link aggregation\n")
	b.WriteString("Transmit Hash Policy: layer3+4 (1)\n")
	b.WriteString("MII Status: up\nMII Polling Interval (ms): 100\nUp Delay (ms): 0\nDown Delay (ms): 0\nPeer Notification Delay (ms): 0\n")
	b.WriteString("\n802.3ad info\nLACP active: on\nLACP rate: fast\nMin links: 0\nAggregator selection policy (ad_select): stable\n")
	fmt.Fprintf(&b, "System priority: 65535\nSystem MAC address: %s\n", h.nics[0].mac)
	fmt.Fprintf(&b, "Active Aggregator Info:\n\tAggregator ID: 1\n\tNumber of ports: %d\n\tActor Key: %d\n\tPartner Key: %d\n\tPartner Mac Address: %s\n",
		len(h.slaves()), bondActorKey, bondPartnerKey, bondPartnerMAC)
	for i, n := range h.slaves() {
		fmt.Fprintf(&b, "\nSlave Interface: %s\nMII Status: up\nSpeed: %d Mbps\nDuplex: full\nLink Failure Count: %d\n", n.name, n.speed, h.linkFail)
		fmt.Fprintf(&b, "Permanent HW addr: %s\nSlave queue ID: 0\nAggregator ID: 1\n", n.mac)
		b.WriteString("Actor Churn State: none\nPartner Churn State: none\nActor Churned Count: 0\nPartner Churned Count: 0\n")
		fmt.Fprintf(&b, "details actor lacp pdu:\n    system priority: 65535\n    system mac address: %s\n    port key: %d\n    port priority: 255\n    port number: %d\n    port state: %d\n",
			h.nics[0].mac, bondActorKey, i+1, lacpPortState)
		fmt.Fprintf(&b, "details partner lacp pdu:\n    system priority: 32768\n    system mac address: %s\n    oper key: %d\n    port priority: 32768\n    port number: %d\n    port state: %d\n",
			bondPartnerMAC, bondPartnerKey, 0x101+i, lacpPortState)
	}
	return []byte(b.String())
}

// bondingSysfs adds sys/class/net/bonding_masters, bond0/bonding/* and the
// slaves' bonding_slave/* (drivers/net/bonding/bond_sysfs.c,
// bond_sysfs_slave.c).
func (h *Host) bondingSysfs(f map[string][]byte) {
	var names []string
	for _, n := range h.slaves() {
		names = append(names, n.name)
	}
	f["sys/class/net/bonding_masters"] = []byte("bond0\n")
	dir := "sys/class/net/bond0/bonding/"
	for k, v := range map[string]string{
		"mode": "802.3ad 4", "slaves": strings.Join(names, " "), "miimon": "100", "updelay": "0", "downdelay": "0",
		"peer_notif_delay": "0", "xmit_hash_policy": "layer3+4 1", "lacp_rate": "fast 1", "lacp_active": "on 1",
		"ad_select": "stable 0", "min_links": "0", "mii_status": "up", "arp_interval": "0", "arp_ip_target": "",
		"arp_validate": "none 0", "arp_all_targets": "any 0", "arp_missed_max": "2", "primary": "", "primary_reselect": "always 0",
		"active_slave": "", "use_carrier": "1", "fail_over_mac": "none 0", "all_slaves_active": "0", "num_grat_arp": "1",
		"num_unsol_na": "1", "resend_igmp": "1", "lp_interval": "1", "packets_per_slave": "1", "tlb_dynamic_lb": "1",
		"ad_aggregator": "1", "ad_num_ports": fmt.Sprint(len(names)), "ad_actor_key": fmt.Sprint(bondActorKey),
		"ad_partner_key": fmt.Sprint(bondPartnerKey), "ad_partner_mac": bondPartnerMAC, "ad_actor_sys_prio": "65535",
		"ad_actor_system": "00:00:00:00:00:00", "ad_user_port_key": "0",
	} {
		f[dir+k] = []byte(v + "\n")
	}
	for _, n := range h.slaves() {
		sd := "sys/class/net/" + n.name + "/bonding_slave/"
		for k, v := range map[string]string{
			"state": "active", "mii_status": "up", "link_failure_count": fmt.Sprint(h.linkFail), "perm_hwaddr": n.mac,
			"queue_id": "0", "ad_aggregator_id": "1", "ad_actor_oper_port_state": fmt.Sprint(lacpPortState),
			"ad_partner_oper_port_state": fmt.Sprint(lacpPortState),
		} {
			f[sd+k] = []byte(v + "\n")
		}
	}
}
