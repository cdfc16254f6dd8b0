package analyze

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

// The numbers Gates returns must be the ones the rules decide with: each
// loss gate is probed at its value and one below, in the window and since
// boot, through the rule itself.

// lossProbe builds a scene of n snapshots in which the rule's counter takes
// the given values, and names the finding ID the gate belongs to.
type lossProbe struct {
	id    string
	gate  func(GateSet) Loss
	scene func(n int, values []uint64) *scene
}

func lossProbes() []lossProbe {
	busy := func(n int) []uint64 { return steady(1e9, 1e6, n) }
	nic := func(name string) func(int, []uint64) *scene {
		return func(n int, v []uint64) *scene { return nicScene(n, 4096, 4096, 1000).linkStat("eth0", name, v) }
	}
	netstat := func(key string) func(int, []uint64) *scene {
		return func(n int, v []uint64) *scene { return newScene(n, 10*time.Second).netstat(key, v) }
	}
	return []lossProbe{
		{"softnet.drops", func(g GateSet) Loss { return g.SoftnetDrops }, func(n int, v []uint64) *scene {
			return newScene(n, 10*time.Second).softnetSeries(cpuSeries{processed: busy(n), dropped: v}, cpuSeries{processed: busy(n)})
		}},
		{"nic.rx_ring_overrun", func(g GateSet) Loss { return g.RingOverrun }, nic("rx_missed_errors")},
		{"nic.rx_errors", func(g GateSet) Loss { return g.RxErrors }, nic("rx_crc_errors")},
		{"nic.tx_drops", func(g GateSet) Loss { return g.TxDrops }, nic("tx_dropped")},
		{"tcp.listen_overflow", func(g GateSet) Loss { return g.ListenOverflow }, netstat("TcpExt.ListenOverflows")},
		{"tcp.syn_queue_drops", func(g GateSet) Loss { return g.SynQueueDrops }, netstat("TcpExt.TCPReqQFullDrop")},
		{"tcp.rcv_pruned", func(g GateSet) Loss { return g.RcvPruned }, netstat("TcpExt.RcvPruned")},
		{"udp.rcvbuf_errors", func(g GateSet) Loss { return g.UDPRcvbuf }, func(n int, v []uint64) *scene {
			return newScene(n, 10*time.Second).snmp("Udp.RcvbufErrors", v)
		}},
	}
}

func TestGatesLoss(t *testing.T) {
	g := Gates()
	for _, p := range lossProbes() {
		l := p.gate(g)
		if l.Now < 2 || l.Boot < l.Now {
			t.Fatalf("%s: gate %+v: want 2 ≤ Now ≤ Boot", p.id, l)
		}
		cases := []struct {
			n      int
			values []uint64
			want   Severity
		}{
			{2, cumulative(5, l.Now), Critical},
			{2, cumulative(5, l.Now-1), Warning},
			{1 + g.PersistIntervals, cumulative(5, 1, 1), Critical},
			{1, []uint64{l.Boot}, Warning},
			{1, []uint64{l.Boot - 1}, Info},
		}
		for _, c := range cases {
			name := fmt.Sprintf("%s %d snapshots %v", p.id, c.n, c.values)
			got := severities(p.scene(c.n, c.values).analyze(Options{}), p.id)
			want := map[string]Severity{}
			for subject := range got {
				want[subject] = c.want
			}
			if len(got) != 1 {
				t.Errorf("%s: want one finding, got %v", name, got)
				continue
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s (-want +got):\n%s", name, d)
			}
		}
	}
}

// Every source the gates name is one the rule reads: a rise in it alone
// gives the finding.
func TestGatesSources(t *testing.T) {
	g := Gates()
	probe := func(id string, src CounterSource) {
		t.Helper()
		sc := nicScene(2, 4096, 4096, 1000)
		if src.Ethtool {
			sc.ethtoolStat("eth0", src.Name, cumulative(0, 50))
		} else {
			sc.linkStat("eth0", src.Name, cumulative(0, 50))
		}
		if got := severities(sc.analyze(Options{}), id); got["eth0"] != Critical {
			t.Errorf("%s from %+v: got %v, want eth0 critical", id, src, got)
		}
	}
	for _, s := range g.RingOverrunSources {
		probe("nic.rx_ring_overrun", s)
	}
	if len(g.RxErrorKinds) != 3 {
		t.Errorf("rx error kinds: %d, want CRC, frame, length", len(g.RxErrorKinds))
	}
	for _, k := range g.RxErrorKinds {
		for _, s := range k {
			probe("nic.rx_errors", s)
		}
	}
	for _, s := range g.TxDropSources {
		probe("nic.tx_drops", s)
	}
	for _, c := range g.RcvPrunedCounters {
		sc := newScene(2, 10*time.Second).netstat(c.Key, cumulative(0, 50))
		want := Warning
		if c.Loss {
			want = Critical
		}
		if got := severities(sc.analyze(Options{}), "tcp.rcv_pruned"); got["host"] != want {
			t.Errorf("tcp.rcv_pruned from %s: got %v, want host %s", c.Key, got, want)
		}
	}
}

func TestGatesSqueeze(t *testing.T) {
	g := Gates()
	pps := uint64(g.SqueezeMinPPS)
	// Three snapshots 1 s apart: squeezes in both intervals (persisting).
	run := func(perSec, squeezes uint64) map[string]Severity {
		sc := newScene(3, time.Second).softnetSeries(
			cpuSeries{processed: steady(1e9, perSec, 3), squeeze: steady(0, squeezes, 3)},
			cpuSeries{processed: steady(1e9, perSec, 3)})
		return severities(sc.analyze(Options{}), "softnet.squeeze")
	}
	atRatio := uint64(float64(pps) * g.SqueezeRatio)
	if atRatio < 1 {
		t.Fatalf("gate: %v squeezes per packet at %d packets/s is below one squeeze", g.SqueezeRatio, pps)
	}
	if got := run(pps, atRatio); got["cpu0"] != Warning {
		t.Errorf("at the gates: %v, want cpu0 warning", got)
	}
	if got := run(pps-pps/10, atRatio); len(got) != 0 {
		t.Errorf("10%% below the packet rate gate: %v, want nothing", got)
	}
	if got := run(10*pps, atRatio); len(got) != 0 {
		t.Errorf("ratio a tenth of the gate: %v, want nothing", got)
	}
}

func TestGatesRetransmits(t *testing.T) {
	g := Gates()
	run := func(out uint64, ratio float64) int {
		sc := newScene(2, 10*time.Second).snmp("Tcp.OutSegs", cumulative(1e6, out)).
			snmp("Tcp.RetransSegs", cumulative(1e4, uint64(float64(out)*ratio)))
		return len(byID(sc.analyze(Options{}), "tcp.retransmits"))
	}
	if run(g.RetransMinOut, g.RetransRatio) != 1 {
		t.Error("at both gates: want a finding")
	}
	if run(g.RetransMinOut-1, 2*g.RetransRatio) != 0 {
		t.Error("one segment below the traffic gate: want none")
	}
	if run(10*g.RetransMinOut, g.RetransRatio*0.9) != 0 {
		t.Error("below the ratio: want none")
	}
}

func TestGatesBondFailures(t *testing.T) {
	g := Gates()
	run := func(count uint64) map[string]Severity {
		sc := bondScene(2, func(int) *collect.Bond {
			s := slave("eth0")
			s.LinkFailures = count
			return activeBackup(s, slave("eth1"))
		})
		return severities(sc.analyze(Options{}), "bond.link_failures")
	}
	if got := run(g.BondFailures); got["bond0/eth0"] != Info {
		t.Errorf("%d failures that did not move: %v, want info", g.BondFailures, got)
	}
	if got := run(g.BondFailures - 1); len(got) != 0 {
		t.Errorf("%d failures: %v, want none", g.BondFailures-1, got)
	}
}

func TestGatesRingSmall(t *testing.T) {
	g := Gates()
	pps := uint64(g.RingMinPPS)
	below := uint32(4096*g.RingSmallShare) - 1
	if got := severities(nicScene(2, below, 4096, pps).analyze(Options{}), "nic.ring_small"); got["eth0"] != Info {
		t.Errorf("ring %d of 4096 at %d packets/s: %v, want info", below, pps, got)
	}
	if got := severities(nicScene(2, below+1, 4096, pps).analyze(Options{}), "nic.ring_small"); len(got) != 0 {
		t.Errorf("ring at the share: %v, want none", got)
	}
	if got := severities(nicScene(2, below, 4096, pps-1).analyze(Options{}), "nic.ring_small"); len(got) != 0 {
		t.Errorf("below the traffic gate: %v, want none", got)
	}
}
