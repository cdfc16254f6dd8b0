package analyze

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/netvet/netvet/collect"
)

// Loss gates of the NIC counters (see lossSeverity): ten lost packets in the
// window is an ongoing loss. Damaged frames are rarer than drops on a
// healthy link, so 100 since boot already points at the physical layer.
const (
	overrunNow, overrunBoot   = 10, 1000
	rxErrorsNow, rxErrorsBoot = 10, 100
	txDropsNow, txDropsBoot   = 10, 1000
)

func nicRules(a *analysis) []Finding {
	var out []Finding
	for _, iface := range a.interfaces() {
		out = append(out, a.nicRingOverrun(iface)...)
		out = append(out, a.nicRingSmall(iface)...)
		out = append(out, a.nicRxErrors(iface)...)
		out = append(out, a.nicTxDrops(iface)...)
		out = append(out, a.nicLinkDown(iface)...)
		out = append(out, a.nicOffloadOff(iface)...)
	}
	return out
}

// interfaces lists the interfaces any snapshot of the window knows, in
// natural order, without loopback.
func (a *analysis) interfaces() []string {
	seen := map[string]bool{}
	for _, s := range a.w.Snaps {
		for n := range s.Links {
			seen[n] = true
		}
		for n := range s.Ethtool {
			seen[n] = true
		}
	}
	delete(seen, "lo")
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return NaturalCompare(out[i], out[j]) < 0 })
	return out
}

// counterSource is one place a NIC counter can be read.
type counterSource struct {
	name    string
	ethtool bool // an ethtool -S name, else sys/class/net/IF/statistics/NAME
}

// worstCounter returns the largest delta among the sources (they often
// count the same event twice: ixgbe's rx_missed_errors is both a sysfs and
// an ethtool counter), with every source that rose as evidence.
func (a *analysis) worstCounter(iface string, srcs []counterSource) (Delta, string, []Evidence) {
	var best Delta
	bestName := ""
	var ev []Evidence
	for _, s := range srcs {
		var d Delta
		var ok bool
		path := "sys/class/net/" + iface + "/statistics/" + s.name
		if s.ethtool {
			d, ok = a.w.EthtoolStatDelta(iface, s.name)
			path = "netvet/ethtool/" + iface + ".json"
		} else {
			d, ok = a.w.LinkStatDelta(iface, s.name)
		}
		if !ok {
			continue
		}
		if d.Inc > 0 {
			ev = append(ev, evDelta(s.name, d, "packets", path))
		}
		if bestName == "" || d.Inc > best.Inc {
			best, bestName = d, s.name
		}
	}
	return best, bestName, ev
}

// overrunSources count packets the NIC had to drop because the RX ring had
// no free descriptor: the CPU did not refill it in time. The sysfs names
// are the kernel's rtnl_link_stats64 fields; the ethtool names are the
// drivers' (igb/ixgbe rx_no_buffer_count, ixgbe rx_no_dma_resources, mlx5
// rx_out_of_buffer and rx_discards_phy, i40e port.rx_dropped).
var overrunSources = []counterSource{
	{"rx_missed_errors", false}, {"rx_fifo_errors", false}, {"rx_over_errors", false},
	{"rx_missed_errors", true}, {"rx_no_buffer_count", true}, {"rx_no_dma_resources", true},
	{"rx_out_of_buffer", true}, {"rx_discards_phy", true}, {"port.rx_dropped", true},
	{"rx_fifo_errors", true}, {"rx_over_errors", true},
}

func (a *analysis) rings(iface string) *collect.Rings {
	for i := len(a.w.Snaps) - 1; i >= 0; i-- {
		if e := a.w.Snaps[i].Ethtool[iface]; e != nil && e.Rings != nil {
			return e.Rings
		}
	}
	return nil
}

func (a *analysis) nicRingOverrun(iface string) []Finding {
	d, name, ev := a.worstCounter(iface, overrunSources)
	if name == "" || d.Inc == 0 {
		return nil
	}
	f := Finding{
		ID:       "nic.rx_ring_overrun",
		Severity: lossSeverity(d, overrunNow, overrunBoot),
		Subject:  iface,
		Summary:  fmt.Sprintf("%s dropped %s packets %s because its RX ring was full (%s)", iface, ratePhrase(d), windowPhrase(d), name),
		Evidence: ev,
	}
	r := a.rings(iface)
	switch {
	case r != nil && r.RXMax > 0 && r.RX < r.RXMax:
		f.Evidence = append(f.Evidence, evValue("RX ring size", float64(r.RX), "descriptors", "netvet/ethtool/"+iface+".json"),
			evValue("RX ring maximum", float64(r.RXMax), "descriptors", "netvet/ethtool/"+iface+".json"))
		f.Recommendations = append(f.Recommendations, changesRec(
			fmt.Sprintf("Grow the RX ring from %d to its maximum %d descriptors, so a burst waits in the ring instead of being dropped while the CPU catches up.", r.RX, r.RXMax),
			"a larger ring uses more memory and cache and adds latency when the CPU falls behind; many drivers reset the link briefly to resize it",
			ethtoolPersist(iface, fmt.Sprintf("ethtool.ring-rx %d", r.RXMax), fmt.Sprintf("RxBufferSize=%d", r.RXMax), "-G %k rx "+fmt.Sprint(r.RXMax)),
			Change{Kind: ChangeRing, Device: iface, Target: "rx", Value: fmt.Sprint(r.RXMax)}))
	case r != nil && r.RXMax > 0:
		f.Evidence = append(f.Evidence, evValue("RX ring size (at its maximum)", float64(r.RX), "descriptors", "netvet/ethtool/"+iface+".json"))
		f.Recommendations = append(f.Recommendations, Recommendation{
			Summary:  "The ring is already at its maximum: the CPU serving this queue does not keep up. Spread the work (more channels with `ethtool -L`, IRQs on more CPUs, RPS) and check the interrupt coalescing settings.",
			Commands: []string{"ethtool -l " + sh(iface), "ethtool -c " + sh(iface)},
		})
	default:
		f.Recommendations = append(f.Recommendations, Recommendation{
			Summary:  "Grow the RX ring toward its maximum (the ring sizes were not readable here: `ethtool -g` shows current and maximum).",
			Commands: []string{"ethtool -g " + sh(iface), "ethtool -G " + sh(iface) + " rx MAX"},
			Persist:  ethtoolPersist(iface, "ethtool.ring-rx N", "RxBufferSize=N", "-G %k rx N"),
			Risk:     "more memory and latency under overload; a short link reset on many drivers",
		})
	}
	return []Finding{f}
}

// Rings below a quarter of their maximum are small for a NIC that carries
// traffic: drivers default to 256–512 descriptors of 4096–8192, tuned for
// memory on small machines. 1,000 packets/s (1M since boot) marks "traffic".
const (
	ringSmallShare   = 0.25
	ringTrafficPPS   = 1000
	ringTrafficTotal = 1_000_000
)

func (a *analysis) nicRingSmall(iface string) []Finding {
	r := a.rings(iface)
	if r == nil || r.RXMax == 0 || float64(r.RX) >= ringSmallShare*float64(r.RXMax) {
		return nil
	}
	rx, rxName, _ := a.worstCounter(iface, []counterSource{{"rx_packets", false}, {"rx_packets", true}})
	trafficKnown := rxName != ""
	if !trafficKnown && a.last.Interrupts != nil && len(a.nicIRQs()[iface]) == 0 {
		// proc/interrupts has no vector for it: drivers request their IRQs
		// when the port is opened, so the port is down or unused.
		return nil
	}
	if trafficKnown {
		if rate, ok := rx.Rate(); rx.SinceBoot && rx.Inc < ringTrafficTotal || !rx.SinceBoot && (!ok || rate < ringTrafficPPS) {
			return nil
		}
	}
	drops, _, _ := a.worstCounter(iface, overrunSources)
	sev := Info
	if drops.Inc > 0 {
		sev = Warning
	}
	want := suggestRing(r.RX, r.RXMax)
	f := Finding{
		ID:       "nic.ring_small",
		Severity: sev,
		Subject:  iface,
		Summary:  fmt.Sprintf("%s's RX ring has %d descriptors, %s of its maximum %d", iface, r.RX, pct(float64(r.RX)/float64(r.RXMax)), r.RXMax),
		Evidence: []Evidence{
			evValue("RX ring size", float64(r.RX), "descriptors", "netvet/ethtool/"+iface+".json"),
			evValue("RX ring maximum", float64(r.RXMax), "descriptors", "netvet/ethtool/"+iface+".json"),
		},
	}
	if trafficKnown {
		f.Evidence = append(f.Evidence, evDelta("rx_packets", rx, "packets", ""))
	} else {
		f.Summary += " (its traffic is not known in this snapshot)"
	}
	if drops.Inc > 0 {
		f.Evidence = append(f.Evidence, evDelta("RX ring overruns", drops, "packets", ""))
	}
	f.Recommendations = append(f.Recommendations, changesRec(
		fmt.Sprintf("Give the ring room for bursts: %d descriptors (≥ a quarter of the maximum, a power of two); go to the maximum %d if nic.rx_ring_overrun shows drops.", want, r.RXMax),
		"more memory and cache per queue; many drivers reset the link briefly to resize",
		ethtoolPersist(iface, fmt.Sprintf("ethtool.ring-rx %d", want), fmt.Sprintf("RxBufferSize=%d", want), fmt.Sprintf("-G %%k rx %d", want)),
		Change{Kind: ChangeRing, Device: iface, Target: "rx", Value: fmt.Sprint(want)}))
	return []Finding{f}
}

// suggestRing is the smallest power of two ≥ max(1024, max/4), capped at
// the maximum and never below the current size.
func suggestRing(cur, maxRing uint32) uint32 {
	want := max(uint32(1024), (maxRing+3)/4)
	p := uint32(1)
	for p < want && p < 1<<30 {
		p <<= 1
	}
	return max(min(p, maxRing), cur)
}

var rxErrorSources = []counterSource{
	{"rx_crc_errors", false}, {"rx_crc_errors", true},
	{"rx_frame_errors", false}, {"rx_align_errors", true},
	{"rx_length_errors", false}, {"rx_length_errors", true},
}

// rxErrorKinds groups rxErrorSources by kind: CRC, framing, length.
func rxErrorKinds() [][]counterSource {
	return [][]counterSource{rxErrorSources[0:2], rxErrorSources[2:4], rxErrorSources[4:6]}
}

// txDropSources count packets dropped on transmit.
var txDropSources = []counterSource{{"tx_dropped", false}, {"tx_dropped", true}}

func (a *analysis) nicRxErrors(iface string) []Finding {
	// Sum the kinds, each kind from its largest source.
	kinds := rxErrorKinds()
	var total Delta
	var ev []Evidence
	any := false
	for _, k := range kinds {
		d, name, e := a.worstCounter(iface, k)
		if name == "" {
			continue
		}
		any = true
		ev = append(ev, e...)
		if !total.Known() {
			total = d
			continue
		}
		total.Inc += d.Inc
		total.LongestRun = max(total.LongestRun, d.LongestRun)
	}
	if !any || total.Inc == 0 {
		return nil
	}
	return []Finding{{
		ID:       "nic.rx_errors",
		Severity: lossSeverity(total, rxErrorsNow, rxErrorsBoot),
		Subject:  iface,
		Summary:  fmt.Sprintf("%s received %s damaged frames (CRC, framing or length errors) %s", iface, ratePhrase(total), windowPhrase(total)),
		Evidence: ev,
		Recommendations: []Recommendation{{
			Summary:  "Damaged frames come from the physical layer: a bad cable or optic, a dirty connector, or a speed/duplex mismatch with the switch (a half-duplex end shows CRC errors on the other). Compare with the switch port's counters and the optic's light levels.",
			Commands: []string{"ethtool " + sh(iface), "ethtool -m " + sh(iface), "ethtool -S " + sh(iface) + " | grep -i -E 'crc|align|length|symbol'"},
		}},
	}}
}

func (a *analysis) nicTxDrops(iface string) []Finding {
	if n := a.cfg.NICs[iface]; n != nil && n.Kind != "physical" && n.Kind != "bond" && n.Kind != "vlan" {
		return nil // veth, tun, bridges drop by design when their reader is slow
	}
	d, name, ev := a.worstCounter(iface, txDropSources)
	if name == "" || d.Inc == 0 {
		return nil
	}
	f := Finding{
		ID:       "nic.tx_drops",
		Severity: lossSeverity(d, txDropsNow, txDropsBoot),
		Subject:  iface,
		Summary:  fmt.Sprintf("%s dropped %s packets on transmit %s", iface, ratePhrase(d), windowPhrase(d)),
		Evidence: ev,
	}
	q := 0
	if n := a.cfg.NICs[iface]; n != nil {
		q = n.TxQueueLen
		f.Evidence = append(f.Evidence, evValue("txqueuelen", float64(q), "packets", "sys/class/net/"+iface+"/tx_queue_len"))
	}
	rec := Recommendation{
		Summary:  "See where they drop: `tc -s qdisc` shows each qdisc's drops and backlog. A qdisc that overflows on bursts needs a longer queue (txqueuelen for pfifo_fast, `limit` for fq/fq_codel); drops with an empty qdisc point at the driver's TX ring (`ethtool -G tx`).",
		Commands: []string{"tc -s qdisc show dev " + sh(iface)},
	}
	if q > 0 {
		next := doubled(int64(q), 1000)
		ch := Change{Kind: ChangeTxQueueLen, Device: iface, Value: strconv.FormatInt(next, 10)}
		rec.Changes = []Change{ch}
		rec.Commands = append(rec.Commands, ch.Command())
		rec.Persist = fmt.Sprintf(`udev: ACTION=="add", SUBSYSTEM=="net", KERNEL=="%s", ATTR{tx_queue_len}="%d" in %s`, iface, next, UdevFile)
		rec.Risk = "a longer queue adds latency under sustained overload (bufferbloat); fq_codel keeps it in check"
	}
	f.Recommendations = []Recommendation{rec}
	return []Finding{f}
}

func (a *analysis) nicLinkDown(iface string) []Finding {
	l := a.last.Links[iface]
	if l == nil || (l.Operstate != "down" && l.Operstate != "lowerlayerdown") {
		return nil
	}
	addrs := a.cfg.Addrs[iface]
	master := ""
	if n := a.cfg.NICs[iface]; n != nil {
		master = n.Master
	}
	_, isBondSlave := a.last.Bonds[master]
	if len(addrs) == 0 && !isBondSlave {
		return nil // an unused port: down is its normal state
	}
	why := fmt.Sprintf("it has addresses %v", addrs)
	if isBondSlave {
		why = "it is a slave of bond " + master
	}
	return []Finding{{
		ID:       "nic.link_down",
		Severity: Warning,
		Subject:  iface,
		Summary:  fmt.Sprintf("%s is %s although %s", iface, l.Operstate, why),
		Evidence: []Evidence{evText("operstate", l.Operstate, "sys/class/net/"+iface+"/operstate")},
		Recommendations: []Recommendation{{
			Summary:  "Check the link: `ethtool` shows whether a carrier is detected; a down port with an address is a missing cable, a disabled switch port, or `ip link set up` never run.",
			Commands: []string{"ethtool " + sh(iface), "ip link show " + sh(iface)},
		}},
	}}
}

// offloads that a NIC should not run without: GRO and GSO are done in
// software and always possible; TSO needs the hardware. feature is the
// kernel's name (what a live host and a recording hold); legacy is the
// group name an old `ethtool -k` printed alone, which a sosreport may keep.
var offloads = []struct{ feature, legacy string }{
	{"rx-gro", "generic-receive-offload"},
	{"tx-generic-segmentation", "generic-segmentation-offload"},
	{"tx-tcp-segmentation", "tcp-segmentation-offload"},
}

// feature looks a feature up by its kernel name, else by the legacy name.
func feature(fs map[string]bool, kernel, legacy string) (on, known bool, name string) {
	if on, ok := fs[kernel]; ok {
		return on, true, kernel
	}
	on, ok := fs[legacy]
	return on, ok, legacy
}

func (a *analysis) nicOffloadOff(iface string) []Finding {
	e := a.last.Ethtool[iface]
	if e == nil || e.Features == nil || e.Bus == "" {
		return nil // features unknown, or not a physical (bus) device
	}
	if n := a.cfg.NICs[iface]; n != nil && n.Kind != "physical" {
		return nil
	}
	var off []string
	var ev []Evidence
	var changes []Change
	for _, o := range offloads {
		if on, ok, name := feature(e.Features, o.feature, o.legacy); ok && !on {
			off = append(off, FeatureShortName(o.feature))
			ev = append(ev, evText(name, "off", "netvet/ethtool/"+iface+".json"))
			changes = append(changes, Change{Kind: ChangeFeature, Device: iface, Target: o.feature, Value: "on"})
		}
	}
	if len(off) == 0 {
		return nil
	}
	rec := changesRec(
		"Turn the offloads on (ethtool -k shows \"[fixed]\" where the hardware cannot). Some setups turn them off on purpose: packet capture that must see wire frames, or a driver bug workaround.",
		"GRO merges packets before the stack, which changes what a capture on this host sees; LRO (not touched here) is the one that breaks forwarding",
		"", changes...)
	args := strings.TrimPrefix(rec.Commands[0], "ethtool ")
	rec.Persist = ethtoolPersist(iface, "ethtool.feature-gro on (etc.)", "GenericReceiveOffload=yes (etc.)", args)
	return []Finding{{
		ID:              "nic.offload_off",
		Severity:        Info,
		Subject:         iface,
		Summary:         fmt.Sprintf("%s has %s off: the stack handles every wire-sized packet on its own, costing CPU per byte", iface, joinAnd(off)),
		Evidence:        ev,
		Recommendations: []Recommendation{rec},
	}}
}
