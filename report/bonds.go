package report

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/netvet/netvet/analyze"
)

// bondViews describes every bond of the newest snapshot and its slaves.
func bondViews(w *analyze.Window) []BondView {
	last := w.Last()
	names := make([]string, 0, len(last.Bonds))
	for n := range last.Bonds {
		names = append(names, n)
	}
	slices.SortFunc(names, analyze.NaturalCompare)
	var out []BondView
	for _, n := range names {
		b := last.Bonds[n]
		if b == nil {
			continue
		}
		v := BondView{Name: b.Name, Mode: orDash(b.ModeText), MIIStatus: orDash(b.MIIStatus), Active: orDash(b.CurrentActive),
			HashPolicy: orDash(b.XmitHashPolicy), Monitor: monitorText(b.MIIPollMs, b.ARPIntervalMs), Aggregator: "—"}
		if b.Mode == "" {
			v.Mode = "—"
		} else if b.ModeText == "" {
			v.Mode = b.Mode
		}
		if a := b.ActiveAggregator; a != nil {
			v.Aggregator = fmt.Sprintf("ID %d, %d ports, partner %s", a.ID, a.Ports, orDash(a.PartnerMAC))
		} else if b.NoActiveAgg {
			v.Aggregator = "none active"
		}
		for _, s := range b.Slaves {
			sv := SlaveView{Name: s.Name, MIIStatus: orDash(s.MIIStatus), Duplex: orDash(s.Duplex), State: orDash(s.State),
				Failures: "—", FailuresWindow: "—", Aggregator: "—", PartnerMAC: orDash(s.PartnerMAC), Churn: "—"}
			sv.Speed = "—"
			if s.Speed > 0 {
				sv.Speed = speedText(s.Speed)
			}
			if s.HasLinkFailures {
				sv.Failures = analyze.Commas(s.LinkFailures)
			}
			if d, ok := w.BondLinkFailuresDelta(b.Name, s.Name); ok && !d.SinceBoot {
				sv.FailuresWindow = analyze.Commas(d.Inc)
				sv.Bad = d.Inc > 0
			}
			if s.AggregatorID >= 0 {
				sv.Aggregator = strconv.Itoa(s.AggregatorID)
			}
			if s.ActorChurn != "" || s.PartnerChurn != "" {
				sv.Churn = fmt.Sprintf("actor %s, partner %s", orDash(s.ActorChurn), orDash(s.PartnerChurn))
			}
			sv.Bad = sv.Bad || s.MIIStatus != "" && s.MIIStatus != "up"
			v.Slaves = append(v.Slaves, sv)
		}
		out = append(out, v)
	}
	return out
}

func monitorText(mii, arp int) string {
	switch {
	case mii > 0:
		return fmt.Sprintf("MII every %d ms", mii)
	case arp > 0:
		return fmt.Sprintf("ARP every %d ms", arp)
	case mii == 0 && arp <= 0:
		return "none"
	}
	return "—"
}

func speedText(mbps int) string {
	if mbps >= 1000 && mbps%1000 == 0 {
		return strconv.Itoa(mbps/1000) + " Gb/s"
	}
	return strconv.Itoa(mbps) + " Mb/s"
}
