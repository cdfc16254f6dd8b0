package collect

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/internal/cpumask"
)

// sysstat's test tree tests/root4 (github.com/sysstat/sysstat @
// c1eb661ab208aee09cb9eb02c3218c30d10a812a) is a 9-CPU host with CPU6
// offline. It is GPL-2.0, so it is not in this repository: these tests read
// it from shared/realworld/sysstat when that folder is present and skip
// otherwise. The same shape, with values written for the purpose, is
// cpu_offline_test.go, which runs on every clone.

const sysstatRoot4 = "realworld/sysstat/root4-cpu6-offline-9cpu"

// sysstatFile reads a file of the shared root4 tree, or skips the test.
func sysstatFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(t, sysstatRoot4), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSysstatProcFiles(t *testing.T) {
	t.Run("interrupts", func(t *testing.T) {
		in, err := parseInterrupts("proc/interrupts", sysstatFile(t, "proc/interrupts"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]int{0, 1, 2, 3, 4, 5, 7, 8}, in.CPUs); d != "" {
			t.Errorf("CPUs (-want +got):\n%s", d)
		}
		for cpu, want := range map[int]uint64{7: 12605877, 8: 12456} { // the 7th column is CPU7
			if v, ok := countAt(in, "LOC", cpu); !ok || v != want {
				t.Errorf("LOC CPU%d = %d (found %v), want %d", cpu, v, ok, want)
			}
		}
		nics := map[string]int{}
		for _, l := range in.Lines {
			if l.NIC != "" {
				nics[l.NIC]++
			}
		}
		if d := cmp.Diff(map[string]int{"enp6s0": 1}, nics); d != "" {
			t.Errorf("NIC vectors (-want +got):\n%s", d)
		}
	})
	t.Run("softirqs", func(t *testing.T) {
		got, err := parseSoftIRQs("proc/softirqs", sysstatFile(t, "proc/softirqs"))
		if err != nil {
			t.Fatal(err)
		}
		// CPU6 is offline (softnet_stat and interrupts skip it) but
		// softirqs prints every possible CPU.
		want := &SoftIRQs{CPUs: []int{0, 1, 2, 3, 4, 5, 6, 7, 8}, Rows: map[string][]uint64{
			"HI":       {0, 2, 1, 0, 36313, 1, 6, 1, 1},
			"TIMER":    {169071, 168926, 174232, 190725, 191796, 191414, 169901, 190337, 234567},
			"NET_TX":   {16, 22, 18, 697, 28, 39, 25, 37, 132},
			"NET_RX":   {23, 2, 12, 52674, 14, 6, 12, 22, 18},
			"BLOCK":    {182, 756, 94320, 25, 3418, 1703, 1134, 122, 512},
			"IRQ_POLL": {0, 0, 0, 0, 0, 0, 0, 0, 0},
			"TASKLET":  {1, 0, 1, 120, 115567, 1, 80, 0, 1},
			"SCHED":    {150163, 101808, 83527, 85921, 87765, 91565, 78234, 85063, 125},
			"HRTIMER":  {0, 0, 0, 271, 0, 0, 0, 0, 1},
			"RCU":      {96530, 97736, 95620, 108880, 102226, 105893, 99539, 104839, 1},
		}}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
	t.Run("softnet", func(t *testing.T) {
		got, err := parseSoftnet("proc/net/softnet_stat", sysstatFile(t, "proc/net/softnet_stat"))
		if err != nil {
			t.Fatal(err)
		}
		// 5.10+ format: the 13th column skips offline CPU 6.
		want := []SoftnetCPU{
			sn(0, 13, 0x2ec8, 0, 0, 0, 0, 0, 0),
			sn(1, 13, 0x2970, 0, 0, 0, 0, 0, 0xa),
			sn(2, 13, 0xf09, 0, 0, 0, 0, 0, 0),
			sn(3, 13, 0x104e3, 0, 0, 0, 0, 0, 0),
			sn(4, 13, 0x2de9, 0, 0, 0, 0, 0, 0),
			sn(5, 13, 0x3378, 0, 0, 0, 0, 0, 0),
			sn(7, 13, 0x4958, 0, 0, 0, 0, 0, 0),
			sn(8, 13, 0x22, 0, 0, 0, 0, 0, 0),
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
	t.Run("netdev", func(t *testing.T) {
		got, err := parseNetDev("proc/net/dev", sysstatFile(t, "proc/net/dev"))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]NetDevStats{
			"lo":       nd(81228574, 95831, 0, 0, 0, 0, 0, 0, 81228574, 95831, 0, 0, 0, 0, 0, 0),
			"enp6s0":   nd(2059169, 1673, 0, 0, 0, 0, 0, 289, 108111, 545, 0, 0, 0, 0, 0, 0),
			"enp6s1":   nd(9169, 73, 0, 0, 0, 0, 0, 89, 8111, 45, 0, 0, 0, 0, 0, 0),
			"virbr0-1": nd(25800, 2980, 0, 0, 0, 289, 0, 13380, 6601, 0, 0, 0, 0, 267, 0, 0),
			"wlp5s0":   nd(9311, 981, 0, 248, 0, 0, 0, 58, 1402, 420, 0, 0, 0, 0, 0, 0),
			"wlp5s1":   nd(1000, 15, 0, 0, 0, 0, 0, 0, 250, 5, 0, 0, 0, 10, 0, 0),
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
	t.Run("sockstat", func(t *testing.T) {
		got, err := parseSockstatText("proc/net/sockstat", string(sysstatFile(t, "proc/net/sockstat")))
		if err != nil {
			t.Fatal(err)
		}
		want := &Counters{Values: map[string]uint64{
			"sockets.used": 1316,
			"TCP.inuse":    10, "TCP.orphan": 0, "TCP.tw": 1, "TCP.alloc": 14, "TCP.mem": 2,
			"UDP.inuse": 6, "UDP.mem": 7,
			"UDPLITE.inuse": 0,
			"RAW.inuse":     0,
			"FRAG.inuse":    0, "FRAG.memory": 0,
		}}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
	t.Run("snmp", func(t *testing.T) {
		c, err := parseProcTable("proc/net/snmp", sysstatFile(t, "proc/net/snmp"))
		if err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]uint64{"IcmpMsg.InType3": 7, "Udp.IgnoredMulti": 50, "Tcp.RetransSegs": 304} {
			if got, ok := c.Get(key); !ok || got != want {
				t.Errorf("%s = %d (present %v), want %d", key, got, ok, want)
			}
		}
		if _, ok := c.Get("Tcp.MaxConn"); ok || c.Signed["Tcp.MaxConn"] != -1 {
			t.Errorf("Signed = %v, want Tcp.MaxConn -1 and not in Values", c.Signed)
		}
	})
}

// TestSysstatCollect runs every collector on the whole tree.
func TestSysstatCollect(t *testing.T) {
	root4 := checkProcSnapshot(t, sharedDir(t, sysstatRoot4))
	if n := len(root4.Softnet); n != 8 || root4.Softnet[6].CPU != 7 {
		t.Errorf("softnet: %+v", root4.Softnet)
	}
	if root4.SoftIRQs == nil || len(root4.SoftIRQs.CPUs) != 9 || root4.NetDev["wlp5s0"].RxDrop != 248 {
		t.Errorf("softirqs %+v, netdev %+v", root4.SoftIRQs, root4.NetDev)
	}
	if v, _ := root4.Sockstat.Get("TCP.inuse"); v != 10 {
		t.Errorf("TCP.inuse = %d", v)
	}
	want := map[string]State{
		"netstat": StateUnavailable, "host": StateUnavailable, "sysctls": StateUnavailable,
		"links": StateOK, "nics": StateOK, "bonding": StateUnavailable, "topology": StateOK,
	}
	for name, w := range want {
		if st, _ := root4.StatusOf(name); st.State != w {
			t.Errorf("%s: %+v, want %s", name, st, w)
		}
	}
	if root4.Netstat != nil || root4.Config.Sysctls != nil {
		t.Error("absent files gave data")
	}
}

// TestSysstatSysfs: the tree has no node/ folder but cpuN/nodeX entries
// (empty files standing for the kernel's links) and one CPU with a topology
// folder; interfaces have only speed and duplex (lo's empty) or nothing.
func TestSysstatSysfs(t *testing.T) {
	fsys := loadTreeDir(t, sharedDir(t, sysstatRoot4))
	c := collectorOn(fsys)
	s := emptySnapshot()
	if err := c.collectTopology(s); err != nil {
		t.Fatal(err)
	}
	topo := &Topology{
		Nodes:    map[int]cpumask.Set{0: cpumask.Of(0, 2, 4, 6), 1: cpumask.Of(1, 3, 5, 7, 8)},
		Siblings: map[int]cpumask.Set{8: cpumask.Of(0, 7)}, // as recorded (edited data)
		Packages: map[int]int{8: 0},
	}
	if d := cmp.Diff(topo, s.Config.Topology, sysfsCmp...); d != "" {
		t.Errorf("topology (-want +got):\n%s", d)
	}

	if err := c.collectLinks(s); err != nil {
		t.Fatal(err)
	}
	bare := func(name string) *Link { return &Link{Name: name, Carrier: -1, Speed: -1} }
	links := map[string]*Link{
		"enp6s0":     {Name: "enp6s0", Carrier: -1, Speed: 1000, Duplex: "full"},
		"enp6s1":     {Name: "enp6s1", Carrier: -1, Speed: 1000, Duplex: "full"},
		"lo":         bare("lo"),
		"virbr0":     bare("virbr0"),
		"virbr0-nic": bare("virbr0-nic"),
		"wlp5s0":     bare("wlp5s0"),
		"wlp5s1":     bare("wlp5s1"),
	}
	if d := cmp.Diff(links, s.Links); d != "" {
		t.Errorf("links (-want +got):\n%s", d)
	}

	if err := c.collectNICs(s); err != nil {
		t.Fatal(err)
	}
	unknown := func(name, kind string) *NIC {
		return &NIC{Name: name, Kind: kind, MTU: -1, TxQueueLen: -1, NUMANode: -1}
	}
	nics := map[string]*NIC{
		"enp6s0": unknown("enp6s0", ""), "enp6s1": unknown("enp6s1", ""), "lo": unknown("lo", "loopback"),
		"virbr0": unknown("virbr0", ""), "virbr0-nic": unknown("virbr0-nic", ""),
		"wlp5s0": unknown("wlp5s0", ""), "wlp5s1": unknown("wlp5s1", ""),
	}
	if d := cmp.Diff(nics, s.Config.NICs, sysfsCmp...); d != "" {
		t.Errorf("nics (-want +got):\n%s", d)
	}
}
