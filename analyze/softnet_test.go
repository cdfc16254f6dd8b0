package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

// cpuSeries is one CPU's softnet counters at each snapshot of a scene;
// nil columns stay 0. rps is received_rps.
type cpuSeries struct {
	processed, dropped, squeeze, rps, flowLimit []uint64
}

// softnetSeries sets softnet_stat rows of a 6.x kernel (13 columns), CPU i
// from cs[i].
func (sc *scene) softnetSeries(cs ...cpuSeries) *scene {
	at := func(v []uint64, i int) uint64 {
		if v == nil {
			return 0
		}
		return v[i]
	}
	for _, c := range cs {
		for _, v := range [][]uint64{c.processed, c.dropped, c.squeeze, c.rps, c.flowLimit} {
			if v != nil {
				sc.check(v)
			}
		}
	}
	return sc.softnet(func(i int) []collect.SoftnetCPU {
		rows := make([]collect.SoftnetCPU, len(cs))
		for cpu, c := range cs {
			rows[cpu] = softnetRow(cpu, at(c.processed, i), at(c.dropped, i), at(c.squeeze, i))
			rows[cpu].ReceivedRPS = at(c.rps, i)
			rows[cpu].FlowLimitCount = at(c.flowLimit, i)
		}
		return rows
	})
}

func TestSoftnetDropsSeverity(t *testing.T) {
	busy := func(n int) []uint64 { return steady(1e9, 1e6, n) }
	tests := []struct {
		name    string
		n       int // snapshots, 10 s apart (1: since boot)
		dropped []uint64
		want    Severity // 0: no finding
	}{
		{"10 drops in the window: loss now", 2, cumulative(5, 10), Critical},
		{"9 drops in one interval: a burst", 2, cumulative(5, 9), Warning},
		{"1 drop", 2, cumulative(5, 1), Warning},
		{"no drop", 2, cumulative(5, 0), 0},
		{"1 drop in each of two consecutive intervals: ongoing", 3, cumulative(0, 1, 1), Critical},
		{"2 drops in intervals that are not consecutive", 4, cumulative(0, 1, 0, 1), Warning},
		{"drops before the window only: history", 3, cumulative(5000, 0, 0), 0},
		{"since boot, 1,000,000 drops: never critical", 1, []uint64{1e6}, Warning},
		{"since boot, 1,000 drops", 1, []uint64{1000}, Warning},
		{"since boot, 999 drops", 1, []uint64{999}, Info},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(tc.n, 10*time.Second).sysctl("net.core.netdev_max_backlog", "1000").
				softnetSeries(cpuSeries{processed: busy(tc.n), dropped: tc.dropped}, cpuSeries{processed: busy(tc.n)})
			got := severities(sc.analyze(Options{}), "softnet.drops")
			want := map[string]Severity{}
			if tc.want != 0 {
				want["cpu0"] = tc.want
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("softnet.drops by subject (-want +got):\n%s", d)
			}
		})
	}
}

func TestSoftnetDropsEvidenceAndCommand(t *testing.T) {
	sc := newScene(2, 10*time.Second).sysctl("net.core.netdev_max_backlog", "1000").
		softnetSeries(cpuSeries{processed: cumulative(0, 1e6), dropped: cumulative(0, 10)}, cpuSeries{processed: cumulative(0, 1e6)})
	f := only(t, sc.analyze(Options{}), "softnet.drops")
	for metric, want := range map[string]float64{
		"dropped":                      10,
		"processed":                    1e6,
		"dropped per processed packet": 1e-5,
		"net.core.netdev_max_backlog":  1000,
	} {
		if got := evidenceValue(t, f, metric); got != want {
			t.Errorf("evidence %s = %v, want %v", metric, got, want)
		}
	}
	if r := f.Evidence[0].Rate; r == nil || *r != 1 {
		t.Errorf("drop rate = %v, want 1/s (10 in 10 s)", r)
	}
	want := Recommendation{
		Summary:  "Let each CPU's backlog hold 2000 packets instead of 1000, so bursts that arrive faster than CPU 0 drains them are queued instead of dropped.",
		Commands: []string{"sysctl -w net.core.netdev_max_backlog=2000"},
		Changes:  []Change{{Kind: ChangeSysctl, Target: "net.core.netdev_max_backlog", Value: "2000"}},
		Persist:  "add to /etc/sysctl.d/90-netvet.conf: net.core.netdev_max_backlog = 2000 (applied at boot; `sysctl --system` reloads)",
		Risk:     "more packets queued per CPU means more memory under overload and more queueing delay; it absorbs bursts, it does not add CPU",
	}
	if d := cmp.Diff(want, f.Recommendations[0]); d != "" {
		t.Errorf("backlog recommendation (-want +got):\n%s", d)
	}
	if len(f.Recommendations) != 2 {
		t.Errorf("no RPS on the dropping CPU: want the 'spread the load' advice too, got %d recommendations", len(f.Recommendations))
	}
}

func TestSoftnetDropsBacklogValue(t *testing.T) {
	tests := []struct {
		current string // "" when unreadable
		want    []string
	}{
		{"1000", []string{"sysctl -w net.core.netdev_max_backlog=2000"}},
		{"300", []string{"sysctl -w net.core.netdev_max_backlog=2000"}}, // at least the floor
		{"4096", []string{"sysctl -w net.core.netdev_max_backlog=8192"}},
		{"250000", []string{"sysctl -w net.core.netdev_max_backlog=500000"}},
		// Unknown: never a fixed value, which could lower it.
		{"", []string{"sysctl net.core.netdev_max_backlog", "sysctl -w net.core.netdev_max_backlog=$(( 2 * $(sysctl -n net.core.netdev_max_backlog) ))"}},
	}
	for _, tc := range tests {
		t.Run("backlog="+tc.current, func(t *testing.T) {
			sc := newScene(2, time.Second).softnetSeries(
				cpuSeries{processed: cumulative(0, 1e5), dropped: cumulative(0, 50)}, cpuSeries{processed: cumulative(0, 1e5)})
			if tc.current != "" {
				sc.sysctl("net.core.netdev_max_backlog", tc.current)
			}
			f := only(t, sc.analyze(Options{}), "softnet.drops")
			if d := cmp.Diff(tc.want, f.Recommendations[0].Commands); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
}

func TestSoftnetDropsWithRPS(t *testing.T) {
	// The CPU already receives RPS work: the "spread the load" advice would
	// be wrong, and the IPIs are evidence.
	sc := newScene(2, time.Second).sysctl("net.core.netdev_max_backlog", "1000").softnetSeries(
		cpuSeries{processed: cumulative(0, 1e5), dropped: cumulative(0, 50), rps: cumulative(0, 3000)},
		cpuSeries{processed: cumulative(0, 1e5)})
	f := only(t, sc.analyze(Options{}), "softnet.drops")
	if got := evidenceValue(t, f, "received_rps (IPIs from RPS)"); got != 3000 {
		t.Errorf("received_rps evidence = %v, want 3000", got)
	}
	if len(f.Recommendations) != 1 {
		t.Errorf("RPS already spreads this CPU's work: want only the backlog advice, got %+v", f.Recommendations)
	}
}

func TestSoftnetSqueeze(t *testing.T) {
	tests := []struct {
		name      string
		n         int
		step      time.Duration
		processed []uint64
		squeeze   []uint64
		want      Severity
	}{
		{"busy CPU squeezed in every interval", 4, time.Second, steady(0, 20000, 4), steady(0, 5, 4), Warning},
		{"ratio at the gate (1 per 10,000 packets)", 4, time.Second, steady(0, 20000, 4), steady(0, 2, 4), Warning},
		{"ratio just below the gate", 4, time.Second, steady(0, 20000, 4), steady(0, 1, 4), 0},
		{"rate at the gate (10,000 packets/s)", 4, time.Second, steady(0, 10000, 4), steady(0, 5, 4), Warning},
		{"rate just below the gate", 4, time.Second, steady(0, 9999, 4), steady(0, 5, 4), 0},
		{"squeezed in one interval of three: not persisting", 4, time.Second, steady(0, 20000, 4), cumulative(0, 0, 15, 0), 0},
		{"squeezed in two consecutive intervals of three", 4, time.Second, steady(0, 20000, 4), cumulative(0, 0, 8, 7), Warning},
		{"two snapshots: the one interval is all there is", 2, time.Second, cumulative(0, 20000), cumulative(0, 5), Warning},
		{"no squeeze", 4, time.Second, steady(0, 20000, 4), steady(7, 0, 4), 0},
		{"since boot on a busy host: info", 1, 24 * time.Hour, []uint64{2e9}, []uint64{1e6}, Info},
		{"since boot, under 1M packets: too little to judge", 1, 0, []uint64{999_999}, []uint64{500}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(tc.n, tc.step).sysctl("net.core.netdev_budget", "300", "net.core.netdev_budget_usecs", "2000").
				softnetSeries(cpuSeries{processed: tc.processed, squeeze: tc.squeeze}, cpuSeries{processed: tc.processed})
			got := severities(sc.analyze(Options{}), "softnet.squeeze")
			want := map[string]Severity{}
			if tc.want != 0 {
				want["cpu0"] = tc.want
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("softnet.squeeze by subject (-want +got):\n%s", d)
			}
		})
	}
}

// TestSoftnetSqueezeIdleVM is DESIGN.md's example: an idle VM with three
// squeezes an hour stays quiet, over an hour's window and since boot.
func TestSoftnetSqueezeIdleVM(t *testing.T) {
	// An hour sampled each minute; 5 packets/s; squeezes at minutes 10 and
	// 11 (two consecutive intervals) and 40. The ratio (3 per 18,000
	// packets) passes the ratio gate: only the traffic gate keeps it quiet.
	processed := steady(1e6, 300, 61)
	incs := make([]uint64, 60)
	incs[9], incs[10], incs[39] = 1, 1, 1
	sc := newScene(61, time.Minute).softnetSeries(cpuSeries{processed: processed, squeeze: cumulative(40, incs...)}, cpuSeries{processed: processed})
	res := sc.analyze(Options{})
	if fs := byID(res, "softnet.squeeze"); len(fs) != 0 {
		t.Errorf("idle VM over an hour: %s", fs[0].Summary)
	}

	// The same VM after 30 days: 2,160 squeezes in 12.96M packets.
	const days = 30
	boot := newScene(1, days*24*time.Hour).softnetSeries(
		cpuSeries{processed: []uint64{5 * 86400 * days}, squeeze: []uint64{3 * 24 * days}},
		cpuSeries{processed: []uint64{5 * 86400 * days}})
	if fs := byID(boot.analyze(Options{}), "softnet.squeeze"); len(fs) != 0 {
		t.Errorf("idle VM since boot: %s", fs[0].Summary)
	}
}

func TestSoftnetSqueezeEvidenceAndCommands(t *testing.T) {
	tests := []struct {
		budget, usecs string
		want          []string
	}{
		{"300", "2000", []string{"sysctl -w net.core.netdev_budget=600", "sysctl -w net.core.netdev_budget_usecs=4000"}},
		{"50", "500", []string{"sysctl -w net.core.netdev_budget=600", "sysctl -w net.core.netdev_budget_usecs=4000"}},
		{"1000", "8000", []string{"sysctl -w net.core.netdev_budget=2000", "sysctl -w net.core.netdev_budget_usecs=16000"}},
		{"", "", []string{"sysctl net.core.netdev_budget net.core.netdev_budget_usecs"}},
	}
	for _, tc := range tests {
		t.Run(tc.budget+"/"+tc.usecs, func(t *testing.T) {
			sc := newScene(4, time.Second).softnetSeries(
				cpuSeries{processed: steady(0, 20000, 4), squeeze: steady(0, 5, 4)}, cpuSeries{processed: steady(0, 20000, 4)})
			if tc.budget != "" {
				sc.sysctl("net.core.netdev_budget", tc.budget, "net.core.netdev_budget_usecs", tc.usecs)
			}
			f := only(t, sc.analyze(Options{}), "softnet.squeeze")
			if d := cmp.Diff(tc.want, commands(f)); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
			for metric, want := range map[string]float64{"time_squeeze": 15, "processed": 60000, "time_squeeze per processed packet": 15.0 / 60000} {
				if got := evidenceValue(t, f, metric); got != want {
					t.Errorf("evidence %s = %v, want %v", metric, got, want)
				}
			}
		})
	}
}

func TestSoftnetCPUSkew(t *testing.T) {
	// Four CPUs, 10 s window; cpu0 takes share% of the host's packets.
	skew := func(total, sharePct uint64) []cpuSeries {
		busy := total * sharePct / 100
		rest := (total - busy) / 3
		return []cpuSeries{
			{processed: cumulative(0, busy)},
			{processed: cumulative(0, rest)}, {processed: cumulative(0, rest)}, {processed: cumulative(0, total-busy-2*rest)},
		}
	}
	withNICs := func(extRx uint64) func(sc *scene) {
		return func(sc *scene) {
			lo := &collect.NIC{Name: "lo", Kind: "loopback"}
			sc.nics(lo, physNIC("eth0", 1, 1)).link("lo", "unknown", -1).link("eth0", "up", 10000).
				linkStat("lo", "rx_packets", cumulative(0, 1e7)).linkStat("eth0", "rx_packets", cumulative(0, extRx))
		}
	}
	tests := []struct {
		name  string
		cpus  []cpuSeries
		setup func(sc *scene)
		want  Severity
	}{
		{"70% of 10k packets/s on cpu0", skew(100_000, 70), nil, Info},
		{"69%", skew(100_000, 69), nil, 0},
		{"70% but the host under the traffic gate (999 packets/s)", skew(9990, 70), nil, 0},
		{"70% at the gate (1,000 packets/s)", skew(10_000, 70), nil, Info},
		{"cpu0 at 100k packets/s: headroom going", skew(1_430_000, 70), nil, Warning},
		{"70% of loopback traffic: external NIC below the gate", skew(100_000, 70), withNICs(9990), 0},
		{"70% with the external NIC above the gate", skew(100_000, 70), withNICs(100_000), Info},
		{"one CPU: nothing to spread to", skew(100_000, 70)[:1], nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(2, 10*time.Second).softnetSeries(tc.cpus...)
			if tc.setup != nil {
				tc.setup(sc)
			}
			got := severities(sc.analyze(Options{}), "softnet.cpu_skew")
			want := map[string]Severity{}
			if tc.want != 0 {
				want["cpu0"] = tc.want
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("softnet.cpu_skew by subject (-want +got):\n%s", d)
			}
		})
	}
}

func TestSoftnetCPUSkewSinceBoot(t *testing.T) {
	// Since boot the gate is 100 packets/s on average over the uptime, and
	// the finding stays info whatever the rate.
	for _, tc := range []struct {
		name   string
		uptime time.Duration
		want   int
	}{
		{"1,000 packets/s on average", 1000 * time.Second, 1},
		{"99 packets/s on average", 10101 * time.Second, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(1, tc.uptime).softnetSeries(
				cpuSeries{processed: []uint64{800_000}}, cpuSeries{processed: []uint64{100_000}}, cpuSeries{processed: []uint64{100_000}})
			fs := byID(sc.analyze(Options{}), "softnet.cpu_skew")
			if len(fs) != tc.want {
				t.Fatalf("got %d findings, want %d", len(fs), tc.want)
			}
			if tc.want == 1 && fs[0].Severity != Info {
				t.Errorf("since boot: severity %s, want info", fs[0].Severity)
			}
		})
	}
}

func TestSoftnetCPUSkewEvidence(t *testing.T) {
	sc := newScene(2, 10*time.Second).softnetSeries(
		cpuSeries{processed: cumulative(0, 80_000)}, cpuSeries{processed: cumulative(0, 10_000)}, cpuSeries{processed: cumulative(0, 10_000)})
	sc.cfg.Topology = flatTopology(3)
	f := only(t, sc.analyze(Options{}), "softnet.cpu_skew")
	for metric, want := range map[string]float64{"processed on CPU 0": 80_000, "processed on all CPUs": 100_000, "share of CPU 0": 80} {
		if got := evidenceValue(t, f, metric); got != want {
			t.Errorf("evidence %s = %v, want %v", metric, got, want)
		}
	}
	if want := "enable RPS toward CPUs 1-2."; len(f.Recommendations) != 1 || !strings.HasSuffix(f.Recommendations[0].Summary, want) {
		t.Errorf("recommendation should end with %q: %+v", want, f.Recommendations)
	}
}

func TestSoftnetFlowLimit(t *testing.T) {
	sc := newScene(2, time.Second).sysctl("net.core.flow_limit_cpu_bitmap", "00000003", "net.core.flow_limit_table_len", "4096").
		softnetSeries(cpuSeries{processed: cumulative(0, 1e5), flowLimit: cumulative(10, 250)}, cpuSeries{processed: cumulative(0, 1e5), flowLimit: cumulative(10, 0)})
	f := only(t, sc.analyze(Options{}), "softnet.flow_limit")
	if f.Subject != "cpu0" || f.Severity != Info {
		t.Errorf("got %s %s, want info on cpu0", f.Severity, f.Subject)
	}
	if got := evidenceValue(t, f, "flow_limit_count"); got != 250 {
		t.Errorf("flow_limit_count = %v, want 250", got)
	}
	if got := evidenceText(t, f, "net.core.flow_limit_cpu_bitmap"); got != "00000003" {
		t.Errorf("bitmap evidence = %q", got)
	}

	// A kernel that does not print the column (10 columns): absent, not 0,
	// and no finding.
	old := newScene(2, time.Second).softnet(func(i int) []collect.SoftnetCPU {
		r := softnetRow(0, uint64(i)*1e5, 0, 0)
		r.Columns, r.FlowLimitCount = 10, 999 // garbage beyond the printed columns
		return []collect.SoftnetCPU{r}
	})
	if fs := byID(old.analyze(Options{}), "softnet.flow_limit"); len(fs) != 0 {
		t.Errorf("flow_limit_count not printed, yet %s", fs[0].Summary)
	}
}
