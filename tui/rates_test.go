package tui

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/cpumask"
)

func TestQueueStat(t *testing.T) {
	type res struct {
		Q   int
		Dir byte
		OK  bool
	}
	for _, tc := range []struct {
		name string
		want res
	}{
		{"rx_queue_3_packets", res{3, 'r', true}},
		{"tx_queue_12_packets", res{12, 't', true}},
		{"rx-7.packets", res{7, 'r', true}},
		{"tx-0.packets", res{0, 't', true}},
		{"rx3_packets", res{3, 'r', true}},
		{"tx63_packets", res{63, 't', true}},
		{"[5]: rx_ucast_packets", res{5, 'r', true}},
		{"[5]: rx_bcast_packets", res{5, 'r', true}},
		{"[2]: tx_mcast_packets", res{2, 't', true}},
		{"rx_packets", res{}},
		{"rx_queue_0_xdp_packets", res{}}, // veth: XDP only
		{"rx0_xdp_packets", res{}},        // virtio_net: XDP only
		{"rx_queue_x_packets", res{}},
		{"rx_queue__packets", res{}},
		{"rx_queue_123456_packets", res{}},
		{"[3]: rx_ucast_bytes", res{}},
		{"port.rx_packets", res{}},
		{"", res{}},
	} {
		q, d, ok := queueStat(tc.name)
		if diff := cmp.Diff(tc.want, res{q, d, ok}); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestMeasureMatchesCounters checks the newest interval's rates against
// the raw counters of the two snapshots, worked out here by hand.
func TestMeasureMatchesCounters(t *testing.T) {
	snaps, iv := loadRecording(t, "softnet-drops")
	prev, cur := snaps[4], snaps[5]
	secs := cur.Time.Sub(prev.Time).Seconds()
	s := measure(prev, cur, iv)
	if s.sinceBoot || math.Abs(s.secs-secs) > 1e-9 {
		t.Fatalf("interval %v s since boot %v, want %v s", s.secs, s.sinceBoot, secs)
	}
	type row struct {
		CPU                          int
		Processed, Dropped, Squeezed float64
		NetRX                        float64
	}
	var want, got []row
	for i, c := range cur.Softnet {
		p := prev.Softnet[i]
		col := -1
		for j, n := range cur.SoftIRQs.CPUs {
			if n == c.CPU {
				col = j
			}
		}
		rx := float64(cur.SoftIRQs.Rows["NET_RX"][col]-prev.SoftIRQs.Rows["NET_RX"][col]) / secs
		want = append(want, row{c.CPU, float64(c.Processed-p.Processed) / secs, float64(c.Dropped-p.Dropped) / secs,
			float64(c.TimeSqueeze-p.TimeSqueeze) / secs, rx})
	}
	for _, c := range s.cpus {
		got = append(got, row{c.cpu, c.processed.v, c.dropped.v, c.squeezed.v, c.softirq[sirqNetRX].v})
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("per-CPU rates (-want +got):\n%s", diff)
	}
	var drops float64
	for _, r := range want {
		drops += r.Dropped
	}
	for _, n := range s.nics {
		if n.name == "eth0" {
			wantRx := float64(cur.NetDev["eth0"].RxPackets-prev.NetDev["eth0"].RxPackets) / secs
			if n.rxPkts != known(wantRx) {
				t.Errorf("eth0 rx pps %v, want %v", n.rxPkts, wantRx)
			}
			drops += n.drops.v + n.overruns.v
		}
	}
	if math.Abs(s.drops.v-drops) > 1e-6 {
		t.Errorf("drops total %v, want softnet + eth0 %v", s.drops.v, drops)
	}
}

// TestMeasureQueues: per-queue interrupt rates, the CPUs that took them
// and the per-queue packets of the synthetic host's ixgbe NIC.
func TestMeasureQueues(t *testing.T) {
	o := synthOptions()
	o.CPUs, o.Queues = 16, 8
	snaps := synthSnaps(t, o, 2)
	prev, cur := snaps[0], snaps[1]
	secs := cur.Time.Sub(prev.Time).Seconds()
	s := measure(prev, cur, o.Interval)
	var eth0 *nicRates
	for i := range s.nics {
		if s.nics[i].name == "eth0" {
			eth0 = &s.nics[i]
		}
	}
	if eth0 == nil || len(eth0.queues) != 8 {
		t.Fatalf("eth0 queues: %+v", eth0)
	}
	vecs := collect.NICIRQs(cur)["eth0"]
	stat := func(sn *collect.Snapshot, name string) uint64 {
		for _, st := range sn.Ethtool["eth0"].Stats {
			if st.Name == name {
				return st.Value
			}
		}
		t.Fatalf("no %s", name)
		return 0
	}
	for _, q := range eth0.queues {
		var irq int
		var ln int
		for _, v := range vecs {
			if v.Queue == q.q {
				irq, ln = v.IRQ, v.Line
			}
		}
		var sum uint64
		var ran cpumask.Set
		n := len(cur.Interrupts.CPUs)
		for j, c := range cur.Interrupts.CPUs {
			d := cur.Interrupts.Counts[ln*n+j] - prev.Interrupts.Counts[ln*n+j]
			sum += d
			if d > 0 {
				ran = ran.With(c)
			}
		}
		if !cmp.Equal(q.irqs, []int{irq}) || q.irqRate != known(float64(sum)/secs) || !q.handled.Equal(ran) {
			t.Errorf("queue %d: irqs %v rate %v ran on %s, want [%d] %v %s", q.q, q.irqs, q.irqRate, q.handled.List(), irq, float64(sum)/secs, ran.List())
		}
		name := "rx_queue_" + strconv.Itoa(q.q) + "_packets"
		if want := float64(stat(cur, name)-stat(prev, name)) / secs; q.rxPkts != known(want) {
			t.Errorf("queue %d rx pkts %v, want %v", q.q, q.rxPkts, want)
		}
	}
}

// TestMissingIsNotZero: counters a snapshot does not have are unknown,
// never 0, and a lone snapshot gives averages since boot.
func TestMissingIsNotZero(t *testing.T) {
	snaps, iv := loadRecording(t, "softnet-drops")
	prev, cur := *snaps[4], *snaps[5]
	prev.Softnet, cur.Softnet = nil, nil
	cur.SoftIRQs = nil
	cur.Links = nil
	s := measure(&prev, &cur, iv)
	for _, c := range s.cpus {
		if c.processed.ok || c.dropped.ok || c.softirq[sirqNetRX].ok || c.backlog.ok {
			t.Errorf("cpu%d: rates from absent files: %+v", c.cpu, c)
		}
	}
	if s.squeezes.ok {
		t.Error("squeezes total known without softnet_stat")
	}
	for _, n := range s.nics {
		if n.name == "eth0" && (!n.drops.ok || n.overruns.ok && n.overruns.v != 0) {
			t.Errorf("eth0 without sysfs statistics: drops %v (want from proc/net/dev), overruns %v", n.drops, n.overruns)
		}
	}

	one := measure(nil, snaps[5], iv)
	up := snaps[5].Host.Uptime
	if !one.sinceBoot || one.secs != up {
		t.Fatalf("lone snapshot: since boot %v over %v s, want uptime %v", one.sinceBoot, one.secs, up)
	}
	c1 := one.cpus[1]
	if want := float64(snaps[5].Softnet[1].Processed) / up; math.Abs(c1.processed.v-want) > 1e-6 {
		t.Errorf("cpu1 processed since boot %v/s, want %v/s", c1.processed.v, want)
	}
}

func TestCountedNICs(t *testing.T) {
	nic := func(kind string) *collect.NIC { return &collect.NIC{Kind: kind} }
	for _, tc := range []struct {
		name string
		snap collect.Snapshot
		want map[string]bool
	}{
		{"physical only, not the bond over them", collect.Snapshot{
			NetDev: map[string]collect.NetDevStats{"eth0": {}, "eth1": {}, "bond0": {}, "lo": {}},
			Config: &collect.Config{NICs: map[string]*collect.NIC{"eth0": nic("physical"), "eth1": nic("physical"), "bond0": nic("bond"), "lo": nic("loopback")}},
		}, map[string]bool{"eth0": true, "eth1": true}},
		{"no configuration: all but loopback", collect.Snapshot{
			NetDev: map[string]collect.NetDevStats{"veth0": {}, "lo": {}},
		}, map[string]bool{"veth0": true}},
		{"a namespace with loopback only", collect.Snapshot{
			NetDev: map[string]collect.NetDevStats{"lo": {}},
		}, map[string]bool{"lo": true}},
	} {
		if diff := cmp.Diff(tc.want, countedNICs(&tc.snap)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestMarkSkew(t *testing.T) {
	q := func(irq float64, rx ...float64) queueView {
		v := queueView{queueRates: queueRates{irqRate: known(irq)}}
		if len(rx) > 0 {
			v.rxPkts = known(rx[0])
		}
		return v
	}
	type res struct {
		Skew      float64
		By        string
		Hot, Idle []bool
	}
	for _, tc := range []struct {
		name string
		qs   []queueView
		want res
	}{
		{"even", []queueView{q(100), q(100)}, res{1, "irq/s", []bool{false, false}, []bool{false, false}}},
		{"one hot queue by packets", []queueView{q(5, 100), q(5, 100), q(5, 100), q(5, 700)},
			res{2.8, "rx pkts/s", []bool{false, false, false, true}, []bool{false, false, false, false}}},
		{"an idle queue", []queueView{q(0), q(50), q(50)}, res{1.5, "irq/s", []bool{false, false, false}, []bool{true, false, false}}},
		{"idle host: nothing marked", []queueView{q(0), q(0)}, res{0, "", []bool{false, false}, []bool{false, false}}},
		{"one queue", []queueView{q(500)}, res{0, "", []bool{false}, []bool{false}}},
	} {
		skew, by := markSkew(tc.qs)
		got := res{Skew: skew, By: by}
		for _, v := range tc.qs {
			got.Hot = append(got.Hot, v.hot)
			got.Idle = append(got.Idle, v.idle)
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// FuzzQueueStat: any name either is no per-queue packet counter, or reads
// back as one of the drivers' forms with the queue number it gave.
func FuzzQueueStat(f *testing.F) {
	for _, s := range []string{"rx_queue_3_packets", "tx-7.packets", "rx12_packets", "[5]: rx_ucast_packets",
		"rx_queue_0_xdp_packets", "rx_packets", "[9]: tx_bcast_packets", "rx-.packets", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		q, dir, ok := queueStat(name)
		if !ok {
			return
		}
		if q < 0 || (dir != 'r' && dir != 't') {
			t.Fatalf("%q: queue %d dir %q", name, q, dir)
		}
		d := string(dir) + "x"
		n := strconv.Itoa(q)
		forms := []string{d + "_queue_" + n + "_packets", d + "-" + n + ".packets", d + n + "_packets"}
		for _, kind := range []string{"ucast", "mcast", "bcast"} {
			forms = append(forms, "["+n+"]: "+d+"_"+kind+"_packets")
		}
		for _, f := range forms {
			if sameButZeros(name, f) { // "rx_queue_03_packets" is queue 3
				return
			}
		}
		t.Fatalf("%q read as queue %d %q, which none of the forms gives", name, q, dir)
	})
}

// sameButZeros reports whether a and b differ only by leading zeros in
// their first run of digits.
func sameButZeros(a, b string) bool {
	strip := func(s string) string {
		i := strings.IndexAny(s, "0123456789")
		if i < 0 {
			return s
		}
		j := i
		for j < len(s) && s[j] == '0' {
			j++
		}
		if j == len(s) || s[j] < '0' || s[j] > '9' {
			j-- // keep one zero for the number 0
		}
		return s[:i] + s[j:]
	}
	return strip(a) == strip(b)
}
