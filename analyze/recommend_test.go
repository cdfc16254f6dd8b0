package analyze

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

// randomHost is a host with something wrong in every family, with current
// settings drawn from realistic and extreme values, so the rules'
// recommendations meet hosts tuned below, at and far above their defaults.
func randomHost(rng *rand.Rand) (*scene, Options) {
	pick := func(vs ...string) string { return vs[rng.IntN(len(vs))] }
	pickU := func(vs ...uint32) uint32 { return vs[rng.IntN(len(vs))] }
	n := []int{1, 2, 4}[rng.IntN(3)]
	sc := newScene(n, 10*time.Second).kernel(pick("3.10.0-1160.el7.x86_64", "5.15.0-91-generic", "6.1.0-18-amd64", "6.8.0-60-generic", ""))
	ncpu := []int{4, 8, 16}[rng.IntN(3)]
	sc.cfg.Topology = smtTopology(ncpu, 1+rng.IntN(2))
	rmem := pick("1048576", "6291456", "16777216", "67108864", "1073741824")
	sc.sysctl(
		"net.core.netdev_max_backlog", pick("1", "300", "1000", "2000", "5000", "100000", "16777216"),
		"net.core.netdev_budget", pick("50", "300", "600", "5000"),
		"net.core.netdev_budget_usecs", pick("100", "2000", "8000", "100000"),
		"net.core.somaxconn", pick("128", "4096", "65535", "1048576"),
		"net.ipv4.tcp_max_syn_backlog", pick("128", "512", "4096", "262144"),
		"net.ipv4.tcp_syncookies", pick("0", "1", "2"),
		"net.ipv4.tcp_rmem", "4096 131072 "+rmem,
		"net.ipv4.tcp_wmem", "4096 16384 "+pick("1048576", "4194304", "16777216", "67108864", "1073741824"),
		"net.ipv4.tcp_mem", pick("1000 2000 3000", "190000 253000 380000", "9000000 12000000 18000000"),
		"net.core.rmem_max", pick("212992", "16777216", "268435456"),
		"net.core.wmem_max", pick("212992", "16777216", "268435456"),
		"net.core.rmem_default", "212992",
		"net.core.rps_sock_flow_entries", pick("0", "4096", "32768", "1048576"),
		"net.ipv4.ip_local_port_range", pick("32768 60999", "1024 65535", "40000 40999", "2000 65000"),
		"net.ipv4.tcp_tw_reuse", pick("0", "1", "2"),
		"net.ipv4.tcp_adv_win_scale", pick("-2", "0", "1", "2"),
		"net.ipv4.tcp_moderate_rcvbuf", pick("0", "1"),
	)
	for name := range sc.cfg.Sysctls {
		if rng.IntN(12) == 0 {
			delete(sc.cfg.Sysctls, name) // unreadable here
		}
	}

	// eth0: rings, channels, RX queues with RPS/RFS in any state.
	rxq := []int{1, 2, 4, 16}[rng.IntN(4)]
	nic := physNIC("eth0", rxq, rxq)
	nic.TxQueueLen = []int{0, 500, 1000, 10000}[rng.IntN(4)]
	onNode(nic, 0, sc.cfg.Topology.Nodes[0])
	for q := range nic.Rx {
		if rng.IntN(2) == 0 {
			nic.Rx[q].RPSCPUs = cpumask.Range(1, ncpu-1)
		}
		nic.Rx[q].RPSFlowCnt = []int{0, 256, 4096, 65536}[rng.IntN(4)]
	}
	sc.nics(nic)
	ringMax := pickU(256, 1024, 4096, 8160)
	ring := min(pickU(64, 256, 512, 1024, 4096), ringMax)
	chMax := pickU(8, 16, 63)
	ch := &collect.Channels{Combined: min(pickU(1, 2, 4, 8, 63), chMax), CombinedMax: chMax}
	if rng.IntN(3) == 0 {
		ch = &collect.Channels{RX: min(pickU(1, 2, 4), chMax), RXMax: chMax, TX: 1, TXMax: chMax}
	}
	sc.ethtool("eth0", collect.Ethtool{Driver: "ixgbe", Bus: "0000:03:00.0", Rings: &collect.Rings{RX: ring, RXMax: ringMax, TX: ring, TXMax: ringMax},
		Channels: ch, Features: map[string]bool{"ntuple-filters": false, "rx-gro": rng.IntN(2) == 0}})
	pps := []uint64{100, 5000, 50_000}[rng.IntN(3)]
	rate := func(perSec uint64) []uint64 { return steady(perSec*10, perSec*10, n) }
	sc.link("eth0", "up", []int{1000, 10000, 100000}[rng.IntN(3)]).linkStat("eth0", "rx_packets", rate(pps)).
		linkStat("eth0", "rx_missed_errors", rate(uint64(rng.IntN(3)))).linkStat("eth0", "tx_dropped", rate(uint64(rng.IntN(3))))
	sc.interrupts(seq(ncpu), queueLines("eth0", 40, rxq), func() [][]uint64 {
		rows := make([][]uint64, rxq)
		for q := range rows {
			rows[q] = onCPU(ncpu, 0, pps)
		}
		return rows
	}())

	// Loss and pressure everywhere.
	sc.softnetSeries(
		cpuSeries{processed: rate(pps * 20), dropped: rate(uint64(rng.IntN(20))), squeeze: rate(uint64(rng.IntN(200)))},
		cpuSeries{processed: rate(10)})
	for _, key := range []string{"TcpExt.ListenOverflows", "TcpExt.ListenDrops", "TcpExt.TCPReqQFullDrop", "TcpExt.RcvPruned", "TcpExt.TCPMemoryPressures"} {
		sc.netstat(key, rate(uint64(rng.IntN(5))))
	}
	sc.snmp("Udp.RcvbufErrors", rate(uint64(rng.IntN(5)))).snmp("Udp.InDatagrams", rate(1000))
	limit := uint32([]int{128, 511, 4096, 65535}[rng.IntN(4)])
	sc.each(func(_ int, s *collect.Snapshot) {
		s.Listeners = []collect.Listener{{Local: "0.0.0.0:443", Queue: limit + 1, Limit: limit}}
		s.TCPRemotes = []collect.TCPRemote{{Remote: "10.1.2.3:5432", Established: 10, TimeWait: 20_000 + rng.IntN(45_000)}}
	})
	opts := Options{
		Bandwidth: []float64{0, 1e9, 10e9, 100e9}[rng.IntN(4)],
		RTT:       []time.Duration{0, time.Millisecond, 20 * time.Millisecond, 200 * time.Millisecond}[rng.IntN(4)],
	}
	return sc, opts
}

var (
	sysctlCmd   = regexp.MustCompile(`^sysctl -w ([a-z0-9_.]+)=(.*)$`)
	ringCmd     = regexp.MustCompile(`^ethtool -G (\S+) rx (\d+)$`)
	channelsCmd = regexp.MustCompile(`^ethtool -L (\S+) (combined|rx) (\d+)$`)
	txqlenCmd   = regexp.MustCompile(`^ip link set (\S+) txqueuelen (\d+)$`)
	flowCntCmd  = regexp.MustCompile(`^echo (\d+) > /sys/class/net/(\S+)/queues/rx-(\d+)/rps_flow_cnt$`)
	// doubleCmd is the one sysctl form without a literal value: twice the
	// host's own, for when the current value was not readable.
	doubleCmd = regexp.MustCompile(`^\$\(\( 2 \* \$\(sysctl -n ([a-z0-9_.]+)\) \)\)$`)
)

func ints(t *testing.T, s string) []int64 {
	t.Helper()
	var out []int64
	for _, f := range strings.Fields(s) {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			t.Fatalf("%q is not a number in %q", f, s)
		}
		out = append(out, v)
	}
	return out
}

// checkNotLower fails when a command sets a value below the current one.
// It returns whether the command set a value it knows how to compare.
func checkNotLower(t *testing.T, f Finding, cmd string, s *collect.Snapshot) bool {
	t.Helper()
	cfg := s.Config
	fail := func(format string, args ...any) {
		t.Errorf("%s %s: %q: %s", f.ID, f.Subject, cmd, fmt.Sprintf(format, args...))
	}
	if m := sysctlCmd.FindStringSubmatch(cmd); m != nil {
		name, val := m[1], strings.Trim(m[2], `"`)
		if d := doubleCmd.FindStringSubmatch(val); d != nil {
			if d[1] != name {
				fail("doubles %s, sets %s", d[1], name)
			}
			return true
		}
		cur, ok := cfg.Sysctls[name]
		if !ok {
			fail("a fixed value for a sysctl whose current value is unknown")
			return true
		}
		newV, curV := ints(t, val), ints(t, cur)
		switch name {
		case "net.ipv4.ip_local_port_range":
			// Widening is the point: the new range must hold the old one.
			if len(newV) != 2 || newV[0] > curV[0] || newV[1] < curV[1] {
				fail("range %v does not contain the current %v", newV, curV)
			}
		case "net.ipv4.tcp_tw_reuse":
			// An enum (0 off, 1 on, 2 loopback only): the only advice is 1.
			if newV[0] != 1 || curV[0] == 1 {
				fail("tcp_tw_reuse %d → %d", curV[0], newV[0])
			}
		default:
			if len(newV) != len(curV) {
				fail("%d values for %d", len(newV), len(curV))
			}
			for i := range min(len(newV), len(curV)) {
				if newV[i] < curV[i] {
					fail("value %d is %d, below the current %d", i, newV[i], curV[i])
				}
			}
			if slices.Equal(newV, curV) {
				fail("sets the current value again")
			}
		}
		return true
	}
	if m := ringCmd.FindStringSubmatch(cmd); m != nil {
		r := s.Ethtool[m[1]].Rings
		if v, _ := strconv.ParseUint(m[2], 10, 32); uint32(v) <= r.RX || uint32(v) > r.RXMax {
			fail("ring %d, current %d, max %d", v, r.RX, r.RXMax)
		}
		return true
	}
	if m := channelsCmd.FindStringSubmatch(cmd); m != nil {
		ch := s.Ethtool[m[1]].Channels
		cur, maxCh := ch.Combined, ch.CombinedMax
		if m[2] == "rx" {
			cur, maxCh = ch.RX, ch.RXMax
		}
		if v, _ := strconv.ParseUint(m[3], 10, 32); uint32(v) <= cur || uint32(v) > maxCh {
			fail("%s channels %d, current %d, max %d", m[2], v, cur, maxCh)
		}
		return true
	}
	if m := txqlenCmd.FindStringSubmatch(cmd); m != nil {
		if v, _ := strconv.Atoi(m[2]); v <= cfg.NICs[m[1]].TxQueueLen {
			fail("txqueuelen %d, current %d", v, cfg.NICs[m[1]].TxQueueLen)
		}
		return true
	}
	if m := flowCntCmd.FindStringSubmatch(cmd); m != nil {
		v, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[3])
		if cur := cfg.NICs[m[2]].Rx[q].RPSFlowCnt; v <= cur {
			fail("rps_flow_cnt %d, current %d", v, cur)
		}
		return true
	}
	if strings.Contains(cmd, "sysctl -w") || strings.Contains(cmd, "ethtool -G") || strings.Contains(cmd, "ethtool -L") || strings.Contains(cmd, "txqueuelen") {
		fail("sets a value in a form this test does not know: teach it")
	}
	return false
}

// TestNeverLower checks the rule for every recommendation: never a
// value lower than the current one. Each command that sets a sysctl, a
// ring, channels, txqueuelen or rps_flow_cnt must raise it (or widen it,
// for the port range); a fixed value for a setting whose current value is
// unknown is an error too, since it could lower it.
func TestNeverLower(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	setters := map[string]int{} // finding ID -> value-setting commands seen
	for i := range 400 {
		sc, opts := randomHost(rng)
		res := sc.analyze(opts)
		last := sc.snaps[len(sc.snaps)-1]
		for _, f := range res.Findings {
			for _, cmd := range commands(f) {
				if checkNotLower(t, f, cmd, last) {
					setters[f.ID]++
				}
			}
		}
		if t.Failed() {
			t.Fatalf("host %d (options %+v, sysctls %v)", i, opts, sc.cfg.Sysctls)
		}
	}
	// The property is only as good as its coverage: every rule that sets a
	// value must have done so above.
	for _, id := range []string{
		"softnet.drops", "softnet.squeeze", "nic.ring_small", "nic.rx_ring_overrun", "nic.tx_drops", "rss.few_queues",
		"tcp.listen_overflow", "tcp.listen_queue_full", "tcp.syn_queue_drops", "tcp.syncookies_off", "tcp.rcv_pruned",
		"tcp.buffer_limit", "tcp.autotuning_off", "tcp.ephemeral_ports", "udp.rcvbuf_errors", "rfs.recommended",
	} {
		if setters[id] == 0 {
			t.Errorf("no %s recommendation set a value in 400 hosts: the generator misses it", id)
		}
	}
}
