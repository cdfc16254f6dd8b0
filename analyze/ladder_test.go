package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

// ladderScene is an 8-CPU host with hyperthreads (CPU c and c+4 are
// siblings) on two NUMA nodes — node 0: CPUs 0,1,4,5; node 1: 2,3,6,7 —
// and three NICs:
//   - eth0 on node 0, 3 queues with TxRx vectors (IRQs 40-42);
//   - eth1 on node 0, 3 queues with separate rx and tx vectors (IRQs 50-55);
//   - eth2 on node 1, 6 queues (IRQs 60-65): more queues than local CPUs.
func ladderScene() *scene {
	sc := newScene(1, time.Hour)
	sc.cfg.Topology = smtTopology(8, 2)
	node0, node1 := sc.cfg.Topology.Nodes[0], sc.cfg.Topology.Nodes[1]
	sc.nics(onNode(physNIC("eth0", 3, 3), 0, node0), onNode(physNIC("eth1", 3, 3), 0, node0), onNode(physNIC("eth2", 6, 6), 1, node1))
	lines := queueLines("eth0", 40, 3)
	for q := range 3 {
		lines = append(lines, queueLine("eth1", 50+2*q, q, "rx"), queueLine("eth1", 51+2*q, q, "tx"))
	}
	lines = append(lines, queueLines("eth2", 60, 6)...)
	zero := make([][]uint64, len(lines))
	for i := range zero {
		zero[i] = make([]uint64, 8)
	}
	return sc.interrupts(seq(8), lines, zero)
}

func TestLadderPlan(t *testing.T) {
	p := ladderScene().analysis().irqPlan()
	type step struct {
		IRQ, Queue int
		Kind       string
		CPU        int
	}
	got := map[string][]step{}
	for iface, steps := range p.steps {
		for _, s := range steps {
			got[iface] = append(got[iface], step{s.irq, s.queue, s.kind, s.cpu})
		}
	}
	want := map[string][]step{
		// Node 0 in cores-first order is 0, 1, then the siblings 4, 5.
		"eth0": {{40, 0, "TxRx", 0}, {41, 1, "TxRx", 1}, {42, 2, "TxRx", 4}},
		// eth1 shares node 0's CPUs: it continues after eth0 (CPU 5), then
		// wraps to 0, 1. A queue's rx and tx vectors go to one CPU.
		"eth1": {{50, 0, "rx", 5}, {51, 0, "tx", 5}, {52, 1, "rx", 0}, {53, 1, "tx", 0}, {54, 2, "rx", 1}, {55, 2, "tx", 1}},
		// Node 1 is 2, 3, then 6, 7; six queues wrap onto 2 and 3 again.
		"eth2": {{60, 0, "TxRx", 2}, {61, 1, "TxRx", 3}, {62, 2, "TxRx", 6}, {63, 3, "TxRx", 7}, {64, 4, "TxRx", 2}, {65, 5, "TxRx", 3}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ladder (-want +got):\n%s", d)
	}
}

func TestLadderRecommendation(t *testing.T) {
	a := ladderScene().analysis()
	r, ok := a.ladderRec("eth2")
	if !ok {
		t.Fatal("no ladder for eth2")
	}
	want := []string{
		"echo 2 > /proc/irq/60/smp_affinity_list",
		"echo 3 > /proc/irq/61/smp_affinity_list",
		"echo 6 > /proc/irq/62/smp_affinity_list",
		"echo 7 > /proc/irq/63/smp_affinity_list",
		"echo 2 > /proc/irq/64/smp_affinity_list",
		"echo 3 > /proc/irq/65/smp_affinity_list",
	}
	if d := cmp.Diff(want, r.Commands); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
	for _, part := range []string{
		"Give each of eth2's 6 queues its own CPU (CPUs 2-3,6-7), chosen from eth2's local_cpulist 2-3,6-7",
		"There are more queues (6) than local CPUs (4): some CPUs take two.",
	} {
		if !strings.Contains(r.Summary, part) {
			t.Errorf("summary %q lacks %q", r.Summary, part)
		}
	}
	if _, ok := a.ladderRec("eth9"); ok {
		t.Error("a ladder for a NIC without vectors")
	}
}

func TestLadderWithoutNUMAFacts(t *testing.T) {
	// The NIC's node is unknown on a two-node host: all online CPUs, said so.
	sc := ladderScene()
	eth0 := sc.cfg.NICs["eth0"]
	eth0.NUMANode, eth0.HasLocal, eth0.LocalCPUs = -1, false, cpumask.Set{}
	a := sc.analysis()
	r, _ := a.ladderRec("eth0")
	if !strings.Contains(r.Summary, "all online CPUs, as the NIC's NUMA node is not known here") {
		t.Errorf("summary should say where the CPUs came from: %q", r.Summary)
	}
	// Cores first over all 8 CPUs: 0, 1, 2 (siblings 4-7 come last).
	if d := cmp.Diff([]string{"echo 0 > /proc/irq/40/smp_affinity_list", "echo 1 > /proc/irq/41/smp_affinity_list", "echo 2 > /proc/irq/42/smp_affinity_list"}, r.Commands); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
}

func TestLadderIRQBalanceNote(t *testing.T) {
	tests := []struct {
		name string
		ib   *collect.IRQBalance
		want string
	}{
		{"unknown", nil, "If irqbalance runs it rewrites affinities every 10 s: stop it, or exclude these IRQs (IRQBALANCE_ARGS=\"--banirq=N …\" in /etc/default/irqbalance or /etc/sysconfig/irqbalance)."},
		{"running", &collect.IRQBalance{Running: true, PID: 812}, "irqbalance is running (pid 812) and rewrites affinities every 10 s: stop and disable it (`systemctl disable --now irqbalance`), or exclude these IRQs with --banirq."},
		{"not running", &collect.IRQBalance{}, "irqbalance is not running, so nothing will move them back."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := ladderScene()
			sc.cfg.IRQBalance = tc.ib
			r, _ := sc.analysis().ladderRec("eth0")
			if !strings.HasSuffix(r.Persist, " "+tc.want) {
				t.Errorf("persist %q should end with the irqbalance note %q", r.Persist, tc.want)
			}
		})
	}
}

func TestCoresFirst(t *testing.T) {
	h := deriveHost(nil, &collect.Config{Topology: smtTopology(8, 1)})
	tests := []struct {
		cpus cpumask.Set
		want []int
	}{
		{cpumask.Range(0, 7), []int{0, 1, 2, 3, 4, 5, 6, 7}},
		{cpumask.Of(1, 4, 5, 6), []int{1, 4, 6, 5}}, // 4 and 6 lead their cores here: 0 and 2 are not in the set
		{cpumask.Of(5), []int{5}},
	}
	for _, tc := range tests {
		if d := cmp.Diff(tc.want, h.coresFirst(tc.cpus)); d != "" {
			t.Errorf("coresFirst(%s) (-want +got):\n%s", tc.cpus, d)
		}
	}
	if got := h.cores(cpumask.Range(0, 7)); got != 4 {
		t.Errorf("cores(0-7) = %d, want 4", got)
	}
}
