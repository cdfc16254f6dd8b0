package analyze

import (
	"fmt"
	"strings"

	"github.com/netvet/netvet/collect"
)

// A slave's link failure count is a u32 since the bond was created
// (drivers/net/bonding). A few failures over months are a cable swap or a
// switch reboot; ten since boot is a port that flaps.
const bondFailuresBoot = 10

func bondSource(b *collect.Bond) string {
	if b.From == "sysfs" {
		return "sys/class/net/" + b.Name + "/bonding"
	}
	return "proc/net/bonding/" + b.Name
}

func bondRules(a *analysis) []Finding {
	if a.last == nil {
		return nil
	}
	var out []Finding
	for _, name := range sortedKeys(a.last.Bonds) {
		b := a.last.Bonds[name]
		out = append(out, a.bondNoSlaves(b)...)
		out = append(out, a.bondSlaveDown(b)...)
		out = append(out, a.bondLinkFailures(b)...)
		out = append(out, a.bondSpeedMismatch(b)...)
		if b.Mode == "802.3ad" {
			out = append(out, a.bondLACP(b)...)
		}
	}
	return out
}

func (a *analysis) bondNoSlaves(b *collect.Bond) []Finding {
	if len(b.Slaves) > 0 {
		return nil
	}
	return []Finding{{
		ID:       "bond.no_slaves",
		Severity: Warning,
		Subject:  b.Name,
		Summary:  fmt.Sprintf("Bond %s has no slaves: it carries no traffic", b.Name),
		Evidence: []Evidence{evValue("slaves", 0, "", bondSource(b))},
		Recommendations: []Recommendation{{
			Summary:  "Enslave its ports, or remove the bond if it is a leftover (an unused bond0 is created when the bonding module loads with max_bonds ≥ 1).",
			Commands: []string{fmt.Sprintf("ip link set IF master %s", sh(b.Name)), fmt.Sprintf("cat /sys/class/net/%s/bonding/slaves", sh(b.Name))},
		}},
	}}
}

func (a *analysis) bondSlaveDown(b *collect.Bond) []Finding {
	var out []Finding
	up := 0
	for _, s := range b.Slaves {
		if s.MIIStatus == "up" {
			up++
		}
	}
	for _, s := range b.Slaves {
		if s.MIIStatus != "down" {
			continue
		}
		sev := Warning // redundancy lost
		if up == 0 {
			sev = Critical // nothing left: the bond is down
		}
		f := Finding{
			ID:       "bond.slave_down",
			Severity: sev,
			Subject:  b.Name + "/" + s.Name,
			Summary:  fmt.Sprintf("Slave %s of bond %s is down (MII status down); %d of %d slaves are up", s.Name, b.Name, up, len(b.Slaves)),
			Evidence: []Evidence{
				evText("MII status of "+s.Name, s.MIIStatus, bondSource(b)),
				evValue("slaves up", float64(up), "of "+fmt.Sprint(len(b.Slaves)), bondSource(b)),
			},
			Recommendations: []Recommendation{{
				Summary:  fmt.Sprintf("Check %s's link: cable or optic, the switch port's state and errors, and `ethtool %s` (Link detected). The bond has lost its redundancy until it is back.", s.Name, s.Name),
				Commands: []string{"ethtool " + sh(s.Name), "ip -s link show " + sh(s.Name), "grep -A8 " + sh("Slave Interface: "+s.Name) + " " + sh("/proc/net/bonding/"+b.Name)},
			}},
		}
		if s.HasLinkFailures {
			f.Evidence = append(f.Evidence, evValue("link failure count of "+s.Name, float64(s.LinkFailures), "", bondSource(b)))
		}
		out = append(out, f)
	}
	return out
}

func (a *analysis) bondLinkFailures(b *collect.Bond) []Finding {
	var out []Finding
	for _, s := range b.Slaves {
		if !s.HasLinkFailures {
			continue
		}
		d, ok := a.w.BondLinkFailuresDelta(b.Name, s.Name)
		if !ok {
			continue
		}
		var sev Severity
		switch {
		case rising(d):
			sev = Warning
		case d.SinceBoot && d.Inc >= bondFailuresBoot, !d.SinceBoot && s.LinkFailures >= bondFailuresBoot:
			// A high count that did not move in the window is history worth
			// knowing, not a live problem.
			sev = Info
			if d.SinceBoot {
				sev = Warning
			}
			d = Delta{Inc: s.LinkFailures, SinceBoot: true}
		default:
			continue
		}
		monitor := "MII monitor every " + fmt.Sprint(b.MIIPollMs) + " ms"
		if b.ARPIntervalMs > 0 {
			monitor = fmt.Sprintf("ARP monitor every %d ms to %s", b.ARPIntervalMs, strings.Join(b.ARPTargets, ", "))
		}
		f := Finding{
			ID:       "bond.link_failures",
			Severity: sev,
			Subject:  b.Name + "/" + s.Name,
			Summary:  fmt.Sprintf("Slave %s of bond %s lost its link %s times %s (%s)", s.Name, b.Name, Commas(d.Inc), windowPhrase(d), monitor),
			Evidence: []Evidence{
				evDelta("link failure count of "+s.Name, d, "failures", bondSource(b)),
				evText("link monitor", monitor, bondSource(b)),
			},
			Recommendations: []Recommendation{{
				Summary:  "A flapping port: check the cable/optic and the switch port's error counters. With the ARP monitor, failures also come from the ARP target not answering in time (a busy or filtered target, or an interval too short for it): use a target that always answers, or MII monitoring (miimon=100) if the switch supports it.",
				Commands: []string{"ethtool -S " + sh(s.Name) + " | grep -i -E 'err|crc|drop'", "ip -s link show " + sh(s.Name)},
			}},
		}
		out = append(out, f)
	}
	return out
}

func (a *analysis) bondSpeedMismatch(b *collect.Bond) []Finding {
	speeds := map[int][]string{}
	var order []int
	for _, s := range b.Slaves {
		if s.Speed <= 0 {
			continue
		}
		if _, ok := speeds[s.Speed]; !ok {
			order = append(order, s.Speed)
		}
		speeds[s.Speed] = append(speeds[s.Speed], s.Name)
	}
	if len(order) < 2 {
		return nil
	}
	var parts []string
	var ev []Evidence
	fastest := 0
	for _, sp := range order {
		parts = append(parts, fmt.Sprintf("%s at %d Mb/s", strings.Join(speeds[sp], ", "), sp))
		fastest = max(fastest, sp)
	}
	for _, s := range b.Slaves {
		if s.Speed > 0 {
			ev = append(ev, evValue("speed of "+s.Name, float64(s.Speed), "Mb/s", bondSource(b)))
		}
	}
	summary := fmt.Sprintf("Bond %s's slaves run at different speeds: %s", b.Name, strings.Join(parts, "; "))
	sev := Warning
	if act := b.CurrentActive; act != "" {
		for _, s := range b.Slaves {
			if s.Name == act && s.Speed > 0 && s.Speed < fastest {
				summary += fmt.Sprintf(" — and the active slave %s is the slower one", act)
			}
		}
		ev = append(ev, evText("currently active slave", act, bondSource(b)))
	}
	rec := Recommendation{
		Summary:  "Slaves of one bond should be alike: a port that negotiated a lower speed usually has a cable, optic or autonegotiation problem. In 802.3ad, ports of different speeds land in different aggregators; in active-backup, failing over to the slow port cuts capacity.",
		Commands: []string{},
	}
	for _, s := range b.Slaves {
		rec.Commands = append(rec.Commands, "ethtool "+sh(s.Name))
	}
	return []Finding{{
		ID: "bond.speed_mismatch", Severity: sev, Subject: b.Name, Summary: summary,
		Evidence: ev, Recommendations: []Recommendation{rec},
	}}
}

func (a *analysis) bondLACP(b *collect.Bond) []Finding {
	var out []Finding
	src := bondSource(b)
	if b.NoActiveAgg {
		out = append(out, Finding{
			ID:       "bond.lacp_no_aggregator",
			Severity: Critical,
			Subject:  b.Name,
			Summary:  fmt.Sprintf("802.3ad bond %s has no active aggregator: no LACP partner agreed on a bundle, so the bond passes no traffic", b.Name),
			Evidence: []Evidence{evText("active aggregator", "none", src)},
			Recommendations: []Recommendation{{
				Summary:  "Configure the switch ports as one LACP port-channel (mode active or passive) with the same speed and VLANs, or set the bond to a mode that needs no switch support (active-backup).",
				Commands: []string{"cat /proc/net/bonding/" + sh(b.Name)},
			}},
		})
	}
	up := 0
	aggs := map[int][]string{}
	for _, s := range b.Slaves {
		if s.MIIStatus == "up" {
			up++
		}
		if s.AggregatorID >= 0 {
			aggs[s.AggregatorID] = append(aggs[s.AggregatorID], s.Name)
		}
		partner := s.PartnerMAC
		if partner == "" && b.ActiveAggregator != nil && s.AggregatorID == b.ActiveAggregator.ID {
			// Old drivers print the partner only for the active aggregator.
			partner = b.ActiveAggregator.PartnerMAC
		}
		if isZeroMAC(partner) {
			sev := Warning
			if s.MIIStatus != "up" {
				sev = Info // the port is down anyway; slave_down says so
			}
			out = append(out, Finding{
				ID:       "bond.lacp_no_partner",
				Severity: sev,
				Subject:  b.Name + "/" + s.Name,
				Summary:  fmt.Sprintf("802.3ad slave %s of bond %s has no LACP partner (partner MAC %s): the switch port does not speak LACP", s.Name, b.Name, partner),
				Evidence: []Evidence{
					evText("partner MAC of "+s.Name, partner, src),
					evText("MII status of "+s.Name, s.MIIStatus, src),
				},
				Recommendations: []Recommendation{{
					Summary: "Put the switch port into the LACP port-channel of the other slaves (channel-group N mode active). Without a partner the port cannot join the bundle and carries nothing.",
				}},
			})
		}
	}
	if act := b.ActiveAggregator; act != nil && len(aggs) > 1 && act.Ports < up {
		var parts []string
		for _, id := range sortedInts(aggs) {
			parts = append(parts, fmt.Sprintf("aggregator %d: %s", id, strings.Join(aggs[id], ", ")))
		}
		out = append(out, Finding{
			ID:       "bond.lacp_split",
			Severity: Warning,
			Subject:  b.Name,
			Summary: fmt.Sprintf("Bond %s's slaves are split across aggregators (%s); the active aggregator %d has %d port(s) while %d slaves are up, so the others carry nothing",
				b.Name, strings.Join(parts, "; "), act.ID, act.Ports, up),
			Evidence: []Evidence{
				evValue("active aggregator ID", float64(act.ID), "", src),
				evValue("ports in the active aggregator", float64(act.Ports), "", src),
				evValue("slaves up", float64(up), "", src),
				evText("active aggregator partner MAC", act.PartnerMAC, src),
			},
			Recommendations: []Recommendation{{
				Summary: "All ports must reach the same LACP partner with the same key: put them in one port-channel on one switch (or one MLAG pair), at the same speed and duplex.",
			}},
		})
	}
	return out
}

func isZeroMAC(mac string) bool {
	if mac == "" {
		return false
	}
	return strings.Trim(mac, "0:") == ""
}

func sortedInts[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
