package export

import (
	"strings"

	"github.com/netvet/netvet/collect"
)

var (
	famBondInfo   = gaugeFamily("netvet_bond_info", "Always 1: the bond's mode (balance-rr, active-backup, 802.3ad, …).", "bond", "mode")
	famBondSlaves = gaugeFamily("netvet_bond_slaves", "Slaves of the bond.", "bond")
	famSlaveUp    = gaugeFamily("netvet_bond_slave_up",
		"1 when the slave's MII status is up, 0 when down; absent while it is going down or going back (downdelay/updelay), as the analyzer counts neither.", "bond", "slave")
	famSlaveFailures = counterFamily("netvet_bond_slave_link_failures_total", "The slave's link failure count (32-bit in the kernel).", "bond", "slave")
	famSlaveAgg      = gaugeFamily("netvet_bond_slave_aggregator_id", "802.3ad aggregator the slave belongs to.", "bond", "slave")
	famSlaveNoPeer   = gaugeFamily("netvet_bond_slave_partner_mac_zero",
		"802.3ad: 1 when the slave's LACP partner MAC is all zeros (the switch port does not speak LACP), 0 when a partner answered.", "bond", "slave")
	famActiveAgg      = gaugeFamily("netvet_bond_active_aggregator_id", "802.3ad: the active aggregator's ID.", "bond")
	famActiveAggPorts = gaugeFamily("netvet_bond_active_aggregator_ports", "802.3ad: ports in the active aggregator.", "bond")
	famNoActiveAgg    = gaugeFamily("netvet_bond_no_active_aggregator", "802.3ad: 1 when the bond has no active aggregator (it passes no traffic), else 0.", "bond")
)

func emitBonds(s sink, snap *collect.Snapshot) {
	for _, name := range sortedKeys(snap.Bonds) {
		b := snap.Bonds[name]
		s.add(famBondInfo, 1, name, b.Mode)
		s.add(famBondSlaves, float64(len(b.Slaves)), name)
		lacp := b.Mode == "802.3ad"
		if lacp {
			s.add(famNoActiveAgg, boolValue(b.NoActiveAgg), name)
			if a := b.ActiveAggregator; a != nil {
				s.add(famActiveAgg, float64(a.ID), name)
				s.add(famActiveAggPorts, float64(a.Ports), name)
			}
		}
		for _, sl := range b.Slaves {
			switch sl.MIIStatus {
			case "up":
				s.add(famSlaveUp, 1, name, sl.Name)
			case "down":
				s.add(famSlaveUp, 0, name, sl.Name)
			}
			if sl.HasLinkFailures {
				s.counter(famSlaveFailures, sl.LinkFailures, name, sl.Name)
			}
			if !lacp {
				continue
			}
			if sl.AggregatorID >= 0 {
				s.add(famSlaveAgg, float64(sl.AggregatorID), name, sl.Name)
			}
			if p := partnerMAC(b, sl); p != "" {
				s.add(famSlaveNoPeer, boolValue(strings.Trim(p, "0:") == ""), name, sl.Name)
			}
		}
	}
}

// partnerMAC is the slave's LACP partner as the analyzer reads it: old
// bonding drivers print the partner only once, for the active aggregator.
func partnerMAC(b *collect.Bond, sl collect.BondSlave) string {
	if sl.PartnerMAC == "" && b.ActiveAggregator != nil && sl.AggregatorID == b.ActiveAggregator.ID {
		return b.ActiveAggregator.PartnerMAC
	}
	return sl.PartnerMAC
}
