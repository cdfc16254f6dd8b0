package report

import (
	"fmt"
	"slices"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/counter"
)

// overrunSources count packets a NIC dropped because its RX ring had no
// free descriptor, as the analyzer's nic.rx_ring_overrun reads them: the
// kernel's rtnl_link_stats64 names, then the drivers' ethtool -S names
// (igb/ixgbe rx_no_buffer_count, ixgbe rx_no_dma_resources, mlx5
// rx_out_of_buffer and rx_discards_phy, i40e port.rx_dropped). Sources often
// count the same event, so one interface plots the one that rose most.
var overrunSources = []struct {
	name    string
	ethtool bool
}{
	{"rx_missed_errors", false}, {"rx_fifo_errors", false}, {"rx_over_errors", false},
	{"rx_missed_errors", true}, {"rx_no_buffer_count", true}, {"rx_no_dma_resources", true},
	{"rx_out_of_buffer", true}, {"rx_discards_phy", true}, {"port.rx_dropped", true},
	{"rx_fifo_errors", true}, {"rx_over_errors", true},
}

// interfaces lists every interface of the window but loopback, in natural
// order.
func interfaces(w *analyze.Window) []string {
	seen := map[string]bool{}
	for _, s := range w.Snaps {
		for n := range s.Links {
			seen[n] = true
		}
		for n := range s.NetDev {
			seen[n] = true
		}
	}
	delete(seen, "lo")
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.SortFunc(out, analyze.NaturalCompare)
	return out
}

// linkStat reads sys/class/net/IF/statistics/NAME, else the same counter of
// proc/net/dev.
func linkStat(s *collect.Snapshot, iface, name string, dev func(collect.NetDevStats) uint64) (uint64, bool) {
	if l := s.Links[iface]; l != nil {
		if v, ok := l.Stats[name]; ok {
			return v, true
		}
	}
	if d, ok := s.NetDev[iface]; ok && dev != nil {
		return dev(d), true
	}
	return 0, false
}

func ethtoolStat(s *collect.Snapshot, iface, name string) (uint64, bool) {
	e := s.Ethtool[iface]
	if e == nil {
		return 0, false
	}
	for _, st := range e.Stats {
		if st.Name == name {
			return st.Value, true
		}
	}
	return 0, false
}

// nicSeries are one interface's drops and overruns interval by interval.
type nicSeries struct {
	iface          string
	drops, overrun series
	rxPackets      float64 // for ranking idle interfaces
}

func nicSeriesOf(w *analyze.Window, st []step, iface string) nicSeries {
	n := w.Len()
	ns := nicSeries{iface: iface}
	ns.drops = counterSeries(iface, st, n, counter.Bits64, func(i int) (uint64, bool) {
		return linkStat(w.Snaps[i], iface, "rx_dropped", func(d collect.NetDevStats) uint64 { return d.RxDrop })
	})
	rx := counterSeries(iface, st, n, counter.Bits64, func(i int) (uint64, bool) {
		return linkStat(w.Snaps[i], iface, "rx_packets", func(d collect.NetDevStats) uint64 { return d.RxPackets })
	})
	ns.rxPackets = rx.total
	best := -1.0
	for _, src := range overrunSources {
		get := func(i int) (uint64, bool) { return linkStat(w.Snaps[i], iface, src.name, nil) }
		if src.ethtool {
			get = func(i int) (uint64, bool) { return ethtoolStat(w.Snaps[i], iface, src.name) }
		}
		s := counterSeries(iface+" ("+src.name+")", st, n, counter.Bits64, get)
		if len(s.pts) > 0 && s.total > best {
			ns.overrun, best = s, s.total
		}
	}
	if best < 0 {
		ns.overrun = series{name: iface}
	}
	return ns
}

func nicPlot(w *analyze.Window, st []step) (Plot, error) {
	p := Plot{ID: "nic-drops", Title: "NIC drops and RX ring overruns over time"}
	ifaces := interfaces(w)
	if len(ifaces) == 0 {
		p.Empty = "no interface statistics in this source (sys/class/net, proc/net/dev)"
		return p, nil
	}
	p.Tables = []Table{nicTable(w, ifaces)}
	if w.Single() {
		p.Empty = noSeries
		return p, nil
	}
	all := make([]nicSeries, 0, len(ifaces))
	for _, n := range ifaces {
		all = append(all, nicSeriesOf(w, st, n))
	}
	// The interfaces that lost the most, then the busiest: a page of flat
	// zero lines still says "nothing was lost" about the ones that matter.
	slices.SortStableFunc(all, func(a, b nicSeries) int {
		la, lb := a.drops.total+a.overrun.total, b.drops.total+b.overrun.total
		switch {
		case la != lb:
			return cmpDesc(la, lb)
		default:
			return cmpDesc(a.rxPackets, b.rxPackets)
		}
	})
	all = all[:min(len(all), topLines)]
	var drops, overruns []series
	lost := 0.0
	for _, s := range all {
		drops = append(drops, s.drops)
		overruns = append(overruns, s.overrun)
		lost += s.drops.total + s.overrun.total
	}
	panels := []panel{
		{title: "RX dropped (packets/s)", ylabel: "per second", lines: seriesLines(drops, "")},
		{title: "RX ring overruns (packets/s)", ylabel: "per second", lines: seriesLines(overruns, "")},
	}
	p.Caption = fmt.Sprintf("statistics/rx_dropped and the overrun counter that rose most (sysfs rx_missed/fifo/over errors or the driver's ethtool counter), per interval, for the %d interfaces that lost most (then the busiest).", len(all))
	if lost == 0 {
		p.Caption += " No interface lost a packet in the window."
	}
	svg, err := figure(p.Title, figWidth, panelH*2+30, stackPlots(panels, "seconds since the first snapshot"))
	p.SVG = svg
	return p, err
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// nicTable lists every interface's receive counters over the window.
func nicTable(w *analyze.Window, ifaces []string) Table {
	when := "in the window"
	if w.Single() {
		when = "since boot"
	}
	t := Table{Caption: "Interfaces " + when, Head: []string{"interface", "RX packets", "per second", "RX dropped", "RX missed", "RX FIFO", "TX dropped"},
		Num: []bool{false, true, true, true, true, true, true}, Fold: len(ifaces) > 16}
	for _, n := range ifaces {
		rx, ok := linkDelta(w, n, "rx_packets", func(d analyze.NetDevDelta) analyze.Delta { return d.RxPackets })
		rate := "—"
		if r, rok := rx.Rate(); ok && rok {
			rate = rateText(r)
		}
		col := func(name string, dev func(analyze.NetDevDelta) analyze.Delta) string {
			d, _ := linkDelta(w, n, name, dev)
			return deltaText(d)
		}
		t.Rows = append(t.Rows, []string{n, deltaText(rx), rate,
			col("rx_dropped", func(d analyze.NetDevDelta) analyze.Delta { return d.RxDrop }),
			col("rx_missed_errors", nil),
			col("rx_fifo_errors", func(d analyze.NetDevDelta) analyze.Delta { return d.RxFifo }),
			col("tx_dropped", func(d analyze.NetDevDelta) analyze.Delta { return d.TxDrop })})
	}
	return t
}

// linkDelta is statistics/NAME over the window, else the same counter of
// proc/net/dev (dev picks it; nil when proc/net/dev has none).
func linkDelta(w *analyze.Window, iface, name string, dev func(analyze.NetDevDelta) analyze.Delta) (analyze.Delta, bool) {
	if d, ok := w.LinkStatDelta(iface, name); ok {
		return d, true
	}
	if dev == nil {
		return analyze.Delta{}, false
	}
	nd, ok := w.NetDevDelta(iface)
	if !ok {
		return analyze.Delta{}, false
	}
	d := dev(nd)
	return d, d.Known()
}
