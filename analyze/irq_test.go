package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

// irqScene is eth0 with 4 TxRx queues (IRQs 40-43) on an 8-CPU host
// without NUMA or siblings; perStep[q] is queue q's interrupts per CPU
// column in each 10 s interval (n snapshots; 1: totals since boot).
func irqScene(n int, perStep [][]uint64) *scene {
	sc := newScene(n, 10*time.Second).nics(physNIC("eth0", 4, 4))
	sc.cfg.Topology = flatTopology(8)
	return sc.interrupts(seq(8), queueLines("eth0", 40, 4), perStep)
}

func TestIRQConcentrated(t *testing.T) {
	all := func(per uint64) [][]uint64 {
		return [][]uint64{onCPU(8, 0, per), onCPU(8, 0, per), onCPU(8, 0, per), onCPU(8, 0, per)}
	}
	tests := []struct {
		name    string
		n       int
		perStep [][]uint64
		want    Severity // of irq.concentrated on eth0; 0: none
	}{
		{"four queues on CPU 0", 2, all(10_000), Warning},
		{"traffic at the gate (1,000 interrupts/s)", 2, all(2500), Warning},
		{"traffic just below the gate", 2, all(2499), 0},
		{"two busy queues on CPU 0 take 75%", 2, [][]uint64{onCPU(8, 0, 30_000), onCPU(8, 0, 30_000), onCPU(8, 1, 10_000), onCPU(8, 2, 10_000)}, Warning},
		{"two queues on CPU 0 take 60%", 2, [][]uint64{onCPU(8, 0, 30_000), onCPU(8, 0, 30_000), onCPU(8, 1, 20_000), onCPU(8, 2, 20_000)}, Warning},
		{"two queues on CPU 0 take 59%", 2, [][]uint64{onCPU(8, 0, 29_500), onCPU(8, 0, 29_500), onCPU(8, 1, 20_500), onCPU(8, 2, 20_500)}, 0},
		// One hot queue is RSS skew: only one significant queue on the
		// busiest CPU (the others carry < 0.1% of the NIC's interrupts).
		{"one significant queue on the busiest CPU", 2, [][]uint64{onCPU(8, 0, 1_000_000), onCPU(8, 0, 100), onCPU(8, 0, 100), onCPU(8, 0, 100)}, 0},
		{"since boot, 1M interrupts: warning at most", 1, all(250_000), Warning},
		{"since boot, under 1M interrupts", 1, all(249_999), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := severities(irqScene(tc.n, tc.perStep).analyze(Options{}), "irq.concentrated")
			want := map[string]Severity{}
			if tc.want != 0 {
				want["eth0"] = tc.want
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("irq.concentrated (-want +got):\n%s", d)
			}
		})
	}
}

func TestIRQConcentratedOneLocalCPU(t *testing.T) {
	// Only one CPU is local to the NIC: nowhere to spread to.
	sc := irqScene(2, [][]uint64{onCPU(8, 0, 10_000), onCPU(8, 0, 10_000), onCPU(8, 0, 10_000), onCPU(8, 0, 10_000)})
	onNode(sc.cfg.NICs["eth0"], 0, cpumask.Of(0))
	if fs := byID(sc.analyze(Options{}), "irq.concentrated"); len(fs) != 0 {
		t.Errorf("one local CPU, yet: %s", fs[0].Summary)
	}
}

func TestIRQConcentratedEvidenceAndLadder(t *testing.T) {
	sc := irqScene(2, [][]uint64{onCPU(8, 0, 10_000), onCPU(8, 0, 10_000), onCPU(8, 0, 10_000), onCPU(8, 0, 10_000)})
	for irq := 40; irq <= 43; irq++ {
		sc.cfg.IRQs = setAffinity(sc.cfg.IRQs, irq, cpumask.Of(0))
	}
	f := only(t, sc.analyze(Options{}), "irq.concentrated")
	if got := evidenceValue(t, f, "eth0 queue interrupts"); got != 40_000 {
		t.Errorf("queue interrupts = %v, want 40000", got)
	}
	if got := evidenceValue(t, f, "share on CPU 0"); got != 100 {
		t.Errorf("share = %v, want 100", got)
	}
	if got := evidenceText(t, f, "CPUs that could serve them"); got != "0-7" {
		t.Errorf("serving CPUs = %q, want 0-7", got)
	}
	if got := evidenceText(t, f, "smp_affinity_list of IRQs 40-43"); got != "0" {
		t.Errorf("affinity evidence = %q, want 0", got)
	}
	want := []string{
		"echo 0 > /proc/irq/40/smp_affinity_list",
		"echo 1 > /proc/irq/41/smp_affinity_list",
		"echo 2 > /proc/irq/42/smp_affinity_list",
		"echo 3 > /proc/irq/43/smp_affinity_list",
	}
	if d := cmp.Diff(want, commands(f)); d != "" {
		t.Errorf("ladder (-want +got):\n%s", d)
	}
}

func setAffinity(m map[int]collect.IRQAffinity, irq int, cpus cpumask.Set) map[int]collect.IRQAffinity {
	if m == nil {
		m = map[int]collect.IRQAffinity{}
	}
	m[irq] = collect.IRQAffinity{Affinity: cpus}
	return m
}

func TestIRQQueuesShareCPU(t *testing.T) {
	// Queues 0 and 1 pinned to CPU 0, 2 and 3 to CPUs 1 and 2: no CPU takes
	// 60%, but two queues share one while CPUs 3-7 serve none.
	perStep := [][]uint64{onCPU(8, 0, 10_000), onCPU(8, 0, 10_000), onCPU(8, 1, 10_000), onCPU(8, 2, 10_000)}
	pin := func(sc *scene) *scene {
		for irq, cpu := range map[int]int{40: 0, 41: 0, 42: 1, 43: 2} {
			sc.cfg.IRQs = setAffinity(sc.cfg.IRQs, irq, cpumask.Of(cpu))
		}
		return sc
	}
	res := pin(irqScene(2, perStep)).analyze(Options{})
	if fs := byID(res, "irq.concentrated"); len(fs) != 0 {
		t.Errorf("50%% on CPU 0 is not concentrated: %s", fs[0].Summary)
	}
	f := only(t, res, "irq.queues_share_cpu")
	if f.Severity != Warning || f.Subject != "eth0" {
		t.Errorf("got %s %s, want warning on eth0", f.Severity, f.Subject)
	}
	if got := evidenceText(t, f, "queues on CPU 0"); got != "0-1" {
		t.Errorf("queues on CPU 0 = %q, want 0-1", got)
	}
	if got := evidenceText(t, f, "local CPUs serving no queue"); got != "3-7" {
		t.Errorf("idle CPUs = %q, want 3-7", got)
	}
	if want := "eth0 has queues 0-1 on CPU 0 while CPUs 3-7, local to it, serve no queue of it (all online CPUs)"; f.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", f.Summary, want)
	}
	if len(commands(f)) != 4 {
		t.Errorf("want the 4-step ladder, got %q", commands(f))
	}

	// Every local CPU already serves a queue: sharing is unavoidable.
	tight := pin(irqScene(2, perStep))
	tight.cfg.Topology = flatTopology(3)
	if fs := byID(tight.analyze(Options{}), "irq.queues_share_cpu"); len(fs) != 0 {
		t.Errorf("no idle local CPU, yet: %s", fs[0].Summary)
	}
}

func TestIRQNUMARemote(t *testing.T) {
	// Node 0 holds CPUs 0,1,4,5; node 1 CPUs 2,3,6,7.
	build := func(nodes int, numaNode int) Result {
		sc := irqScene(2, [][]uint64{onCPU(8, 2, 10_000), onCPU(8, 0, 10_000), onCPU(8, 6, 10_000), onCPU(8, 1, 10_000)})
		sc.cfg.Topology = smtTopology(8, nodes)
		if numaNode >= 0 {
			onNode(sc.cfg.NICs["eth0"], numaNode, sc.cfg.Topology.Nodes[numaNode])
		}
		all := cpumask.Range(0, 7)
		sc.cfg.IRQs = map[int]collect.IRQAffinity{
			40: {Affinity: cpumask.Of(2)},                                               // remote
			41: {Affinity: cpumask.Of(0)},                                               // local
			42: {Affinity: all, Effective: cpumask.Of(6), HasEffective: true},           // remote where it really runs
			43: {Affinity: all, Effective: cpumask.Of(1), HasEffective: true},           // local
			99: {Affinity: cpumask.Of(7), Effective: cpumask.Of(7), HasEffective: true}, // not the NIC's
		}
		return sc.analyze(Options{})
	}
	f := only(t, build(2, 0), "irq.numa_remote")
	if want := "2 of eth0's queue IRQs run on CPUs of another NUMA node than the NIC (node 0): every packet crosses the interconnect"; f.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", f.Summary, want)
	}
	for metric, want := range map[string]string{"IRQ 40 (queue 0) runs on": "2", "IRQ 42 (queue 2) runs on": "6", "CPUs local to eth0": "0-1,4-5"} {
		if got := evidenceText(t, f, metric); got != want {
			t.Errorf("%s = %q, want %q", metric, got, want)
		}
	}
	if !strings.HasPrefix(commands(f)[0], "echo 0 > /proc/irq/40/") {
		t.Errorf("ladder should start queue 0 on the NIC's first local CPU: %q", commands(f))
	}
	if fs := byID(build(1, 0), "irq.numa_remote"); len(fs) != 0 {
		t.Errorf("one NUMA node: nothing is remote, yet %s", fs[0].Summary)
	}
	if fs := byID(build(2, -1), "irq.numa_remote"); len(fs) != 0 {
		t.Errorf("NIC's node unknown: cannot be remote, yet %s", fs[0].Summary)
	}
}
