package synthhost

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/netvet/netvet/collect"
)

// small is a host small enough for quick tests: 8 CPUs on 2 nodes, 4 queues.
func small() Options {
	o := Default()
	o.CPUs, o.Queues = 8, 4
	return o
}

func mustNew(t *testing.T, o Options) *Host {
	t.Helper()
	h, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestDeterministic(t *testing.T) {
	a, b := mustNew(t, small()), mustNew(t, small())
	for range 2 {
		a.Step()
		b.Step()
	}
	fa, fb := a.Files(true), b.Files(true)
	for name, data := range a.Files(true) {
		if !bytes.Equal(data, fa[name]) {
			t.Errorf("%s changed by rendering the snapshot again", name)
		}
	}
	if len(fa) != len(fb) {
		t.Fatalf("%d files vs %d", len(fa), len(fb))
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	o := small()
	o.Seed = 2
	if c := mustNew(t, o); bytes.Equal(c.Files(false)["proc/interrupts"], mustNew(t, small()).Files(false)["proc/interrupts"]) {
		t.Error("another seed gives the same interrupts")
	}
}

func TestNewRejects(t *testing.T) {
	for _, mod := range []func(*Options){
		func(o *Options) { o.CPUs = 7 },
		func(o *Options) { o.Nodes = 3 },
		func(o *Options) { o.Queues = 0 },
		func(o *Options) { o.Queues = 5 },
		func(o *Options) { o.SoftnetColumns = 11 },
		func(o *Options) { o.Interval = 0 },
	} {
		o := small()
		mod(&o)
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}

// TestBigHostShape: the default host is the one the benchmarks promise.
func TestBigHostShape(t *testing.T) {
	h := mustNew(t, Default())
	fsys := h.MapFS()
	s := collect.NewCollector().Collect(context.Background(), fsys, nil, true)
	in := s.Interrupts
	if st, _ := s.StatusOf("interrupts"); st.State != collect.StateOK || in == nil {
		t.Fatalf("interrupts: %+v", st)
	}
	size := len(fsys["proc/interrupts"].Data)
	if len(in.CPUs) != 256 || len(in.Lines) < 950 || len(in.Lines) > 1050 || size < 2_600_000 || size > 3_000_000 {
		t.Errorf("%d CPUs, %d lines, %d bytes; want 256 CPUs, ~1,000 lines, ~2.8 MB", len(in.CPUs), len(in.Lines), size)
	}
	want := map[string][2]int{"eth0": {0, 0}, "eth1": {0, 128}, "eth2": {1, 64}, "eth3": {1, 192}} // node, CPU of queue 0
	nics := collect.NICIRQs(s)
	for name, w := range want {
		qs := nics[name]
		if len(qs) != 64 {
			t.Errorf("%s: %d queue vectors, want 64", name, len(qs))
			continue
		}
		for q, v := range qs {
			row := in.Row(v.Line)
			busiest := 0
			for col := range row {
				if row[col] > row[busiest] {
					busiest = col
				}
			}
			if v.Queue != q || v.Kind != "TxRx" || in.CPUs[busiest] != w[1]+q {
				t.Errorf("%s queue %d: %+v busiest on CPU%d, want queue %d TxRx on CPU%d", name, q, v, in.CPUs[busiest], q, w[1]+q)
				break
			}
		}
		if got := string(fsys["sys/class/net/"+name+"/device/numa_node"].Data); got != strconv.Itoa(w[0])+"\n" {
			t.Errorf("%s numa_node = %q", name, got)
		}
	}
}

// TestCountersAdvance: every interrupt and softnet counter is monotonic,
// and the host is busy: the NIC queues and NET_RX grow every second.
func TestCountersAdvance(t *testing.T) {
	h := mustNew(t, small())
	c := collect.NewCollector()
	first := c.Collect(context.Background(), h.MapFS(), nil, true)
	h.Step()
	next := c.Collect(context.Background(), h.MapFS(), first, false)
	a, b := first.Interrupts, next.Interrupts
	if len(a.Counts) != len(b.Counts) {
		t.Fatalf("layout changed: %d vs %d counts", len(a.Counts), len(b.Counts))
	}
	for i := range a.Counts {
		if b.Counts[i] < a.Counts[i] {
			t.Fatalf("count %d went back: %d -> %d", i, a.Counts[i], b.Counts[i])
		}
	}
	for i, l := range b.Lines {
		if l.IRQ != "LOC" {
			continue
		}
		for col := range b.CPUs {
			if b.Row(i)[col] <= a.Row(i)[col] {
				t.Errorf("LOC on CPU%d did not grow", b.CPUs[col])
			}
		}
	}
	for _, qs := range collect.NICIRQs(next) {
		for _, q := range qs {
			if b.Total(q.Line) <= a.Total(q.Line) {
				t.Errorf("IRQ %d (a NIC queue) did not grow", q.IRQ)
			}
		}
	}
	if first.Time.Equal(next.Time) && !first.Time.IsZero() {
		t.Errorf("time did not advance")
	}
}

// softnetRow returns the columns of one CPU's softnet_stat row.
func softnetRow(t *testing.T, h *Host, cpu int) []uint64 {
	t.Helper()
	line := strings.Split(string(h.Files(false)["proc/net/softnet_stat"]), "\n")[cpu]
	var cols []uint64
	for f := range strings.FieldsSeq(line) {
		v, err := strconv.ParseUint(f, 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		cols = append(cols, v)
	}
	return cols
}

// netstatValue returns a counter of proc/net/netstat.
func netstatValue(t *testing.T, h *Host, group, key string) int64 {
	t.Helper()
	lines := strings.Split(string(h.Files(false)["proc/net/netstat"]), "\n")
	for i := 0; i+1 < len(lines); i += 2 {
		keys, vals := strings.Fields(lines[i]), strings.Fields(lines[i+1])
		if keys[0] != group+":" || len(keys) != len(vals) {
			continue
		}
		for j, k := range keys {
			if k == key {
				v, _ := strconv.ParseInt(vals[j], 10, 64)
				return v
			}
		}
	}
	t.Fatalf("no %s.%s", group, key)
	return 0
}

func TestInjectedProblems(t *testing.T) {
	healthy := mustNew(t, small())
	o := small()
	o.SoftnetDropCPU, o.SoftnetDropRate = 3, 100
	o.ListenOverflowRate = 50
	o.RxMissedIface, o.RxMissedRate = "eth2", 500
	sick := mustNew(t, o)
	d0 := softnetRow(t, sick, 3)[1]
	lo0 := netstatValue(t, sick, "TcpExt", "ListenOverflows")
	sick.Step()
	healthy.Step()
	if d := softnetRow(t, sick, 3)[1] - d0; d < 50 || d > 150 {
		t.Errorf("CPU3 dropped %d in a second, want ~100", d)
	}
	if d := softnetRow(t, sick, 2)[1]; d != 0 {
		t.Errorf("CPU2 dropped %d, want 0", d)
	}
	if d := netstatValue(t, sick, "TcpExt", "ListenOverflows") - lo0; d < 25 || d > 75 {
		t.Errorf("ListenOverflows grew %d in a second, want ~50", d)
	}
	if !bytes.Contains(sick.Files(false)["netvet/listeners.json"], []byte(`"queue":4097,"limit":4096`)) {
		t.Errorf("listener :443 not full: %s", sick.Files(false)["netvet/listeners.json"])
	}
	if v := string(sick.Files(false)["sys/class/net/eth2/statistics/rx_missed_errors"]); v == "0\n" {
		t.Error("eth2 rx_missed_errors stays 0")
	}
	for cpu := range 8 {
		if d := softnetRow(t, healthy, cpu)[1]; d != 0 {
			t.Errorf("healthy host: CPU%d dropped %d", cpu, d)
		}
	}
	if v := netstatValue(t, healthy, "TcpExt", "ListenOverflows"); v != 0 {
		t.Errorf("healthy host: ListenOverflows %d", v)
	}
}

func TestWriteRecording(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	o := small()
	o.ConfigEvery = 2
	meta, err := WriteRecording(dir, o, 3)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got Meta
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	want := Meta{Format: "netvet-recording/1", Host: "synth-256", Kernel: o.Kernel, IntervalMs: 1000, Snapshots: []MetaSnapshot{
		{Dir: "0000", Time: "2026-11-22T10:00:00.000Z"},
		{Dir: "0001", Time: "2026-11-22T10:00:01.000Z", Config: new(bool)}, // no configuration files: carried forward
		{Dir: "0002", Time: "2026-11-22T10:00:02.000Z"},
	}}
	if diff := cmp.Diff(want, got); diff != "" || !cmp.Equal(meta, got) {
		t.Errorf("meta.json (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		path   string
		exists bool
	}{
		{"0000/proc/interrupts", true}, {"0001/proc/interrupts", true},
		{"0000/proc/sys/net/core/somaxconn", true}, {"0001/proc/sys/net/core/somaxconn", false}, {"0002/proc/sys/net/core/somaxconn", true},
		{"0000/sys/class/net/eth0/device.symlink", true}, {"0000/sys/class/net/eth0/device/driver.symlink", true},
		{"0000/sys/class/net/bond0/lower_eth0.symlink", true}, {"0001/proc/irq/24/smp_affinity_list", false},
		{"0001/sys/class/net/eth0/statistics/rx_packets", true}, {"0001/netvet/ethtool/eth2.json", true},
	} {
		if _, err := os.Stat(filepath.Join(dir, c.path)); (err == nil) != c.exists {
			t.Errorf("%s: exists = %v, want %v", c.path, err == nil, c.exists)
		}
	}
	if _, err := WriteRecording(dir, o, 1); err == nil {
		t.Error("wrote into a non-empty folder")
	}
}

// TestEthtoolJSON: the virtual ethtool file decodes into collect.Ethtool with
// per-queue counters that add up to the totals.
func TestEthtoolJSON(t *testing.T) {
	h := mustNew(t, small())
	for _, name := range []string{"eth0", "eth2"} {
		var et struct {
			Driver   string           `json:"driver"`
			Bus      string           `json:"bus"`
			Channels collect.Channels `json:"channels"`
			Stats    [][2]any         `json:"stats"`
		}
		if err := json.Unmarshal(h.Files(false)["netvet/ethtool/"+name+".json"], &et); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var total, queues float64
		for _, s := range et.Stats {
			n, v := s[0].(string), s[1].(float64)
			switch {
			case n == "rx_packets":
				total = v
			case strings.HasPrefix(n, "rx_queue_") && strings.HasSuffix(n, "_packets"),
				strings.HasPrefix(n, "rx-") && strings.HasSuffix(n, ".packets"):
				queues += v
			}
		}
		if total == 0 || total != queues || et.Channels.Combined != 4 || et.Bus == "" {
			t.Errorf("%s (%s): rx_packets %v, sum of queues %v, channels %+v, bus %q", name, et.Driver, total, queues, et.Channels, et.Bus)
		}
	}
}
