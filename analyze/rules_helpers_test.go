package analyze

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

// Builders for the rule tests: hand-made windows whose every number is
// chosen by the test, so a rule's gates and arithmetic can be pinned.

// scene is a window under construction: snapshots step apart on one boot,
// all sharing one Config, as the Sampler produces between configuration
// reads. Counters are set per snapshot by the helpers below.
type scene struct {
	cfg   *collect.Config
	snaps []*collect.Snapshot
	step  time.Duration
}

// newScene returns n snapshots step apart. With n == 1 the snapshot is
// alone (totals since boot) and its uptime is step.
func newScene(n int, step time.Duration) *scene {
	sc := &scene{cfg: &collect.Config{Sysctls: map[string]string{}}, step: step}
	for i := range n {
		s := at(float64(i) * step.Seconds())
		s.Host.Uptime = 1000 + float64(i)*step.Seconds()
		if n == 1 {
			s.Host.Uptime = step.Seconds()
		}
		s.Config = sc.cfg
		sc.snaps = append(sc.snaps, s)
	}
	return sc
}

// each runs fn on every snapshot.
func (sc *scene) each(fn func(i int, s *collect.Snapshot)) *scene {
	for i, s := range sc.snaps {
		fn(i, s)
	}
	return sc
}

// sysctl sets sysctls: name, value, name, value…
func (sc *scene) sysctl(kv ...string) *scene {
	for i := 0; i+1 < len(kv); i += 2 {
		sc.cfg.Sysctls[kv[i]] = kv[i+1]
	}
	return sc
}

// kernel sets the kernel release of every snapshot.
func (sc *scene) kernel(release string) *scene {
	return sc.each(func(_ int, s *collect.Snapshot) { s.Host.Kernel = release })
}

func (sc *scene) window() *Window { return NewWindow(sc.snaps, sc.step) }

func (sc *scene) analyze(opts Options) Result { return Analyze(sc.window(), opts) }

// analysis is what the rules see, for tests of the helpers behind them.
func (sc *scene) analysis() *analysis { return newAnalysis(sc.window(), Options{}) }

// cumulative is a counter's reading at each snapshot: base, then base
// plus each increase in turn.
func cumulative(base uint64, incs ...uint64) []uint64 {
	out := []uint64{base}
	for _, d := range incs {
		out = append(out, out[len(out)-1]+d)
	}
	return out
}

// steady is a counter rising by inc in each of n-1 intervals.
func steady(base, inc uint64, n int) []uint64 {
	incs := make([]uint64, n-1)
	for i := range incs {
		incs[i] = inc
	}
	return cumulative(base, incs...)
}

func (sc *scene) check(values []uint64) {
	if len(values) != len(sc.snaps) {
		panic(fmt.Sprintf("%d values for %d snapshots", len(values), len(sc.snaps)))
	}
}

// netstat sets a proc/net/netstat counter ("TcpExt.ListenOverflows").
func (sc *scene) netstat(key string, values []uint64) *scene {
	sc.check(values)
	return sc.each(func(i int, s *collect.Snapshot) {
		if s.Netstat == nil {
			s.Netstat = &collect.Counters{Values: map[string]uint64{}}
		}
		s.Netstat.Values[key] = values[i]
	})
}

// snmp sets a proc/net/snmp counter ("Udp.RcvbufErrors").
func (sc *scene) snmp(key string, values []uint64) *scene {
	sc.check(values)
	return sc.each(func(i int, s *collect.Snapshot) {
		if s.SNMP == nil {
			s.SNMP = &collect.Counters{Values: map[string]uint64{}}
		}
		s.SNMP.Values[key] = values[i]
	})
}

// link gives iface a sys/class/net link in every snapshot.
func (sc *scene) link(iface, operstate string, speed int) *scene {
	return sc.each(func(_ int, s *collect.Snapshot) {
		if s.Links == nil {
			s.Links = map[string]*collect.Link{}
		}
		s.Links[iface] = &collect.Link{Name: iface, Operstate: operstate, Carrier: 1, Speed: speed, Stats: map[string]uint64{}}
	})
}

// linkStat sets sys/class/net/<iface>/statistics/<name> (the link must exist).
func (sc *scene) linkStat(iface, name string, values []uint64) *scene {
	sc.check(values)
	return sc.each(func(i int, s *collect.Snapshot) { s.Links[iface].Stats[name] = values[i] })
}

// ethtool gives iface netvet/ethtool data in every snapshot (a copy each,
// without stats; add them with ethtoolStat).
func (sc *scene) ethtool(iface string, e collect.Ethtool) *scene {
	return sc.each(func(_ int, s *collect.Snapshot) {
		if s.Ethtool == nil {
			s.Ethtool = map[string]*collect.Ethtool{}
		}
		c := e
		c.Stats = nil
		s.Ethtool[iface] = &c
	})
}

// ethtoolStat appends an ethtool -S counter of iface (ethtool must be set).
func (sc *scene) ethtoolStat(iface, name string, values []uint64) *scene {
	sc.check(values)
	return sc.each(func(i int, s *collect.Snapshot) {
		e := s.Ethtool[iface]
		e.Stats = append(e.Stats, collect.Stat{Name: name, Value: values[i]})
	})
}

// softnet sets every snapshot's softnet_stat rows: rows(i) for snapshot i.
func (sc *scene) softnet(rows func(i int) []collect.SoftnetCPU) *scene {
	return sc.each(func(i int, s *collect.Snapshot) { s.Softnet = rows(i) })
}

// interrupts sets proc/interrupts: each line's count on each CPU grows by
// perStep[line][col] per snapshot, starting at perStep (so a single
// snapshot holds perStep as its totals since boot).
func (sc *scene) interrupts(cpus []int, lines []collect.IRQLine, perStep [][]uint64) *scene {
	if len(perStep) != len(lines) {
		panic("interrupts: one row of counts per line")
	}
	return sc.each(func(i int, s *collect.Snapshot) {
		in := &collect.Interrupts{CPUs: cpus, Lines: lines}
		for _, row := range perStep {
			if len(row) != len(cpus) {
				panic("interrupts: row width differs from the CPU count")
			}
			for _, v := range row {
				in.Counts = append(in.Counts, v*uint64(i+1))
			}
		}
		s.Interrupts = in
	})
}

// queueLines is one TxRx vector per queue of iface, IRQ numbers from first
// ("eth0-TxRx-3", as igb/ixgbe name them).
func queueLines(iface string, first, n int) []collect.IRQLine {
	var out []collect.IRQLine
	for q := range n {
		out = append(out, queueLine(iface, first+q, q, "TxRx"))
	}
	return out
}

// queueLine is one vector of queue q of iface, of kind "TxRx", "rx" or "tx".
func queueLine(iface string, irq, q int, kind string) collect.IRQLine {
	return collect.IRQLine{IRQ: strconv.Itoa(irq), Num: irq, Chip: "IR-PCI-MSI", Device: fmt.Sprintf("%s-%s-%d", iface, kind, q),
		NIC: iface, Queue: q, Kind: kind}
}

// onCPU is a row of counts with n on column col and 0 elsewhere.
func onCPU(ncols, col int, n uint64) []uint64 {
	row := make([]uint64, ncols)
	row[col] = n
	return row
}

// seq is 0..n-1.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// smtTopology is ncpu online CPUs where CPU c and c+ncpu/2 are hyperthread
// siblings, on nodes NUMA nodes that each hold an equal share of the cores
// and their siblings (as internal/synthhost lays out a host).
func smtTopology(ncpu, nodes int) *collect.Topology {
	t := &collect.Topology{Online: cpumask.Range(0, ncpu-1), Nodes: map[int]cpumask.Set{}, Siblings: map[int]cpumask.Set{}}
	cores := ncpu / 2
	per := cores / nodes
	for c := range cores {
		sib := cpumask.Of(c, c+cores)
		t.Siblings[c], t.Siblings[c+cores] = sib, sib
		n := c / per
		t.Nodes[n] = t.Nodes[n].Union(sib)
	}
	return t
}

// flatTopology is ncpu online CPUs on one node without siblings.
func flatTopology(ncpu int) *collect.Topology {
	return &collect.Topology{Online: cpumask.Range(0, ncpu-1), Nodes: map[int]cpumask.Set{0: cpumask.Range(0, ncpu-1)}}
}

// physNIC is a physical NIC with rx and tx queues (RPS, RFS and XPS off).
func physNIC(name string, rx, tx int) *collect.NIC {
	n := &collect.NIC{Name: name, Kind: "physical", Driver: "ixgbe", MTU: 1500, TxQueueLen: 1000, NUMANode: -1}
	for q := range rx {
		n.Rx = append(n.Rx, collect.RxQueue{Index: q, RPSFlowCnt: 0, HasRPS: true})
	}
	for q := range tx {
		n.Tx = append(n.Tx, collect.TxQueue{Index: q, HasXPS: true})
	}
	return n
}

// onNode places a NIC on a NUMA node with its local_cpulist.
func onNode(n *collect.NIC, node int, local cpumask.Set) *collect.NIC {
	n.NUMANode, n.LocalCPUs, n.HasLocal = node, local, true
	return n
}

// nics sets the scene's NICs.
func (sc *scene) nics(ns ...*collect.NIC) *scene {
	if sc.cfg.NICs == nil {
		sc.cfg.NICs = map[string]*collect.NIC{}
	}
	for _, n := range ns {
		sc.cfg.NICs[n.Name] = n
	}
	return sc
}

// byID returns res's findings with id, in order.
func byID(res Result, id string) []Finding {
	var out []Finding
	for _, f := range res.Findings {
		if f.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// only returns the one finding with id, failing the test otherwise.
func only(t *testing.T, res Result, id string) Finding {
	t.Helper()
	fs := byID(res, id)
	if len(fs) != 1 {
		t.Fatalf("want exactly one %s, got %d: %v", id, len(fs), ids(res))
	}
	return fs[0]
}

// commands flattens a finding's commands, in order.
func commands(f Finding) []string {
	var out []string
	for _, r := range f.Recommendations {
		out = append(out, r.Commands...)
	}
	return out
}

// evidenceValue returns the value of f's evidence named metric.
func evidenceValue(t *testing.T, f Finding, metric string) float64 {
	t.Helper()
	i := slices.IndexFunc(f.Evidence, func(e Evidence) bool { return e.Metric == metric })
	if i < 0 {
		var have []string
		for _, e := range f.Evidence {
			have = append(have, e.Metric)
		}
		t.Fatalf("%s %s: no evidence %q; have %q", f.ID, f.Subject, metric, have)
	}
	return f.Evidence[i].Value
}

// evidenceText returns the text of f's evidence named metric.
func evidenceText(t *testing.T, f Finding, metric string) string {
	t.Helper()
	i := slices.IndexFunc(f.Evidence, func(e Evidence) bool { return e.Metric == metric })
	if i < 0 {
		t.Fatalf("%s %s: no evidence %q", f.ID, f.Subject, metric)
	}
	return f.Evidence[i].Text
}

// severities maps each subject of id's findings to its severity.
func severities(res Result, id string) map[string]Severity {
	out := map[string]Severity{}
	for _, f := range byID(res, id) {
		out[f.Subject] = f.Severity
	}
	return out
}
