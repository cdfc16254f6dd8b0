package collect

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ethtool", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantLine checks that err is a ParseError on name at line (0: no error).
func wantLine(t *testing.T, err error, name string, line int) {
	t.Helper()
	if line == 0 {
		if err != nil {
			t.Errorf("err = %v, want none", err)
		}
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != name || pe.Line != line {
		t.Errorf("err = %v, want a ParseError at %s:%d", err, name, line)
	}
}

func TestParseEthtoolInfo(t *testing.T) {
	tests := []struct {
		file, driver, bus string
	}{
		{"showmax-bnxt-10g-sr.i", "bnxt_en", "0000:ca:00.0"},
		{"showmax-igb-1g-tp.i", "igb", "0000:01:00.0"},
		{"node_exporter-e1000e.i", "e1000e", "0000:00:1f.6"},
		{"netutils-mlx4-eth6.i", "mlx4_en", "0000:04:00.0"},
		{"netutils-bridge-br0.i", "bridge", ""}, // bus-info: N/A
	}
	for _, tt := range tests {
		d, b, err := parseEthtoolInfo(tt.file, testdata(t, tt.file))
		if err != nil || d != tt.driver || b != tt.bus {
			t.Errorf("%s: %q %q %v, want %q %q", tt.file, d, b, err, tt.driver, tt.bus)
		}
	}
	d, b, err := parseEthtoolInfo("x", []byte("driver: 802.1Q VLAN Support\nbus-info: \nno colon here\nversion: 1.8\n"))
	if d != "802.1Q VLAN Support" || b != "" {
		t.Errorf("vlan: %q %q", d, b)
	}
	wantLine(t, err, "x", 3)
	d, _, err = parseEthtoolInfo("x", []byte("Cannot get driver information: Operation not supported\n"))
	if d != "" || err != nil {
		t.Errorf("unsupported: %q %v", d, err)
	}
}

func TestParseEthtoolRings(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want *Rings
		line int
	}{
		{"insights-eth2.g", testdata(t, "insights-eth2.g"), &Rings{RX: 200, RXMax: 2047, TX: 511, TXMax: 511}, 0},
		{"insights-pri-newer.g", testdata(t, "insights-pri-newer.g"), &Rings{RX: 1024, RXMax: 4096, TX: 512, TXMax: 4096}, 0},
		{"netutils-be2net-eth4.g", testdata(t, "netutils-be2net-eth4.g"), &Rings{TX: 2048, TXMax: 2048}, 0},
		{"netutils-mlx4-eth6.g", testdata(t, "netutils-mlx4-eth6.g"), &Rings{RX: 8192, RXMax: 8192, TX: 8192, TXMax: 8192}, 0},
		{"insights-no-such-device.g", testdata(t, "insights-no-such-device.g"), nil, 0},
		{"netlink n/a", []byte("Ring parameters for lo:\nPre-set maximums:\nRX:\t\tn/a\nTX:\t\t256\nCurrent hardware settings:\nRX:\t\tn/a\nTX:\t\t256\nRX Buf Len:\tn/a\nTX Push:\toff\n"), &Rings{TX: 256, TXMax: 256}, 0},
		{"bad value", []byte("Pre-set maximums:\nRX:\t4096\nTX:\tlots\nCurrent hardware settings:\nRX:\t512\nTX Push:\toff\n"), &Rings{RX: 512, RXMax: 4096}, 3},
		{"uint32 overflow", []byte("Pre-set maximums:\nRX:\t4294967296\n"), nil, 2},
		{"outside sections", []byte("RX:\t4096\n"), nil, 1},
		{"no colon", []byte("Pre-set maximums:\nRX 4096\nTX: 1\n"), &Rings{TXMax: 1}, 2},
		{"truncated", []byte("Ring parameters for eth0:\nPre-set maximums:\nRX:"), nil, 3},
		{"empty", nil, nil, 0},
		{"crlf", []byte("Pre-set maximums:\r\nRX:\t10\r\nCurrent hardware settings:\r\nRX:\t5\r\n"), &Rings{RX: 5, RXMax: 10}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseEthtoolRings(tt.name, tt.data)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rings (-want +got):\n%s", diff)
			}
			wantLine(t, err, tt.name, tt.line)
		})
	}
}

func TestParseEthtoolChannels(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want *Channels
		line int
	}{
		{"netutils-qlcnic-eth0.l", testdata(t, "netutils-qlcnic-eth0.l"), &Channels{RX: 4, RXMax: 8, TX: 1, TXMax: 8}, 0},
		{"netutils-eth2.l", testdata(t, "netutils-eth2.l"), &Channels{RX: 8, RXMax: 128, TX: 12, TXMax: 32}, 0},
		{"netutils-eth4-unsupported.l", testdata(t, "netutils-eth4-unsupported.l"), nil, 0},
		{"netlink n/a", []byte("Channel parameters for eth0:\nPre-set maximums:\nRX:\t\tn/a\nTX:\t\tn/a\nOther:\t\t1\nCombined:\t63\nCurrent hardware settings:\nRX:\t\tn/a\nTX:\t\tn/a\nOther:\t\t1\nCombined:\t8\n"),
			&Channels{Combined: 8, CombinedMax: 63}, 0},
		{"bad combined", []byte("Pre-set maximums:\nCombined:\t-1\nOther:\tx\nCurrent hardware settings:\nCombined:\t4\n"), &Channels{Combined: 4}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseEthtoolChannels(tt.name, tt.data)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("channels (-want +got):\n%s", diff)
			}
			wantLine(t, err, tt.name, tt.line)
		})
	}
}

func TestParseEthtoolFeatures(t *testing.T) {
	got, err := parseEthtoolFeatures("insights-bond0.k", testdata(t, "insights-bond0.k"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"rx-checksum":      false,
		"tx-checksum-ipv4": false, "tx-checksum-unneeded": true, "tx-checksum-ip-generic": false,
		"tx-checksum-ipv6": false, "tx-checksum-fcoe-crc": false, "tx-checksum-sctp": false,
		"tx-scatter-gather": true, "tx-scatter-gather-fraglist": false,
		"tx-tcp-segmentation": true, "tx-tcp-ecn-segmentation": true, "tx-tcp6-segmentation": true,
		"tx-udp-fragmentation":    false,
		"tx-generic-segmentation": false, // "off [requested on]": off is what is in force
		"rx-gro":                  true, "rx-lro": true, "rx-vlan-hw-parse": true, "tx-vlan-hw-insert": true,
		"rx-ntuple-filter": false, "rx-hashing": false,
		"highdma": true, "rx-vlan-filter": true, "vlan-challenged": false, "tx-lockless": true,
		"netns-local": false, "tx-gso-robust": false, "tx-fcoe-segmentation": false,
		"tx-gre-segmentation": true, "tx-udp_tnl-segmentation": true, "fcoe-mtu": false, "loopback": false,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("features (-want +got):\n%s", diff)
	}

	tests := []struct {
		name string
		data []byte
		want map[string]bool
		line int
	}{
		{"insights-bond0-missing-colon.k", testdata(t, "insights-bond0-missing-colon.k"), nil, 2},
		{"insights-bad-args.k", testdata(t, "insights-bad-args.k"), nil, 0},
		// ethtool before 3.x: groups only, with spaces.
		{"old", []byte("Offload parameters for eth0:\nrx-checksumming: on\ntx-checksumming: on\nscatter-gather: on\ntcp segmentation offload: off\ngeneric receive offload: on\n"),
			map[string]bool{"rx-checksum": true, "tx-checksumming": true, "scatter-gather": true, "tcp-segmentation-offload": false, "rx-gro": true}, 0},
		{"bad value", []byte("Features for x:\nrx-gro: maybe\nhighdma: on [fixed\nloopback: off\n"), map[string]bool{"loopback": false}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseEthtoolFeatures(tt.name, tt.data)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("features (-want +got):\n%s", diff)
			}
			wantLine(t, err, tt.name, tt.line)
		})
	}
}

func TestParseEthtoolStats(t *testing.T) {
	tests := []struct {
		file  string
		n     int
		first []Stat
		has   Stat
		line  int
	}{
		{"showmax-bnxt-10g-sr.S", 397, []Stat{{"[0]: rx_ucast_packets", 276347403}, {"[0]: rx_mcast_packets", 1829492}}, Stat{"tx_packets_pri7", 0}, 0},
		{"showmax-i40e-64q-10g-sr.S", 678, []Stat{{"rx_packets", 258269468302}}, Stat{}, 0},
		{"insights-igb.S", 82, []Stat{{"rx_packets", 912398}, {"tx_packets", 965449}}, Stat{"rx_queue_0_packets", 912398}, 0},
		{"insights-rxq.S", 4, []Stat{{"rxq0: rx_pkts", 5000000}}, Stat{"rxq1: rx_drops_no_frags", 5000}, 0},
		// "# ethtool -S eth0" is the fixture's own comment line.
		{"node_exporter-e1000e.S", 16, []Stat{{"tx_packets", 961500}}, Stat{"duplicate metric", 1}, 0},
		{"node_exporter-bond0-error.S", 0, nil, Stat{}, 1},
		// Deliberately broken upstream: a bad value, a line without a
		// colon, a repeated header; the other 307 counters are kept.
		{"showmax-i40e-1g-tp-BROKEN-synthetic.S", 307, []Stat{{"rx_packets", 2946091121154}}, Stat{"rx_crc_errors", 341}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseEthtoolStats(tt.file, testdata(t, tt.file))
			wantLine(t, err, tt.file, tt.line)
			if len(got) != tt.n {
				t.Errorf("%d counters, want %d", len(got), tt.n)
			}
			if diff := cmp.Diff(tt.first, []Stat(got[:min(len(tt.first), len(got))])); diff != "" {
				t.Errorf("first counters (-want +got):\n%s", diff)
			}
			if tt.has != (Stat{}) && !contains(got, tt.has) {
				t.Errorf("no %v", tt.has)
			}
		})
	}
	// Order is kept and repeated names stay.
	got, err := parseEthtoolStats("x", []byte("NIC statistics:\n     b: 2\n     a: 1\n     b: 3\n     max: 18446744073709551615\n     over: 18446744073709551616\n     neg: -1\n"))
	want := Stats{{"b", 2}, {"a", 1}, {"b", 3}, {"max", 18446744073709551615}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	wantLine(t, err, "x", 6)
	for _, in := range []string{"", "no stats available\n", "Cannot get stats strings information: Operation not supported\n"} {
		if got, err := parseEthtoolStats("x", []byte(in)); got != nil || err != nil {
			t.Errorf("%q: %v %v, want nothing", in, got, err)
		}
	}
	if _, err := parseEthtoolStats("x", []byte("NIC statistics:\n     :5\n")); err == nil || !strings.Contains(err.Error(), "x:2") {
		t.Errorf("empty name: %v", err)
	}
}

func contains(s Stats, x Stat) bool {
	for _, st := range s {
		if st == x {
			return true
		}
	}
	return false
}

// TestParseEthtoolAllRealworld parses every ethtool -g and -i output of
// shared/realworld/netutils-linux (177 files from 19 servers) without error.
func TestParseEthtoolAllRealworld(t *testing.T) {
	root := sharedDir(t, "realworld/netutils-linux")
	gs, _ := filepath.Glob(filepath.Join(root, "*", "ethtool", "g", "*"))
	is, _ := filepath.Glob(filepath.Join(root, "*", "ethtool", "i", "*"))
	if len(gs) < 40 || len(is) < 100 {
		t.Fatalf("found %d -g and %d -i files", len(gs), len(is))
	}
	for _, f := range gs {
		b, _ := os.ReadFile(f)
		r, err := parseEthtoolRings(f, b)
		if err != nil || r == nil || r.RXMax < r.RX || r.TXMax < r.TX {
			t.Errorf("%s: %+v, %v", f, r, err)
		}
	}
	for _, f := range is {
		b, _ := os.ReadFile(f)
		if d, _, err := parseEthtoolInfo(f, b); err != nil || d == "" {
			t.Errorf("%s: driver %q, %v", f, d, err)
		}
	}
}
