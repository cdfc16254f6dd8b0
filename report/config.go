package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

// featureNames maps ethtool -K short names to the feature names of
// netvet/ethtool/IF.json (ethtool -k).
var featureNames = map[string]string{
	"gro":    "rx-gro",
	"gso":    "generic-segmentation-offload",
	"tso":    "tcp-segmentation-offload",
	"ntuple": "ntuple-filters",
	"lro":    "large-receive-offload",
}

// configView lays the newest configuration next to what the findings
// recommend. Every recommendation whose command sets a value appears: on
// its sysctl, its interface's setting or queue, or under Other.
func configView(w *analyze.Window, fs []analyze.Finding, views []FindingView) ConfigView {
	props := proposals{}
	for i, f := range fs {
		for _, r := range f.Recommendations {
			for _, c := range r.Commands {
				for _, s := range parseCommand(c) {
					props.add(s, f.ID, views[i].Anchor)
				}
			}
		}
	}
	used := map[string]bool{} // iface+"\x00"+key
	take := func(iface, key string) []Proposal {
		used[iface+"\x00"+key] = true
		return props.get(iface, key)
	}
	var v ConfigView
	last := w.Last()
	cfg := last.Config
	if cfg == nil {
		cfg = &collect.Config{}
	}
	names := make([]string, 0, len(cfg.Sysctls))
	for n := range cfg.Sysctls {
		names = append(names, n)
	}
	for k := range props[""] {
		if n, ok := strings.CutPrefix(k, "sysctl "); ok {
			if _, read := cfg.Sysctls[n]; !read {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	for _, n := range names {
		cur, ok := cfg.Sysctls[n]
		if !ok {
			cur = "not read"
		}
		v.Sysctls = append(v.Sysctls, SettingRow{Name: n, Current: cur, Recommended: take("", "sysctl "+n)})
	}
	irqs := collect.NICIRQs(last)
	ifaces := make([]string, 0, len(cfg.NICs))
	for n, nic := range cfg.NICs {
		if nic != nil && nic.Kind != "loopback" {
			ifaces = append(ifaces, n)
		}
	}
	slices.SortFunc(ifaces, analyze.NaturalCompare)
	for _, n := range ifaces {
		v.NICs = append(v.NICs, nicConfig(cfg, cfg.NICs[n], last.Ethtool[n], irqs[n], take))
	}
	// Whatever no row above took: IRQs of lines that are no NIC queue,
	// interfaces the configuration does not list.
	for _, iface := range sortedKeys(props) {
		for _, key := range sortedKeys(props[iface]) {
			if used[iface+"\x00"+key] {
				continue
			}
			name := key
			if iface != "" {
				name = iface + " " + key
			}
			cur := "—"
			if n, ok := strings.CutPrefix(key, "irq "); ok {
				if num, err := strconv.Atoi(n); err == nil {
					if a, ok := cfg.IRQs[num]; ok {
						cur = a.Affinity.List()
					}
				}
			}
			v.Other = append(v.Other, SettingRow{Name: name, Current: cur, Recommended: props[iface][key]})
		}
	}
	return v
}

// nicConfig is one interface's settings and its queue table.
func nicConfig(cfg *collect.Config, nic *collect.NIC, et *collect.Ethtool, qirqs []collect.QueueIRQ, take func(iface, key string) []Proposal) NICConfig {
	n := nic.Name
	c := NICConfig{Name: n, Kind: orDash(nic.Kind), Driver: orDash(nic.Driver), NUMA: "—", LocalCPUs: "—"}
	if nic.NUMANode >= 0 {
		c.NUMA = strconv.Itoa(nic.NUMANode)
	}
	if nic.HasLocal {
		c.LocalCPUs = nic.LocalCPUs.List()
	}
	row := func(name, cur, key string) {
		c.Settings = append(c.Settings, SettingRow{Name: name, Current: cur, Recommended: take(n, key)})
	}
	row("MTU", intOrDash(nic.MTU), "mtu")
	row("txqueuelen", intOrDash(nic.TxQueueLen), "txqueuelen")
	if et != nil && et.Rings != nil {
		row("RX ring", fmt.Sprintf("%d of max %d", et.Rings.RX, et.Rings.RXMax), "ring rx")
		row("TX ring", fmt.Sprintf("%d of max %d", et.Rings.TX, et.Rings.TXMax), "ring tx")
	}
	if et != nil && et.Channels != nil {
		ch := et.Channels
		row("combined channels", fmt.Sprintf("%d of max %d", ch.Combined, ch.CombinedMax), "channels combined")
		if ch.RXMax > 0 || ch.RX > 0 {
			row("RX channels", fmt.Sprintf("%d of max %d", ch.RX, ch.RXMax), "channels rx")
		}
	}
	for _, short := range []string{"gro", "gso", "tso", "ntuple"} {
		cur := "—"
		if et != nil {
			if on, ok := et.Features[featureNames[short]]; ok {
				cur = map[bool]string{true: "on", false: "off"}[on]
			}
		}
		if cur != "—" || len(take(n, "feature "+short)) > 0 {
			row(featureNames[short], cur, "feature "+short)
		}
	}
	c.Queues = queueTable(cfg, nic, qirqs, take)
	return c
}

// queueTable has one row per queue number: its interrupt vectors and their
// affinity, RPS on rx-N, XPS on tx-N; "current → recommended" where a
// finding proposes a value.
func queueTable(cfg *collect.Config, nic *collect.NIC, qirqs []collect.QueueIRQ, take func(iface, key string) []Proposal) Table {
	n := nic.Name
	byQ := map[int][]int{}
	maxQ := max(len(nic.Rx), len(nic.Tx)) - 1
	for _, q := range qirqs {
		byQ[q.Queue] = append(byQ[q.Queue], q.IRQ)
		maxQ = max(maxQ, q.Queue)
	}
	t := Table{Caption: n + " queues", Head: []string{"queue", "IRQ", "IRQ affinity", "rps_cpus", "rps_flow_cnt", "xps_cpus"},
		Num: []bool{true, true, false, false, true, false}, Fold: maxQ+1 > 16}
	rx := map[int]collect.RxQueue{}
	for _, q := range nic.Rx {
		rx[q.Index] = q
	}
	tx := map[int]collect.TxQueue{}
	for _, q := range nic.Tx {
		tx[q.Index] = q
	}
	for i := 0; i <= maxQ; i++ {
		var irqs, aff []string
		for _, irq := range byQ[i] {
			irqs = append(irqs, strconv.Itoa(irq))
			cur := "—"
			if a, ok := cfg.IRQs[irq]; ok {
				cur = a.Affinity.List()
			}
			aff = append(aff, arrow(cur, take("", "irq "+strconv.Itoa(irq)), false))
		}
		rps, flow, xps := "—", "—", "—"
		if q, ok := rx[i]; ok {
			if q.HasRPS {
				rps = maskText(q.RPSCPUs.List())
			}
			if q.RPSFlowCnt >= 0 {
				flow = strconv.Itoa(q.RPSFlowCnt)
			}
		}
		rps = arrow(rps, take(n, fmt.Sprintf("sysfs queues/rx-%d/rps_cpus", i)), true)
		flow = arrow(flow, take(n, fmt.Sprintf("sysfs queues/rx-%d/rps_flow_cnt", i)), false)
		if q, ok := tx[i]; ok && q.HasXPS {
			xps = maskText(q.XPSCPUs.List())
		}
		xps = arrow(xps, take(n, fmt.Sprintf("sysfs queues/tx-%d/xps_cpus", i)), true)
		t.Rows = append(t.Rows, []string{strconv.Itoa(i), orDash(strings.Join(irqs, ", ")), orDash(strings.Join(aff, "; ")), rps, flow, xps})
	}
	return t
}

// arrow writes "current → recommended" (recommended values joined with
// " or "), or current alone when nothing is proposed. Masks are shown as
// CPU lists.
func arrow(cur string, ps []Proposal, mask bool) string {
	if len(ps) == 0 {
		return cur
	}
	var vs []string
	for _, p := range ps {
		v := p.Value
		if mask {
			v = maskList(v)
		}
		vs = append(vs, v)
	}
	return cur + " → " + strings.Join(vs, " or ")
}

// maskText shows an empty CPU set as "none (0)", as sysfs' all-zero mask.
func maskText(list string) string {
	if list == "" {
		return "none (0)"
	}
	return list
}

func intOrDash(v int) string {
	if v < 0 {
		return "—"
	}
	return strconv.Itoa(v)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, analyze.NaturalCompare)
	return out
}
