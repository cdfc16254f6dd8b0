package analyze

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

func TestSkewLimit(t *testing.T) {
	// With n ≥ 4 queues: three times the even share, between 20% and 50%.
	for n, want := range map[int]float64{2: 0.90, 3: 0.90, 4: 0.50, 6: 0.50, 8: 0.375, 12: 0.25, 15: 0.20, 16: 0.20, 64: 0.20} {
		if got := skewLimit(n); got != want {
			t.Errorf("skewLimit(%d) = %v, want %v", n, got, want)
		}
	}
}

// queueScene is eth0 with per-queue packet counters in ethtool -S (igb
// names): queue q receives perQueue[q] packets in each 10 s interval.
func queueScene(n int, perQueue []uint64) *scene {
	sc := newScene(n, 10*time.Second).ethtool("eth0", collect.Ethtool{Driver: "igb", Bus: "0000:03:00.0"})
	for q, p := range perQueue {
		sc.ethtoolStat("eth0", fmt.Sprintf("rx_queue_%d_packets", q), steady(p, p, n))
	}
	return sc
}

// spread gives queue hot permille‰ of total and splits the rest evenly
// (the remainder of the division on the first other queue).
func spread(queues, hot int, total, permille uint64) []uint64 {
	out := make([]uint64, queues)
	out[hot] = total * permille / 1000
	rest, first := total-out[hot], true
	for q := range out {
		if q == hot {
			continue
		}
		out[q] = rest / uint64(queues-1)
		if first {
			out[q] += rest % uint64(queues-1)
			first = false
		}
	}
	return out
}

func TestRSSQueueSkew(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		perQueue []uint64
		want     string // subject of rss.queue_skew; "" for none
	}{
		{"2 queues, 90%", 2, spread(2, 1, 100_000, 900), "eth0/rx-1"},
		{"2 queues, 89%", 2, spread(2, 1, 100_000, 890), ""},
		{"4 queues, 50%", 2, spread(4, 0, 100_000, 500), "eth0/rx-0"},
		{"4 queues, 49%", 2, spread(4, 0, 100_000, 490), ""},
		{"8 queues, 37.5%", 2, spread(8, 2, 100_000, 375), "eth0/rx-2"},
		{"8 queues, 37%", 2, spread(8, 2, 100_000, 370), ""},
		{"64 queues, 20%", 2, spread(64, 63, 1_000_000, 200), "eth0/rx-63"},
		{"64 queues, 19%", 2, spread(64, 63, 1_000_000, 190), ""},
		{"4 queues, all on one, under 1,000 packets/s", 2, spread(4, 0, 9990, 1000), ""},
		{"4 queues, all on one, at 1,000 packets/s", 2, spread(4, 0, 10_000, 1000), "eth0/rx-0"},
		{"since boot, 100k packets", 1, spread(4, 0, 100_000, 1000), "eth0/rx-0"},
		{"since boot, under 100k packets", 1, spread(4, 0, 99_999, 1000), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range byID(queueScene(tc.n, tc.perQueue).analyze(Options{}), "rss.queue_skew") {
				got = append(got, f.Subject)
			}
			var want []string
			if tc.want != "" {
				want = []string{tc.want}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("rss.queue_skew subjects (-want +got):\n%s", d)
			}
		})
	}
}

func TestRSSQueueSkewEvidenceAndCommands(t *testing.T) {
	f := only(t, queueScene(2, spread(8, 2, 100_000, 400)).analyze(Options{}), "rss.queue_skew")
	for metric, want := range map[string]float64{"packets on queue 2": 40_000, "packets on all queues": 100_000, "share of queue 2": 40, "queues": 8} {
		if got := evidenceValue(t, f, metric); got != want {
			t.Errorf("evidence %s = %v, want %v", metric, got, want)
		}
	}
	want := []string{
		"ethtool -n eth0 rx-flow-hash tcp4",
		"ethtool -n eth0 rx-flow-hash udp4",
		"ethtool -N eth0 rx-flow-hash udp4 sdfn",
		"ethtool -x eth0",
		"ethtool -X eth0 equal 8",
	}
	if d := cmp.Diff(want, commands(f)); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
}

func TestRSSQueueSkewFromInterrupts(t *testing.T) {
	// No per-queue counters: the queues' interrupts say the same.
	sc := newScene(2, 10*time.Second).interrupts(seq(4), queueLines("eth0", 40, 4),
		[][]uint64{onCPU(4, 0, 60_000), onCPU(4, 1, 20_000), onCPU(4, 2, 10_000), onCPU(4, 3, 10_000)})
	f := only(t, sc.analyze(Options{}), "rss.queue_skew")
	if f.Subject != "eth0/rx-0" {
		t.Errorf("subject %q, want eth0/rx-0", f.Subject)
	}
	if got := evidenceValue(t, f, "interrupts on queue 0"); got != 60_000 {
		t.Errorf("interrupts on queue 0 = %v, want 60000", got)
	}
	if f.Evidence[0].Source != "proc/interrupts" {
		t.Errorf("source %q, want proc/interrupts", f.Evidence[0].Source)
	}
}

func TestQueuePacketsDriverNames(t *testing.T) {
	// Each driver family's per-queue counter names map to queue numbers;
	// bnxt's unicast, multicast and broadcast counters add up.
	tests := []struct {
		driver string
		stats  map[string]uint64 // name -> packets per interval
		want   map[int]uint64
	}{
		{"ixgbe", map[string]uint64{"rx_queue_0_packets": 10, "rx_queue_1_packets": 20, "rx_queue_0_bytes": 999}, map[int]uint64{0: 10, 1: 20}},
		{"i40e", map[string]uint64{"rx-0.packets": 10, "rx-1.packets": 20, "rx-1.bytes": 999}, map[int]uint64{0: 10, 1: 20}},
		{"mlx5", map[string]uint64{"rx0_packets": 10, "rx1_packets": 20, "rx_packets": 999}, map[int]uint64{0: 10, 1: 20}},
		{"bnxt", map[string]uint64{"[0]: rx_ucast_packets": 10, "[0]: rx_mcast_packets": 1, "[0]: rx_bcast_packets": 2, "[1]: rx_ucast_packets": 20}, map[int]uint64{0: 13, 1: 20}},
		{"one queue", map[string]uint64{"rx_queue_0_packets": 10}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.driver, func(t *testing.T) {
			sc := newScene(2, time.Second).ethtool("eth0", collect.Ethtool{Driver: tc.driver})
			for _, name := range sortedKeys(tc.stats) {
				sc.ethtoolStat("eth0", name, cumulative(0, tc.stats[name]))
			}
			var got map[int]uint64
			for q, d := range sc.analysis().queuePackets("eth0") {
				if got == nil {
					got = map[int]uint64{}
				}
				got[q] = d.Inc
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("packets per queue (-want +got):\n%s", d)
			}
		})
	}
}

func TestRSSFewQueues(t *testing.T) {
	tests := []struct {
		name  string
		ch    collect.Channels
		topo  *collect.Topology
		rxPPS uint64
		want  []string // commands; nil for no finding
	}{
		{"2 of 16 channels, 8 local cores", collect.Channels{Combined: 2, CombinedMax: 16}, smtTopology(16, 1), 10_000, []string{"ethtool -L eth0 combined 8"}},
		{"2 of 4 channels, 8 local cores", collect.Channels{Combined: 2, CombinedMax: 4}, smtTopology(16, 1), 10_000, []string{"ethtool -L eth0 combined 4"}},
		{"8 of 16 channels, 8 local cores", collect.Channels{Combined: 8, CombinedMax: 16}, smtTopology(16, 1), 10_000, nil},
		{"12 of 16 channels, 8 local cores: never fewer", collect.Channels{Combined: 12, CombinedMax: 16}, smtTopology(16, 1), 10_000, nil},
		{"2 of 16, too little traffic", collect.Channels{Combined: 2, CombinedMax: 16}, smtTopology(16, 1), 999, nil},
		{"separate rx channels", collect.Channels{RX: 1, RXMax: 8, TX: 1, TXMax: 8}, smtTopology(8, 1), 10_000, []string{"ethtool -L eth0 rx 4"}},
		{"siblings unknown: every CPU counts", collect.Channels{Combined: 2, CombinedMax: 16}, flatTopology(6), 10_000, []string{"ethtool -L eth0 combined 6"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(2, 10*time.Second).nics(physNIC("eth0", 2, 2)).ethtool("eth0", collect.Ethtool{Driver: "ixgbe", Channels: &tc.ch}).
				link("eth0", "up", 10000).linkStat("eth0", "rx_packets", cumulative(0, tc.rxPPS*10))
			sc.cfg.Topology = tc.topo
			fs := byID(sc.analyze(Options{}), "rss.few_queues")
			if tc.want == nil {
				if len(fs) != 0 {
					t.Errorf("unexpected: %s", fs[0].Summary)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("want one rss.few_queues, got %d", len(fs))
			}
			if d := cmp.Diff(tc.want, commands(fs[0])); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
}

func TestRSSFewQueuesEvidence(t *testing.T) {
	sc := newScene(2, 10*time.Second).nics(physNIC("eth0", 2, 2)).ethtool("eth0", collect.Ethtool{Channels: &collect.Channels{Combined: 2, CombinedMax: 16}}).
		link("eth0", "up", 10000).linkStat("eth0", "rx_packets", cumulative(0, 100_000))
	sc.cfg.Topology = smtTopology(16, 1)
	f := only(t, sc.analyze(Options{}), "rss.few_queues")
	for metric, want := range map[string]float64{"combined channels in use": 2, "combined channels maximum": 16, "local physical cores": 8, "traffic": 100_000} {
		if got := evidenceValue(t, f, metric); got != want {
			t.Errorf("evidence %s = %v, want %v", metric, got, want)
		}
	}
	want := `ethtool settings are lost at reboot: NetworkManager ` + "`nmcli connection modify <conn> ethtool.channels-combined 8`" +
		`; systemd-networkd ` + "`CombinedChannels=8`" + ` in the [Link] section of a .link file for eth0; or udev ` +
		"`ACTION==\"add\", SUBSYSTEM==\"net\", KERNEL==\"eth0\", RUN+=\"/usr/sbin/ethtool -L %k combined 8\"`"
	if d := cmp.Diff(want, f.Recommendations[0].Persist); d != "" {
		t.Errorf("persist (-want +got):\n%s", d)
	}
}
