package collect

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// iceLink is the procfs fixture's E810 port reached as the live host would
// reach it: sys/class/net holds only a link into sys/devices.
func iceTree(t testing.TB) fstest.MapFS {
	m := loadTree(t, "ice-e810-link-down-sysfs")
	m["sys/class/net/enp162s0f0np0.symlink"] = sysfile("../../devices/pci0000:a2/0000:a2:00.0/net/enp162s0f0np0\n")
	return m
}

// iceStats are the 24 statistics of the ice fixture, all 0.
func iceStats() map[string]uint64 {
	m := map[string]uint64{}
	for _, n := range strings.Fields(`collisions multicast rx_bytes rx_compressed rx_crc_errors rx_dropped
		rx_errors rx_fifo_errors rx_frame_errors rx_length_errors rx_missed_errors rx_nohandler rx_over_errors
		rx_packets tx_aborted_errors tx_bytes tx_carrier_errors tx_compressed tx_dropped tx_errors tx_fifo_errors
		tx_heartbeat_errors tx_packets tx_window_errors`) {
		m[n] = 0
	}
	return m
}

func TestCollectLinks(t *testing.T) {
	const n = "sys/class/net/"
	tests := []struct {
		name      string
		fsys      fs.FS
		want      map[string]*Link
		errPath   string // "" : no error
		unavailbl bool
	}{
		{
			name: "up physical link",
			fsys: fstest.MapFS{
				n + "eth0/operstate":             sysfile("up\n"),
				n + "eth0/carrier":               sysfile("1\n"),
				n + "eth0/speed":                 sysfile("10000\n"),
				n + "eth0/duplex":                sysfile("full\n"),
				n + "eth0/statistics/rx_bytes":   sysfile("18446744073709551615\n"),
				n + "eth0/statistics/rx_dropped": sysfile("12\n"),
				n + "bonding_masters":            sysfile("bond0\n"),
			},
			want: map[string]*Link{"eth0": {Name: "eth0", Operstate: "up", Carrier: 1, Speed: 10000, Duplex: "full",
				Stats: map[string]uint64{"rx_bytes": 18446744073709551615, "rx_dropped": 12}}},
		},
		{
			// net-sysfs refuses carrier, speed and duplex of a down
			// interface with EINVAL at read time.
			name: "down link: kernel refuses the values",
			fsys: faultFS{
				fsys: fstest.MapFS{n + "eth1/operstate": sysfile("down\n"), n + "eth1/statistics": sysdir()},
				read: map[string]error{
					n + "eth1/carrier": syscall.EINVAL, n + "eth1/speed": syscall.EINVAL, n + "eth1/duplex": syscall.EINVAL,
				},
			},
			want: map[string]*Link{"eth1": {Name: "eth1", Operstate: "down", Carrier: -1, Speed: -1, Stats: map[string]uint64{}}},
		},
		{
			name: "unknown speeds as kernels print them",
			fsys: fstest.MapFS{
				n + "a/speed": sysfile("-1\n"), n + "b/speed": sysfile("4294967295\n"), n + "c/speed": sysfile("65535\n"),
				n + "d/speed": sysfile("\n"), n + "e/speed": sysfile("100\n"),
			},
			want: map[string]*Link{
				"a": {Name: "a", Carrier: -1, Speed: -1}, "b": {Name: "b", Carrier: -1, Speed: -1},
				"c": {Name: "c", Carrier: -1, Speed: -1}, "d": {Name: "d", Carrier: -1, Speed: -1},
				"e": {Name: "e", Carrier: -1, Speed: 100},
			},
		},
		{
			name: "unreadable statistic left out",
			fsys: faultFS{
				fsys: fstest.MapFS{n + "eth0/statistics/rx_packets": sysfile("5\n"), n + "eth0/statistics/tx_packets": sysfile("6\n")},
				open: map[string]error{n + "eth0/statistics/tx_packets": fs.ErrPermission},
			},
			want: map[string]*Link{"eth0": {Name: "eth0", Carrier: -1, Speed: -1, Stats: map[string]uint64{"rx_packets": 5}}},
		},
		{
			name: "speed not a number: reported, the rest kept",
			fsys: fstest.MapFS{
				n + "eth0/speed": sysfile("fast\n"), n + "eth0/operstate": sysfile("up\n"), n + "eth1/operstate": sysfile("up\n"),
			},
			want: map[string]*Link{
				"eth0": {Name: "eth0", Operstate: "up", Carrier: -1, Speed: -1},
				"eth1": {Name: "eth1", Operstate: "up", Carrier: -1, Speed: -1},
			},
			errPath: n + "eth0/speed",
		},
		{
			name:    "carrier neither 0 nor 1",
			fsys:    fstest.MapFS{n + "eth0/carrier": sysfile("2\n"), n + "eth0/duplex": sysfile("half\n")},
			want:    map[string]*Link{"eth0": {Name: "eth0", Carrier: -1, Speed: -1, Duplex: "half"}},
			errPath: n + "eth0/carrier",
		},
		{
			name: "counter above uint64 or negative: left out and reported",
			fsys: fstest.MapFS{
				n + "eth0/statistics/rx_bytes":   sysfile("18446744073709551616\n"),
				n + "eth0/statistics/tx_bytes":   sysfile("-1\n"),
				n + "eth0/statistics/rx_packets": sysfile("7\n"),
			},
			want:    map[string]*Link{"eth0": {Name: "eth0", Carrier: -1, Speed: -1, Stats: map[string]uint64{"rx_packets": 7}}},
			errPath: n + "eth0/statistics/rx_bytes",
		},
		{
			name:    "empty counter file",
			fsys:    fstest.MapFS{n + "eth0/statistics/rx_bytes": sysfile("")},
			want:    map[string]*Link{"eth0": {Name: "eth0", Carrier: -1, Speed: -1, Stats: map[string]uint64{}}},
			errPath: n + "eth0/statistics/rx_bytes",
		},
		{name: "container without /sys", fsys: fstest.MapFS{"proc/uptime": sysfile("1 1\n")}, unavailbl: true},
		{
			name:      "sys/class/net unreadable",
			fsys:      faultFS{fsys: fstest.MapFS{n + "eth0/mtu": sysfile("1500\n")}, open: map[string]error{"sys/class/net": fs.ErrPermission}},
			unavailbl: true,
		},
		{
			name: "interface only as a link into sys/devices (ice E810 fixture)",
			fsys: iceTree(t),
			want: map[string]*Link{"enp162s0f0np0": {Name: "enp162s0f0np0", Operstate: "down", Carrier: 0, Speed: -1,
				Stats: iceStats()}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := emptySnapshot()
			err := collectorOn(tt.fsys).collectLinks(s)
			switch {
			case tt.unavailbl:
				if !IsUnavailable(err) || s.Links != nil {
					t.Fatalf("err = %v, links = %v; want unavailable and nil", err, s.Links)
				}
				return
			case tt.errPath != "":
				wantParseError(t, err, tt.errPath, 1)
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if d := cmp.Diff(tt.want, s.Links); d != "" {
				t.Errorf("links (-want +got):\n%s", d)
			}
		})
	}
}

// TestCollectLinksSparse is a tree shaped like sysstat's (cpu_offline_test.go;
// the real one is in sysstat_shared_test.go): interfaces with only speed and
// duplex (lo's are empty files) and directories holding nothing.
func TestCollectLinksSparse(t *testing.T) {
	s := emptySnapshot()
	if err := collectorOn(offlineHost()).collectLinks(s); err != nil {
		t.Fatal(err)
	}
	want := map[string]*Link{
		"enp3s0": {Name: "enp3s0", Carrier: -1, Speed: 1000, Duplex: "full"},
		"lo":     {Name: "lo", Carrier: -1, Speed: -1},
		"wlp2s0": {Name: "wlp2s0", Carrier: -1, Speed: -1},
	}
	if d := cmp.Diff(want, s.Links); d != "" {
		t.Errorf("links (-want +got):\n%s", d)
	}
}

// TestCollectLinksLive reads this host's sys/class/net and checks it against
// what the os package reads directly.
func TestCollectLinksLive(t *testing.T) {
	ents, err := os.ReadDir("/sys/class/net")
	if err != nil {
		t.Skipf("no /sys/class/net here: %v", err)
	}
	s := emptySnapshot()
	if err := collectorOn(os.DirFS("/")).collectLinks(s); err != nil {
		t.Fatalf("collect: %v", err)
	}
	n := 0
	for _, e := range ents {
		if e.Name() == "bonding_masters" {
			continue
		}
		n++
		l := s.Links[e.Name()]
		if l == nil {
			t.Errorf("%s: missing", e.Name())
			continue
		}
		op, _ := os.ReadFile("/sys/class/net/" + e.Name() + "/operstate")
		if l.Operstate != strings.TrimSpace(string(op)) {
			t.Errorf("%s: operstate %q, os reads %q", e.Name(), l.Operstate, op)
		}
		if l.Carrier < -1 || l.Carrier > 1 {
			t.Errorf("%s: carrier %d", e.Name(), l.Carrier)
		}
		stats, _ := os.ReadDir("/sys/class/net/" + e.Name() + "/statistics")
		if len(l.Stats) != len(stats) {
			t.Errorf("%s: %d statistics, os lists %d", e.Name(), len(l.Stats), len(stats))
		}
		if _, ok := l.Stats["rx_bytes"]; !ok {
			t.Errorf("%s: no rx_bytes", e.Name())
		}
	}
	if len(s.Links) != n {
		t.Errorf("%d links, os lists %d interfaces", len(s.Links), n)
	}
}

// benchLinksTree is a host with 64 interfaces of 24 counters each.
func benchLinksTree() fstest.MapFS {
	m := fstest.MapFS{}
	for i := range 64 {
		d := fmt.Sprintf("sys/class/net/eth%d/", i)
		m[d+"operstate"] = sysfile("up\n")
		m[d+"carrier"] = sysfile("1\n")
		m[d+"speed"] = sysfile("25000\n")
		m[d+"duplex"] = sysfile("full\n")
		for k := range iceStats() {
			m[d+"statistics/"+k] = sysfile("123456789012\n")
		}
	}
	return m
}

// BenchmarkCollectLinks64 replays a recording-like tree on disk (MapFS
// scans its whole map on every directory read, which would measure MapFS).
func BenchmarkCollectLinks64(b *testing.B) {
	root := b.TempDir()
	for name, f := range benchLinksTree() {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	c := collectorOn(os.DirFS(root))
	b.ReportAllocs()
	for b.Loop() {
		s := emptySnapshot()
		if err := c.collectLinks(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCollectLinksLive(b *testing.B) {
	if _, err := os.Stat("/sys/class/net"); err != nil {
		b.Skip("no /sys/class/net")
	}
	c := collectorOn(os.DirFS("/"))
	b.ReportAllocs()
	for b.Loop() {
		s := emptySnapshot()
		if err := c.collectLinks(s); err != nil {
			b.Fatal(err)
		}
	}
}
