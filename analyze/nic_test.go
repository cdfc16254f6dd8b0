package analyze

import (
	"math/bits"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

func TestSuggestRing(t *testing.T) {
	tests := []struct{ cur, max, want uint32 }{
		{256, 4096, 1024},  // a quarter of the maximum
		{512, 8192, 2048},  // ixgbe/i40e
		{64, 8160, 2048},   // i40e's maximum is not a power of two: 2040 rounds up
		{255, 16384, 4096}, // ena
		{100, 6000, 2048},  // 1500 rounds up to a power of two
		{256, 2047, 1024},  // bnxt: at least 1024
		{256, 1024, 1024},  // at least 1024, at most the maximum
		{200, 1000, 1000},  // capped at a maximum that is no power of two
		{3000, 4000, 3000}, // never below the current size
	}
	for _, tc := range tests {
		if got := suggestRing(tc.cur, tc.max); got != tc.want {
			t.Errorf("suggestRing(%d, %d) = %d, want %d", tc.cur, tc.max, got, tc.want)
		}
	}
	// For every ring the rule fires on (below a quarter of its maximum):
	// at least the current size, at most the maximum, a power of two unless
	// it is the maximum, and at least a quarter of the maximum.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 10_000 {
		maxRing := uint32(rng.IntN(1<<16) + 8)
		cur := uint32(rng.IntN(int(maxRing)/4 + 1))
		got := suggestRing(cur, maxRing)
		if got < cur || got > maxRing || got != maxRing && bits.OnesCount32(got) != 1 || 4*uint64(got) < uint64(maxRing) {
			t.Fatalf("suggestRing(%d, %d) = %d", cur, maxRing, got)
		}
	}
}

// nicScene is eth0, a physical ixgbe NIC with rings cur/max, receiving
// pps packets/s over 10 s (n snapshots; 1: since boot, pps is the total).
func nicScene(n int, cur, maxRing uint32, pps uint64) *scene {
	sc := newScene(n, 10*time.Second).nics(physNIC("eth0", 4, 4)).link("eth0", "up", 10000).
		ethtool("eth0", collect.Ethtool{Driver: "ixgbe", Bus: "0000:03:00.0", Rings: &collect.Rings{RX: cur, RXMax: maxRing, TX: cur, TXMax: maxRing}})
	return sc.linkStat("eth0", "rx_packets", steady(pps, pps*10, n))
}

func TestNICRingSmall(t *testing.T) {
	tests := []struct {
		name string
		sc   *scene
		want Severity
	}{
		{"256 of 4096 at 1,000 packets/s", nicScene(2, 256, 4096, 1000), Info},
		{"256 of 4096 at 999 packets/s", nicScene(2, 256, 4096, 999), 0},
		{"1023 of 4096", nicScene(2, 1023, 4096, 1000), Info},
		{"1024 of 4096: a quarter is enough", nicScene(2, 1024, 4096, 1000), 0},
		{"with overruns: warning", nicScene(2, 256, 4096, 1000).linkStat("eth0", "rx_missed_errors", cumulative(0, 5)), Warning},
		{"since boot, 1M packets", nicScene(1, 256, 4096, 1_000_000), Info},
		{"since boot, under 1M packets", nicScene(1, 256, 4096, 999_999), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := severities(tc.sc.analyze(Options{}), "nic.ring_small")
			want := map[string]Severity{}
			if tc.want != 0 {
				want["eth0"] = tc.want
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("nic.ring_small (-want +got):\n%s", d)
			}
		})
	}
}

func TestNICRingSmallCommandAndEvidence(t *testing.T) {
	f := only(t, nicScene(2, 256, 4096, 2000).analyze(Options{}), "nic.ring_small")
	want := Recommendation{
		Summary:  "Give the ring room for bursts: 1024 descriptors (≥ a quarter of the maximum, a power of two); go to the maximum 4096 if nic.rx_ring_overrun shows drops.",
		Commands: []string{"ethtool -G eth0 rx 1024"},
		Changes:  []Change{{Kind: ChangeRing, Device: "eth0", Target: "rx", Value: "1024"}},
		Persist:  ethtoolPersist("eth0", "ethtool.ring-rx 1024", "RxBufferSize=1024", "-G %k rx 1024"),
		Risk:     "more memory and cache per queue; many drivers reset the link briefly to resize",
	}
	if d := cmp.Diff([]Recommendation{want}, f.Recommendations); d != "" {
		t.Errorf("recommendation (-want +got):\n%s", d)
	}
	for metric, v := range map[string]float64{"RX ring size": 256, "RX ring maximum": 4096, "rx_packets": 20_000} {
		if got := evidenceValue(t, f, metric); got != v {
			t.Errorf("evidence %s = %v, want %v", metric, got, v)
		}
	}
}

func TestNICRingSmallTrafficUnknown(t *testing.T) {
	ring := collect.Ethtool{Driver: "ixgbe", Rings: &collect.Rings{RX: 256, RXMax: 4096}}
	// Only ethtool -g: the traffic is unknown, said so.
	f := only(t, newScene(1, time.Hour).ethtool("eth0", ring).analyze(Options{}), "nic.ring_small")
	if want := "eth0's RX ring has 256 descriptors, 6.2% of its maximum 4096 (its traffic is not known in this snapshot)"; f.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", f.Summary, want)
	}
	// proc/interrupts lists no vector for it: the port is not open.
	sc := newScene(1, time.Hour).ethtool("eth0", ring).interrupts(seq(2), queueLines("eth1", 40, 2), [][]uint64{{1, 1}, {1, 1}})
	if fs := byID(sc.analyze(Options{}), "nic.ring_small"); len(fs) != 0 {
		t.Errorf("no vector for eth0, yet %s", fs[0].Summary)
	}
}

func TestNICRxRingOverrun(t *testing.T) {
	tests := []struct {
		name     string
		sc       *scene
		sev      Severity
		commands []string
	}{
		{"10 misses, ring below its maximum", nicScene(2, 512, 4096, 1000).linkStat("eth0", "rx_missed_errors", cumulative(7, 10)),
			Critical, []string{"ethtool -G eth0 rx 4096"}},
		{"9 misses in one interval", nicScene(2, 512, 4096, 1000).linkStat("eth0", "rx_missed_errors", cumulative(7, 9)),
			Warning, []string{"ethtool -G eth0 rx 4096"}},
		{"ring at its maximum: spread the work", nicScene(2, 4096, 4096, 1000).linkStat("eth0", "rx_missed_errors", cumulative(7, 10)),
			Critical, []string{"ethtool -l eth0", "ethtool -c eth0"}},
		{"ring sizes unknown", newScene(2, time.Second).link("eth0", "up", 1000).linkStat("eth0", "rx_fifo_errors", cumulative(0, 50)),
			Critical, []string{"ethtool -g eth0", "ethtool -G eth0 rx MAX"}},
		{"since boot", nicScene(1, 512, 4096, 1000).linkStat("eth0", "rx_missed_errors", []uint64{5000}),
			Warning, []string{"ethtool -G eth0 rx 4096"}},
		{"no misses", nicScene(2, 512, 4096, 1000).linkStat("eth0", "rx_missed_errors", cumulative(7, 0)), 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := byID(tc.sc.analyze(Options{}), "nic.rx_ring_overrun")
			if tc.sev == 0 {
				if len(fs) != 0 {
					t.Errorf("unexpected: %s", fs[0].Summary)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("want one finding, got %d", len(fs))
			}
			if fs[0].Severity != tc.sev {
				t.Errorf("severity %s, want %s", fs[0].Severity, tc.sev)
			}
			if d := cmp.Diff(tc.commands, commands(fs[0])); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
}

func TestNICRxRingOverrunWorstSource(t *testing.T) {
	// The same drops counted by sysfs and the driver: the larger one is
	// the summary's, both are evidence.
	sc := nicScene(2, 512, 4096, 1000).linkStat("eth0", "rx_missed_errors", cumulative(0, 10)).ethtoolStat("eth0", "rx_no_buffer_count", cumulative(0, 30))
	f := only(t, sc.analyze(Options{}), "nic.rx_ring_overrun")
	if want := "eth0 dropped 30 (3.0/s) packets in 10 s because its RX ring was full (rx_no_buffer_count)"; f.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", f.Summary, want)
	}
	if evidenceValue(t, f, "rx_missed_errors") != 10 || evidenceValue(t, f, "rx_no_buffer_count") != 30 {
		t.Errorf("evidence: %+v", f.Evidence)
	}
}

func TestNICRxErrors(t *testing.T) {
	tests := []struct {
		name string
		sc   *scene
		want Severity
	}{
		{"5 CRC errors", nicScene(2, 512, 4096, 1000).linkStat("eth0", "rx_crc_errors", cumulative(0, 5)), Warning},
		{"6 CRC and 4 frame errors", nicScene(2, 512, 4096, 1000).linkStat("eth0", "rx_crc_errors", cumulative(0, 6)).linkStat("eth0", "rx_frame_errors", cumulative(0, 4)), Critical},
		{"since boot, 100", nicScene(1, 512, 4096, 1000).linkStat("eth0", "rx_length_errors", []uint64{100}), Warning},
		{"since boot, 99", nicScene(1, 512, 4096, 1000).linkStat("eth0", "rx_length_errors", []uint64{99}), Info},
		{"none", nicScene(2, 512, 4096, 1000).linkStat("eth0", "rx_crc_errors", cumulative(40, 0)), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := severities(tc.sc.analyze(Options{}), "nic.rx_errors")
			want := map[string]Severity{}
			if tc.want != 0 {
				want["eth0"] = tc.want
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("nic.rx_errors (-want +got):\n%s", d)
			}
		})
	}
}

func TestNICTxDrops(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		qlen     int
		commands []string
	}{
		{"txqueuelen 1000", "physical", 1000, []string{"tc -s qdisc show dev eth0", "ip link set eth0 txqueuelen 2000"}},
		{"txqueuelen 5000", "physical", 5000, []string{"tc -s qdisc show dev eth0", "ip link set eth0 txqueuelen 10000"}},
		{"txqueuelen 0 (noqueue)", "physical", 0, []string{"tc -s qdisc show dev eth0"}},
		{"veth drops by design", "veth", 1000, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := nicScene(2, 512, 4096, 1000).linkStat("eth0", "tx_dropped", cumulative(0, 10))
			sc.cfg.NICs["eth0"].Kind, sc.cfg.NICs["eth0"].TxQueueLen = tc.kind, tc.qlen
			fs := byID(sc.analyze(Options{}), "nic.tx_drops")
			if tc.commands == nil {
				if len(fs) != 0 {
					t.Errorf("unexpected: %s", fs[0].Summary)
				}
				return
			}
			if len(fs) != 1 || fs[0].Severity != Critical {
				t.Fatalf("want one critical nic.tx_drops, got %+v", fs)
			}
			if d := cmp.Diff(tc.commands, commands(fs[0])); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
}

func TestNICLinkDown(t *testing.T) {
	sc := newScene(2, time.Second).link("eth0", "up", 1000).link("eth1", "down", -1).link("eth2", "down", -1).link("eth3", "lowerlayerdown", -1)
	slave := physNIC("eth3", 1, 1)
	slave.Master = "bond0"
	sc.nics(physNIC("eth1", 1, 1), physNIC("eth2", 1, 1), slave)
	sc.cfg.Addrs = map[string][]string{"eth1": {"10.0.0.2/24"}}
	sc.each(func(_ int, s *collect.Snapshot) {
		s.Bonds = map[string]*collect.Bond{"bond0": {Name: "bond0", Mode: "active-backup", Slaves: []collect.BondSlave{{Name: "eth3", MIIStatus: "down"}}}}
	})
	res := sc.analyze(Options{})
	want := map[string]Severity{"eth1": Warning, "eth3": Warning} // eth2: an unused port
	if d := cmp.Diff(want, severities(res, "nic.link_down")); d != "" {
		t.Errorf("nic.link_down (-want +got):\n%s", d)
	}
	for _, f := range byID(res, "nic.link_down") {
		if f.Subject == "eth1" && f.Summary != "eth1 is down although it has addresses [10.0.0.2/24]" {
			t.Errorf("summary %q", f.Summary)
		}
	}
}

func TestNICOffloadOff(t *testing.T) {
	tests := []struct {
		name     string
		bus      string
		features map[string]bool
		commands []string
	}{
		{"GRO and TSO off", "0000:03:00.0", map[string]bool{"rx-gro": false, "generic-segmentation-offload": true, "tcp-segmentation-offload": false}, []string{"ethtool -K eth0 gro on tso on"}},
		{"all on", "0000:03:00.0", map[string]bool{"rx-gro": true, "generic-segmentation-offload": true, "tcp-segmentation-offload": true}, nil},
		{"a virtual device", "", map[string]bool{"rx-gro": false}, nil},
		// What a live host and a recording hold: the kernel's names.
		{"GSO and TSO off, kernel names", "0000:03:00.0", map[string]bool{"rx-gro": true, "tx-generic-segmentation": false, "tx-tcp-segmentation": false}, []string{"ethtool -K eth0 gso on tso on"}},
		{"kernel name wins over a legacy group", "0000:03:00.0", map[string]bool{"tx-tcp-segmentation": true, "tcp-segmentation-offload": false}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(1, time.Hour).ethtool("eth0", collect.Ethtool{Driver: "ixgbe", Bus: tc.bus, Features: tc.features})
			fs := byID(sc.analyze(Options{}), "nic.offload_off")
			var got []string
			if len(fs) == 1 {
				got = commands(fs[0])
			}
			if d := cmp.Diff(tc.commands, got); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
}
