package analyze

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

// rpsScene is a 48-CPU host on two NUMA nodes (0-23, 24-47; no siblings)
// with one NIC, eth0, whose rxq RX queues take their one vector (IRQ 40)
// on irqCPU and which receives pps packets/s over 10 s. node < 0 leaves the
// NIC's node unknown.
func rpsScene(node, rxq, irqCPU int, pps uint64) *scene {
	sc := newScene(2, 10*time.Second).each(func(_ int, s *collect.Snapshot) { s.Host.CPUs = 48 })
	sc.cfg.Topology = &collect.Topology{Online: cpumask.Range(0, 47), Nodes: map[int]cpumask.Set{0: cpumask.Range(0, 23), 1: cpumask.Range(24, 47)}}
	nic := physNIC("eth0", rxq, rxq)
	if node >= 0 {
		onNode(nic, node, sc.cfg.Topology.Nodes[node])
	}
	sc.nics(nic).link("eth0", "up", 10000).linkStat("eth0", "rx_packets", cumulative(1e9, pps*10))
	sc.cfg.IRQs = setAffinity(nil, 40, cpumask.Of(irqCPU))
	return sc.interrupts(seq(48), queueLines("eth0", 40, 1), [][]uint64{onCPU(48, irqCPU, pps)})
}

func TestRPSRecommendedMask(t *testing.T) {
	tests := []struct {
		name         string
		node, irqCPU int
		want         string // the rps_cpus mask
	}{
		// nr_cpu_ids 48: two 32-bit words, the first padded to 4 digits.
		{"node 0, IRQ on CPU 0", 0, 0, "0000,00fffffe"},
		{"node 1, IRQ on CPU 24", 1, 24, "ffff,fe000000"},
		{"node unknown, IRQ on CPU 0", -1, 0, "ffff,fffffffe"},
		{"node 0, IRQ on a remote CPU: every local CPU", 0, 30, "0000,00ffffff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := only(t, rpsScene(tc.node, 1, tc.irqCPU, 20_000).analyze(Options{}), "rps.recommended")
			want := Recommendation{
				Commands: []string{fmt.Sprintf("echo %s > /sys/class/net/eth0/queues/rx-0/rps_cpus", tc.want)},
				Changes:  []Change{{Kind: ChangeSysfs, Device: "eth0", Target: "queues/rx-0/rps_cpus", Value: tc.want}},
				Persist:  fmt.Sprintf(`the kernel forgets this at reboot: add to /etc/udev/rules.d/90-netvet.rules: ACTION=="add", SUBSYSTEM=="net", KERNEL=="eth0", ATTR{queues/rx-0/rps_cpus}="%s"`, tc.want),
			}
			got := f.Recommendations[0]
			got.Summary, got.Risk = "", ""
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("recommendation (-want +got):\n%s", d)
			}
			if got := evidenceText(t, f, "CPUs taking its interrupts"); got != fmt.Sprint(tc.irqCPU) {
				t.Errorf("IRQ CPUs evidence = %q", got)
			}
		})
	}
}

func TestRPSRecommendedGates(t *testing.T) {
	tests := []struct {
		name string
		sc   func() *scene
		want Severity
	}{
		{"10,000 packets/s on one queue", func() *scene { return rpsScene(0, 1, 0, 10_000) }, Info},
		{"9,999 packets/s", func() *scene { return rpsScene(0, 1, 0, 9_999) }, 0},
		{"as many queues as local CPUs", func() *scene { return rpsScene(0, 24, 0, 20_000) }, 0},
		{"RPS already on", func() *scene {
			sc := rpsScene(0, 1, 0, 20_000)
			sc.cfg.NICs["eth0"].Rx[0].RPSCPUs = cpumask.Range(1, 23)
			return sc
		}, 0},
		{"rps_cpus not readable (no CONFIG_RPS)", func() *scene {
			sc := rpsScene(0, 1, 0, 20_000)
			sc.cfg.NICs["eth0"].Rx[0].HasRPS = false
			return sc
		}, 0},
		{"a bond: RPS is decided on its slaves", func() *scene {
			sc := rpsScene(0, 1, 0, 20_000)
			sc.cfg.NICs["eth0"].Kind = "bond"
			return sc
		}, 0},
		{"a VLAN: RPS is decided on its lower NIC", func() *scene {
			sc := rpsScene(0, 1, 0, 20_000)
			sc.cfg.NICs["eth0"].Kind = "vlan"
			return sc
		}, 0},
		{"a veth: its own rps_cpus applies", func() *scene {
			sc := rpsScene(0, 1, 0, 20_000)
			sc.cfg.NICs["eth0"].Kind = "veth"
			return sc
		}, Info},
		{"one queue per physical core: hyperthreads do not count", func() *scene {
			sc := rpsScene(0, 12, 0, 20_000)
			sc.cfg.Topology = smtTopology(48, 2) // node 0: cores 0-11 and their siblings 24-35
			onNode(sc.cfg.NICs["eth0"], 0, sc.cfg.Topology.Nodes[0])
			return sc
		}, 0},
		{"fewer queues than physical cores", func() *scene {
			sc := rpsScene(0, 11, 0, 20_000)
			sc.cfg.Topology = smtTopology(48, 2)
			onNode(sc.cfg.NICs["eth0"], 0, sc.cfg.Topology.Nodes[0])
			return sc
		}, Info},
		{"the IRQ CPU already drops: warning", func() *scene {
			return rpsScene(0, 1, 0, 20_000).softnetSeries(cpuSeries{processed: cumulative(0, 2e5), dropped: cumulative(0, 5)})
		}, Warning},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := severities(tc.sc().analyze(Options{}), "rps.recommended")
			want := map[string]Severity{}
			if tc.want != 0 {
				want["eth0"] = tc.want
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("rps.recommended (-want +got):\n%s", d)
			}
		})
	}
}

func TestRPSSingleVectorWithoutSysfs(t *testing.T) {
	// Only proc/interrupts: one vector on CPU 0 of 4, rps_cpus unknown.
	sc := newScene(2, 10*time.Second).interrupts(seq(4), queueLines("eth0", 40, 1), [][]uint64{onCPU(4, 0, 20_000)})
	f := only(t, sc.analyze(Options{}), "rps.recommended")
	want := []string{"cat /sys/class/net/eth0/queues/rx-*/rps_cpus", "echo e > /sys/class/net/eth0/queues/rx-0/rps_cpus"}
	if d := cmp.Diff(want, commands(f)); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
}

func TestFlowCnt(t *testing.T) {
	for _, tc := range []struct{ entries, queues, want int }{
		{32768, 1, 32768}, {32768, 4, 8192}, {32768, 3, 16384}, {32768, 16, 2048}, {32768, 0, 32768}, {65536, 6, 16384}, {100, 3, 64}, {1, 4, 1},
	} {
		if got := flowCnt(tc.entries, tc.queues); got != tc.want {
			t.Errorf("flowCnt(%d, %d) = %d, want %d", tc.entries, tc.queues, got, tc.want)
		}
	}
}

// rfsScene has eth0 with rxq RX queues, RPS on toward CPUs 1-3, each queue's
// rps_flow_cnt cnt; entries is rps_sock_flow_entries ("" when unreadable).
func rfsScene(rxq, cnt int, entries string) *scene {
	sc := newScene(2, time.Second)
	nic := physNIC("eth0", rxq, rxq)
	for q := range nic.Rx {
		nic.Rx[q].RPSCPUs, nic.Rx[q].RPSFlowCnt = cpumask.Range(1, 3), cnt
	}
	sc.nics(nic)
	if entries != "" {
		sc.sysctl("net.core.rps_sock_flow_entries", entries)
	}
	return sc
}

func TestRFSRecommended(t *testing.T) {
	flows := func(rxq, per int) []string {
		var out []string
		for q := range rxq {
			out = append(out, fmt.Sprintf("echo %d > /sys/class/net/eth0/queues/rx-%d/rps_flow_cnt", per, q))
		}
		return out
	}
	tests := []struct {
		name     string
		sc       *scene
		subject  string
		commands []string // nil: no finding
	}{
		{"RFS off, 4 queues", rfsScene(4, 0, "0"), "host",
			append([]string{"sysctl -w net.core.rps_sock_flow_entries=32768"}, flows(4, 8192)...)},
		{"RFS off, 3 queues: 10,923 rounded up", rfsScene(3, 0, "0"), "host",
			append([]string{"sysctl -w net.core.rps_sock_flow_entries=32768"}, flows(3, 16384)...)},
		{"RFS on, rps_flow_cnt 0", rfsScene(4, 0, "65536"), "eth0", flows(4, 16384)},
		{"RFS on and sized", rfsScene(4, 8192, "32768"), "", nil},
		// The queues already have their tables: only the global one is
		// missing, and 32768/16 = 2048 must not replace their 4096.
		{"RFS off, queue tables set", rfsScene(16, 4096, "0"), "host", []string{"sysctl -w net.core.rps_sock_flow_entries=32768"}},
		{"entries unreadable (a network namespace)", rfsScene(2, 0, ""), "host",
			append([]string{"sysctl net.core.rps_sock_flow_entries"}, flows(2, 16384)...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := byID(tc.sc.analyze(Options{}), "rfs.recommended")
			if tc.commands == nil {
				if len(fs) != 0 {
					t.Errorf("unexpected: %s", fs[0].Summary)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("want one rfs.recommended, got %d", len(fs))
			}
			if fs[0].Subject != tc.subject {
				t.Errorf("subject %q, want %q", fs[0].Subject, tc.subject)
			}
			if d := cmp.Diff(tc.commands, commands(fs[0])); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
}

func TestRFSAccelerated(t *testing.T) {
	tests := []struct {
		name     string
		features map[string]bool
		cnt      int
		want     bool
	}{
		{"ntuple off", map[string]bool{"ntuple-filters": false}, 8192, true},
		{"ntuple on", map[string]bool{"ntuple-filters": true}, 8192, false},
		{"no ntuple support", map[string]bool{"rx-gro": true}, 8192, false},
		{"RFS off on the queues", map[string]bool{"ntuple-filters": false}, 0, false},
		{"ntuple off, kernel name", map[string]bool{"rx-ntuple-filter": false}, 8192, true},
		{"ntuple on, kernel name", map[string]bool{"rx-ntuple-filter": true}, 8192, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := rfsScene(4, tc.cnt, "32768").ethtool("eth0", collect.Ethtool{Driver: "mlx5_core", Bus: "0000:01:00.0", Features: tc.features})
			fs := byID(sc.analyze(Options{}), "rfs.accelerated")
			if len(fs) != btoiInt(tc.want) {
				t.Fatalf("got %d findings, want %v", len(fs), tc.want)
			}
			if tc.want {
				if d := cmp.Diff([]string{"ethtool -K eth0 ntuple on"}, commands(fs[0])); d != "" {
					t.Errorf("commands (-want +got):\n%s", d)
				}
			}
		})
	}
}

func btoiInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestXPSRecommended(t *testing.T) {
	build := func(pinned int) *scene {
		sc := newScene(2, time.Second).nics(physNIC("eth0", 4, 4))
		sc.cfg.Topology = flatTopology(8)
		for q := range pinned {
			sc.cfg.IRQs = setAffinity(sc.cfg.IRQs, 40+q, cpumask.Of(2*q))
		}
		return sc.interrupts(seq(8), queueLines("eth0", 40, 4), [][]uint64{onCPU(8, 0, 1), onCPU(8, 2, 1), onCPU(8, 4, 1), onCPU(8, 6, 1)})
	}
	f := only(t, build(4).analyze(Options{}), "xps.recommended")
	want := []string{
		"echo 01 > /sys/class/net/eth0/queues/tx-0/xps_cpus",
		"echo 04 > /sys/class/net/eth0/queues/tx-1/xps_cpus",
		"echo 10 > /sys/class/net/eth0/queues/tx-2/xps_cpus",
		"echo 40 > /sys/class/net/eth0/queues/tx-3/xps_cpus",
	}
	if d := cmp.Diff(want, commands(f)); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
	if got := evidenceValue(t, f, "queue IRQs pinned to one CPU"); got != 4 {
		t.Errorf("pinned = %v, want 4", got)
	}
	if fs := byID(build(1).analyze(Options{}), "xps.recommended"); len(fs) != 0 {
		t.Errorf("one pinned IRQ: nothing to match, yet %s", fs[0].Summary)
	}
}
