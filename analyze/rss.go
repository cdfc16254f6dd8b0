package analyze

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/netvet/netvet/collect"
)

// perQueueRx matches drivers' per-queue received-packet counters in
// ethtool -S: igb/ixgbe/virtio "rx_queue_3_packets", i40e/ice "rx-3.packets",
// mlx4/mlx5 "rx3_packets", bnxt "[3]: rx_ucast_packets" (+ mcast, bcast).
var perQueueRx = []*regexp.Regexp{
	regexp.MustCompile(`^rx_queue_(\d+)_packets$`),
	regexp.MustCompile(`^rx-(\d+)\.packets$`),
	regexp.MustCompile(`^rx(\d+)_packets$`),
	regexp.MustCompile(`^\[(\d+)\]: rx_(?:ucast|mcast|bcast)_packets$`),
}

// queuePackets returns received packets per RX queue from ethtool -S, or
// nil when the driver has no per-queue counters.
func (a *analysis) queuePackets(iface string) map[int]Delta {
	out := map[int]Delta{}
	for _, name := range a.w.EthtoolStatNames(iface) {
		for _, re := range perQueueRx {
			m := re.FindStringSubmatch(name)
			if m == nil {
				continue
			}
			q, _ := strconv.Atoi(m[1])
			d, ok := a.w.EthtoolStatDelta(iface, name)
			if !ok {
				break
			}
			if prev, seen := out[q]; seen {
				prev.Inc += d.Inc
				d = prev
			}
			out[q] = d
			break
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

const (
	// With 2–3 queues only a queue carrying ≥ 90% is clearly more than
	// hashing noise.
	skewShareFew = 0.90
	// Traffic gate for per-queue packets: 1,000/s, or 100k since boot (a
	// NIC that received that little since boot still shows whether RSS
	// spreads at all).
	queueMinPPS   = 1000
	queueMinTotal = 100_000
)

// skewLimit is the share above which one of n ≥ 4 queues is hot: three
// times its even share (3/n), at most the catalog's 50% (reached at 4–6
// queues) and at least 20%, since with many queues and few flows a queue
// can hold a few times the average by chance. A bnxt with 8 rings whose
// ring 2 carries 45% (7× each other ring) is hot; 50% alone would miss it.
func skewLimit(n int) float64 {
	if n < 4 {
		return skewShareFew
	}
	return min(0.5, max(3/float64(n), 0.2))
}

func rssRules(a *analysis) []Finding {
	var out []Finding
	for _, iface := range a.rssInterfaces() {
		if f, ok := a.rssQueueSkew(iface); ok {
			out = append(out, f)
		}
		if f, ok := a.rssFewQueues(iface); ok {
			out = append(out, f)
		}
	}
	return out
}

// rssInterfaces lists interfaces with queue vectors or ethtool data.
func (a *analysis) rssInterfaces() []string {
	seen := map[string]bool{}
	for n := range a.nicIRQs() {
		seen[n] = true
	}
	for _, n := range a.interfaces() {
		seen[n] = true
	}
	return sortedKeys(seen)
}

func (a *analysis) rssQueueSkew(iface string) (Finding, bool) {
	counts := map[int]uint64{}
	var total Delta
	source, unit := "", ""
	if qp := a.queuePackets(iface); qp != nil {
		source, unit = "netvet/ethtool/"+iface+".json", "packets"
		first := true
		for q, d := range qp {
			counts[q] = d.Inc
			if first {
				total, first = d, false
			} else {
				total.Inc += d.Inc
			}
		}
		if r, ok := total.Rate(); total.SinceBoot && total.Inc < queueMinTotal || !total.SinceBoot && (!ok || r < queueMinPPS) {
			return Finding{}, false
		}
	} else {
		var vs []collect.QueueIRQ
		for _, v := range a.nicIRQs()[iface] {
			if rxCapable(v.Kind) {
				vs = append(vs, v)
			}
		}
		if len(nicQueues(vs)) < 2 {
			return Finding{}, false
		}
		source, unit = "proc/interrupts", "interrupts"
		first := true
		for _, v := range vs {
			d, ok := a.lineDelta(v.IRQ)
			if !ok {
				continue
			}
			counts[v.Queue] += d.Total.Inc
			if first {
				total, first = d.Total, false
			} else {
				total.Inc += d.Total.Inc
			}
		}
		if !significant(total) {
			return Finding{}, false
		}
	}
	n := len(counts)
	if n < 2 || total.Inc == 0 {
		return Finding{}, false
	}
	hot, hotN := -1, uint64(0)
	for q, c := range counts {
		if c > hotN || c == hotN && q < hot {
			hot, hotN = q, c
		}
	}
	share := float64(hotN) / float64(total.Inc)
	if share < skewLimit(n) {
		return Finding{}, false
	}
	f := Finding{
		ID:       "rss.queue_skew",
		Severity: Warning,
		Subject:  fmt.Sprintf("%s/rx-%d", iface, hot),
		Summary: fmt.Sprintf("RX queue %d of %s carried %s of its %s %s (%d queues; an even spread would be %s each)",
			hot, iface, pct(share), unit, windowPhrase(total), n, pct(1/float64(n))),
		Evidence: []Evidence{
			evValue(fmt.Sprintf("%s on queue %d", unit, hot), float64(hotN), unit, source),
			evDelta(unit+" on all queues", total, unit, source),
			evValue("share of queue "+strconv.Itoa(hot), share*100, "%", source),
			evValue("queues", float64(n), "", source),
		},
		Recommendations: []Recommendation{{
			Summary: fmt.Sprintf("RSS hashes flows, not packets: one queue takes everything when the hash ignores the fields that vary (UDP often hashes on addresses only), when the indirection table points mostly at one queue, or when one elephant flow dominates (then nothing in the NIC can split it; RPS/RFS spread its protocol work). Check the hash fields and the table, include ports for UDP, and reset the table to all %d queues.", n),
			Commands: []string{
				fmt.Sprintf("ethtool -n %s rx-flow-hash tcp4", sh(iface)),
				fmt.Sprintf("ethtool -n %s rx-flow-hash udp4", sh(iface)),
				fmt.Sprintf("ethtool -N %s rx-flow-hash udp4 sdfn", sh(iface)),
				fmt.Sprintf("ethtool -x %s", sh(iface)),
				fmt.Sprintf("ethtool -X %s equal %d", sh(iface), n),
			},
			Persist: ethtoolPersist(iface, "(no nmcli key: use a dispatcher script)", "(no .link key: use a udev rule)", fmt.Sprintf("-X %%k equal %d", n)),
			Risk:    "hashing on UDP ports spreads fragments of one datagram over queues (reordering for fragmented UDP); changing the table briefly reorders packets in flight",
		}},
	}
	return f, true
}

func (a *analysis) rssFewQueues(iface string) (Finding, bool) {
	var ch *collect.Channels
	for i := len(a.w.Snaps) - 1; i >= 0 && ch == nil; i-- {
		if e := a.w.Snaps[i].Ethtool[iface]; e != nil {
			ch = e.Channels
		}
	}
	if ch == nil {
		return Finding{}, false
	}
	kind, cur, maxCh := "combined", ch.Combined, ch.CombinedMax
	if ch.CombinedMax == 0 || ch.Combined == 0 && ch.RX > 0 {
		kind, cur, maxCh = "rx", ch.RX, ch.RXMax
	}
	if maxCh == 0 || cur == 0 {
		return Finding{}, false
	}
	local, from := a.nicCPUs(iface)
	cores := a.host.cores(local)
	coreWord := "physical cores"
	if len(a.host.siblings) == 0 {
		coreWord = "CPUs (hyperthread siblings unknown)"
	}
	target := min(int(maxCh), cores)
	if int(cur) >= target {
		return Finding{}, false
	}
	// Traffic gate: the NIC's queue interrupts, else its received packets.
	traffic, known := Delta{}, false
	if sp, ok := a.nicIRQSpread(a.nicIRQs()[iface]); ok {
		traffic, known = sp.total, significant(sp.total)
	}
	if !known {
		if d, name, _ := a.worstCounter(iface, []counterSource{{"rx_packets", false}, {"rx_packets", true}}); name != "" {
			r, ok := d.Rate()
			known = d.SinceBoot && d.Inc >= queueMinTotal || !d.SinceBoot && ok && r >= queueMinPPS
			traffic = d
		}
	}
	if !known {
		return Finding{}, false
	}
	f := Finding{
		ID:       "rss.few_queues",
		Severity: Info,
		Subject:  iface,
		Summary: fmt.Sprintf("%s uses %d %s channels of %d possible, while %d %s are local to it (%s)",
			iface, cur, kind, maxCh, cores, coreWord, from),
		Evidence: []Evidence{
			evValue(kind+" channels in use", float64(cur), "", "netvet/ethtool/"+iface+".json"),
			evValue(kind+" channels maximum", float64(maxCh), "", "netvet/ethtool/"+iface+".json"),
			evValue("local "+coreWord, float64(cores), "", from),
			evDelta("traffic", traffic, "", ""),
		},
		Recommendations: []Recommendation{changesRec(
			fmt.Sprintf("Use %d channels: more queues let RSS spread received traffic over more cores (then spread their IRQs, see irq.*).", target),
			"the link resets briefly on most drivers; more queues mean more IRQs and memory for rings; some drivers cap channels below the reported maximum",
			ethtoolPersist(iface, fmt.Sprintf("ethtool.channels-%s %d", kind, target), fmt.Sprintf("%sChannels=%d", map[string]string{"combined": "Combined", "rx": "RX"}[kind], target), fmt.Sprintf("-L %%k %s %d", kind, target)),
			Change{Kind: ChangeChannels, Device: iface, Target: kind, Value: strconv.Itoa(target)})},
	}
	return f, true
}
