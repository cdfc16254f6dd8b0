package report

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/synthhost"
)

// smallHost is the report of 10 snapshots, one second apart, of a 16-CPU
// synthetic host with 4 queues per NIC, shaped by tweak, read through the
// real collectors from memory (writing a recording costs seconds of file
// creation here; the recording path has tests of its own).
func smallHost(t *testing.T, tweak func(*synthhost.Options)) *Report {
	t.Helper()
	o := synthhost.Default()
	o.CPUs, o.Nodes, o.Queues = 16, 2, 4
	if tweak != nil {
		tweak(&o)
	}
	h, err := synthhost.New(o)
	if err != nil {
		t.Fatal(err)
	}
	c := collect.NewCollector()
	var snaps []*collect.Snapshot
	var prev *collect.Snapshot
	for i := range 10 {
		if i > 0 {
			h.Step()
		}
		prev = c.Collect(context.Background(), h.FS(), prev, i == 0)
		snaps = append(snaps, prev)
	}
	w := analyze.NewWindow(snaps, o.Interval)
	r, err := Build(Input{Window: w, Result: analyze.Analyze(w, analyze.Options{}), Source: "synthetic", Interval: o.Interval})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCompareProvesTheFix compares a host losing packets three ways
// (softnet backlog on CPU 5, a full accept queue on :443, RX ring misses
// on eth1) with the same host healthy: those findings are gone, nothing is
// new, configuration advice stays, and every loss rate is marked better.
func TestCompareProvesTheFix(t *testing.T) {
	before := smallHost(t, func(o *synthhost.Options) {
		o.SoftnetDropCPU, o.SoftnetDropRate = 5, 300
		o.ListenOverflowRate = 40
		o.RxMissedIface, o.RxMissedRate = "eth1", 500
	})
	after := smallHost(t, func(o *synthhost.Options) { o.Seed = 2 })
	c := Compare(before, after)
	ids := func(fs []FindingChange) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.ID+" "+f.Subject)
		}
		return out
	}
	wantGone := []string{
		"nic.rx_ring_overrun bond0", "nic.rx_ring_overrun eth1", "softnet.drops cpu5",
		"tcp.listen_overflow 0.0.0.0:443", "tcp.listen_queue_full 0.0.0.0:443",
		"softnet.squeeze cpu5", // a full backlog also runs out of budget
	}
	if d := cmp.Diff(wantGone, ids(c.Gone)); d != "" {
		t.Errorf("gone (-want +got):\n%s", d)
	}
	if len(c.New) != 0 {
		t.Errorf("new findings after the fix: %q", ids(c.New))
	}
	// Configuration advice stays; eth1's small ring is no longer a
	// warning once it stops losing packets.
	ring := false
	for _, k := range c.Kept {
		if k.ID == "nic.ring_small" && k.Subject == "eth1" {
			ring = true
			if k.Before != "warning" || k.After != "info" {
				t.Errorf("eth1 ring advice went %s → %s, want warning → info", k.Before, k.After)
			}
		}
	}
	if !ring {
		t.Errorf("eth1's ring advice is not among the findings that stay: %q", ids(c.Kept))
	}
	if len(c.Notes) != 0 {
		t.Errorf("notes on one host over two windows: %q", c.Notes)
	}
	verdict := map[string]string{}
	for _, r := range c.Rates {
		verdict[r.Group+" "+r.Label] = r.Verdict + " " + r.Change
	}
	for key, want := range map[string]string{
		"softnet (all CPUs) dropped: backlog full":           "better −100%",
		"protocols accept queue full (ListenOverflows)":      "better −100%",
		"eth1 RX missed (ring full)":                         "better −100%",
		"protocols UDP receive buffer full (RcvbufErrors)":   " ±0",
		"softnet (all CPUs) packets processed":               "",
		"protocols SYNs dropped at a listener (ListenDrops)": "better −100%",
	} {
		got, ok := verdict[key]
		if !ok {
			t.Errorf("no rate %q", key)
			continue
		}
		if want == "" {
			if strings.HasPrefix(got, "better") || strings.HasPrefix(got, "worse") {
				t.Errorf("%s: traffic marked %q", key, got)
			}
			continue
		}
		if got != want {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
	if len(c.Plots) != len(after.Plots) {
		t.Errorf("%d plot pairs, want %d", len(c.Plots), len(after.Plots))
	}
	_, s := parsePage(t, render(t, NewComparePage(c, "2026-11-25T12:00:00Z", "test")))
	if d := cmp.Diff([]string{"summary", "changes", "rates", "settings", "plots", "findings"}, s.Sections); d != "" {
		t.Errorf("sections (-want +got):\n%s", d)
	}
	if got := len(s.Plots); got != 2*len(after.Plots) {
		t.Errorf("%d figures, want %d (each plot before and after)", got, 2*len(after.Plots))
	}
}

func TestCompareNamesDifferentHosts(t *testing.T) {
	a := smallHost(t, nil)
	b := smallHost(t, func(o *synthhost.Options) { o.Hostname = "other" })
	if c := Compare(a, b); len(c.Notes) != 1 || !strings.Contains(c.Notes[0], `"synth-256" before, "other" after`) {
		t.Errorf("notes %q", c.Notes)
	}
}

func TestRateDeltas(t *testing.T) {
	before := []Rate{
		{Key: "softnet.dropped", Group: "softnet", Label: "dropped", Value: 100},
		{Key: "Tcp.InSegs", Group: "protocols", Label: "in", Value: 1000},
		{Key: "nic.eth0.rx_bytes", Group: "eth0", Label: "RX bytes", Value: 2e9},
		{Key: "TcpExt.ListenOverflows", Group: "protocols", Label: "overflows", Value: 0},
	}
	after := []Rate{
		{Key: "Tcp.InSegs", Group: "protocols", Label: "in", Value: 1500},
		{Key: "softnet.dropped", Group: "softnet", Label: "dropped", Value: 0},
		{Key: "nic.eth0.rx_bytes", Group: "eth0", Label: "RX bytes", Value: 1e9},
		{Key: "TcpExt.ListenOverflows", Group: "protocols", Label: "overflows", Value: 5},
		{Key: "nic.eth9.rx_packets", Group: "eth9", Label: "RX packets", Value: 7},
	}
	want := []RateDelta{
		{Group: "softnet", Label: "dropped", Before: "100/s", After: "0/s", Delta: "−100/s", Change: "−100%", Verdict: "better"},
		{Group: "protocols", Label: "in", Before: "1000/s", After: "1500/s", Delta: "+500/s", Change: "+50.0%"},
		{Group: "eth0", Label: "RX bytes", Before: "2.00 GB/s", After: "1.00 GB/s", Delta: "−1.00 GB/s", Change: "−50.0%"},
		{Group: "protocols", Label: "overflows", Before: "0/s", After: "5.0/s", Delta: "+5.0/s", Change: "from 0", Verdict: "worse"},
		{Group: "eth9", Label: "RX packets", Before: "—", After: "7.0/s", Delta: "—", Change: "—"},
	}
	if d := cmp.Diff(want, rateDeltas(before, after)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestSettingChanges(t *testing.T) {
	q := func(rows ...[]string) Table {
		return Table{Head: []string{"queue", "IRQ", "IRQ affinity", "rps_cpus", "rps_flow_cnt", "xps_cpus"}, Rows: rows}
	}
	b := ConfigView{
		Sysctls: []SettingRow{{Name: "net.core.somaxconn", Current: "128"}, {Name: "net.core.rmem_max", Current: "212992"}},
		NICs: []NICConfig{{Name: "eth0", Settings: []SettingRow{{Name: "RX ring", Current: "512 of max 4096"}},
			Queues: q([]string{"0", "40", "0 → 2", "none (0) → 1-3", "0", "—"}, []string{"1", "41", "0", "none (0)", "0", "—"})}},
	}
	a := ConfigView{
		Sysctls: []SettingRow{{Name: "net.core.somaxconn", Current: "4096"}, {Name: "net.core.rmem_max", Current: "212992"}},
		NICs: []NICConfig{{Name: "eth0", Settings: []SettingRow{{Name: "RX ring", Current: "4096 of max 4096"}},
			Queues: q([]string{"0", "40", "2", "1-3", "0", "—"}, []string{"1", "41", "0", "none (0)", "0", "—"})}},
	}
	want := [][]string{
		{"net.core.somaxconn", "128", "4096"},
		{"eth0 RX ring", "512 of max 4096", "4096 of max 4096"},
		{"eth0 queue 0 IRQ affinity", "0", "2"},
		{"eth0 queue 0 rps_cpus", "none (0)", "1-3"},
	}
	if d := cmp.Diff(want, settingChanges(b, a).Rows); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestCompareNotesTotalsSinceBoot(t *testing.T) {
	one := &Report{Host: HostFacts{Hostname: "db1"}, Window: WindowFacts{SinceBoot: true}}
	many := &Report{Host: HostFacts{Hostname: "db1"}, Window: WindowFacts{Snapshots: 60}}
	c := Compare(one, many)
	if len(c.Notes) != 1 || !strings.HasPrefix(c.Notes[0], "The before side is one snapshot") {
		t.Errorf("notes %q", c.Notes)
	}
}
