package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

var slaveCols = []column{
	{title: "slave", width: 10, left: true},
	{title: "MII", width: 6, left: true},
	{title: "speed", width: 6, prio: 1},
	{title: "duplex", width: 6, left: true, prio: 3},
	{title: "agg", width: 4},
	{title: "state", width: 7, left: true, prio: 2},
	{title: "link failures", width: 13},
	{title: "in window", width: 9, prio: 1},
	{title: "churn", width: 9, left: true, prio: 4},
}

// bondsScreen shows each bond with its slaves: MII state, speed, the
// aggregator each is in (a slave outside the active aggregator carries
// nothing), and link failures, total and in the window.
func (m *Model) bondsScreen(w int) ([]string, []string) {
	f := m.fr
	fixed := []string{m.title("Bonds", plural(len(f.bonds), "bonding master")+" · link failures over the window")}
	if len(f.bonds) == 0 {
		why := "no bonding master on this host"
		for _, st := range f.snap.Status {
			if st.Name == "bonding" && st.State == collect.StateError {
				why = "bonding could not be read: " + st.Err
			}
		}
		return fixed, []string{"", "  " + m.pal.dim.on(why)}
	}
	t := layout(slaveCols, w)
	var rows []string
	for bi, b := range f.bonds {
		var names []string
		for _, s := range b.Slaves {
			names = append(names, s.Name)
		}
		if !m.filtered(append(names, b.Name, b.Mode)...) {
			continue
		}
		if bi > 0 {
			rows = append(rows, "")
		}
		rows = append(rows, m.bondHead(b))
		rows = append(rows, t.header(m.pal.head))
		for i, s := range b.Slaves {
			rows = append(rows, t.row(m.slaveCells(b, i, s)))
		}
	}
	return fixed, rows
}

func (m *Model) bondHead(b bondView) string {
	parts := []string{m.pal.bold.on(b.Name)}
	mode := b.Mode
	if mode == "" {
		mode = b.ModeText
	}
	parts = append(parts, mode)
	mii := "MII " + orDash(b.MIIStatus)
	if b.MIIStatus != "" && b.MIIStatus != "up" {
		mii = m.pal.crit.on(mii)
	}
	parts = append(parts, mii)
	if b.XmitHashPolicy != "" {
		parts = append(parts, "hash "+b.XmitHashPolicy)
	}
	if b.LACPRate != "" {
		parts = append(parts, "lacp "+b.LACPRate)
	}
	if b.CurrentActive != "" {
		parts = append(parts, "active "+b.CurrentActive)
	}
	switch {
	case b.NoActiveAgg:
		parts = append(parts, m.pal.crit.on("no active aggregator"))
	case b.ActiveAggregator != nil:
		a := b.ActiveAggregator
		s := fmt.Sprintf("aggregator %d (%s", a.ID, plural(a.Ports, "port"))
		if a.PartnerMAC != "" {
			s += ", partner " + a.PartnerMAC
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, m.pal.dim.on(" · "))
}

func (m *Model) slaveCells(b bondView, i int, s collect.BondSlave) []cell {
	mii := c(orDash(s.MIIStatus))
	if s.MIIStatus != "" && s.MIIStatus != "up" {
		mii = cp(s.MIIStatus, m.pal.crit)
	}
	agg := c("–")
	if s.AggregatorID >= 0 {
		agg = c(strconv.Itoa(s.AggregatorID))
		if a := b.ActiveAggregator; a != nil && a.ID != s.AggregatorID {
			agg = cp(strconv.Itoa(s.AggregatorID)+"≠", m.pal.crit)
		}
	}
	fails := c("–")
	if s.HasLinkFailures {
		fails = c(analyze.Commas(s.LinkFailures))
	}
	win := c("–")
	if i < len(b.incOK) && b.incOK[i] {
		win = c("+" + analyze.Commas(b.incs[i]))
		if b.incs[i] > 0 {
			win = cp("+"+analyze.Commas(b.incs[i]), m.pal.crit)
		}
	}
	churn := orDash(s.ActorChurn)
	if s.PartnerChurn != "" && s.PartnerChurn != s.ActorChurn {
		churn += "/" + s.PartnerChurn
	}
	return []cell{c(s.Name), mii, c(speedText(s.Speed)), c(orDash(s.Duplex)), agg, c(orDash(s.State)), fails, win, c(churn)}
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
