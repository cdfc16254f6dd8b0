package collect

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseBondingProcRealworld parses every real proc/net/bonding sample and
// compares the whole Bond.
func TestParseBondingProcRealworld(t *testing.T) {
	tests := realworldBonds()
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			name := "proc/net/bonding/" + tt.file
			data, err := os.ReadFile(filepath.Join("testdata", "realworld", tt.fixture, name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseBondingProc(name, data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("bond (-want +got):\n%s", d)
			}
		})
	}
}

// modernProc is what bond_procfs.c prints on a 6.x kernel for an
// active-backup bond with the ARP monitor, fail_over_mac and IPv6 NS targets
// (written from the kernel source; no real sample of these lines was found).
const modernProc = `Ethernet Channel Bonding Driver: v6.18.0

Bonding Mode: fault-tolerance (active-backup) (fail_over_mac active)
Primary Slave: None
Currently Active Slave: eth1
MII Status: up
MII Polling Interval (ms): 0
Up Delay (ms): 0
Down Delay (ms): 0
Peer Notification Delay (ms): 0
ARP Polling Interval (ms): 200
ARP Missed Max: 2
ARP IP target/s (n.n.n.n form): 192.0.2.1, 192.0.2.2
NS IPv6 target/s (xx::xx form): 2001:db8::1

Slave Interface: eth1
MII Status: up
Speed: 25000 Mbps
Duplex: full
Link Failure Count: 18446744073709551615
Permanent HW addr: 52:54:00:12:34:56
Slave queue ID: 0

Slave Interface: eth2
MII Status: going back
Speed: Unknown
Duplex: Unknown
Link Failure Count: 1
Permanent HW addr: 52:54:00:12:34:57
Slave queue ID: 0
`

func TestParseBondingProcModern(t *testing.T) {
	want := &Bond{
		Name: "bond1", Mode: "active-backup", ModeText: "fault-tolerance (active-backup) (fail_over_mac active)",
		FailOverMAC: "active", MIIStatus: "up", MIIPollMs: 0, UpDelayMs: 0, DownDelayMs: 0,
		ARPIntervalMs: 200, ARPTargets: []string{"192.0.2.1", "192.0.2.2"}, CurrentActive: "eth1",
		Slaves: []BondSlave{
			{Name: "eth1", MIIStatus: "up", Speed: 25000, Duplex: "full", LinkFailures: 18446744073709551615,
				HasLinkFailures: true, PermHWAddr: "52:54:00:12:34:56", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
			{Name: "eth2", MIIStatus: "going back", Speed: -1, Duplex: "unknown", LinkFailures: 1,
				HasLinkFailures: true, PermHWAddr: "52:54:00:12:34:57", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
		},
		From: "proc",
	}
	got, err := parseBondingProc("proc/net/bonding/bond1", []byte(modernProc))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestParseBondingProcBad: a bad value is reported with its line and the
// rest of the file is still read.
func TestParseBondingProcBad(t *testing.T) {
	const head = "Ethernet Channel Bonding Driver: v3.7.1 (April 27, 2011)\n\n"
	tests := []struct {
		name     string
		text     string
		wantLine int
		check    func(t *testing.T, b *Bond)
	}{
		{
			name:     "unknown mode",
			text:     head + "Bonding Mode: fault-tolerance (quantum)\nMII Status: up\n\nSlave Interface: eth0\nMII Status: up\n",
			wantLine: 3,
			check: func(t *testing.T, b *Bond) {
				if b.Mode != "" || b.ModeText != "fault-tolerance (quantum)" || b.MIIStatus != "up" || len(b.Slaves) != 1 {
					t.Errorf("got %+v", b)
				}
			},
		},
		{
			name:     "link failure count not a number",
			text:     head + "Bonding Mode: load balancing (round-robin)\n\nSlave Interface: eth0\nLink Failure Count: many\n\nSlave Interface: eth1\nLink Failure Count: 4\n",
			wantLine: 6,
			check: func(t *testing.T, b *Bond) {
				if len(b.Slaves) != 2 || b.Slaves[0].HasLinkFailures || !b.Slaves[1].HasLinkFailures || b.Slaves[1].LinkFailures != 4 {
					t.Errorf("slaves %+v", b.Slaves)
				}
			},
		},
		{
			name:     "speed not a number",
			text:     head + "Bonding Mode: load balancing (xor)\n\nSlave Interface: eth0\nSpeed: fast Mbps\nDuplex: full\n",
			wantLine: 6,
			check: func(t *testing.T, b *Bond) {
				if b.Slaves[0].Speed != -1 || b.Slaves[0].Duplex != "full" {
					t.Errorf("slave %+v", b.Slaves[0])
				}
			},
		},
		{
			name:     "polling interval with exponent",
			text:     head + "Bonding Mode: load balancing (xor)\nMII Polling Interval (ms): 1e3\nUp Delay (ms): 200\n",
			wantLine: 4,
			check: func(t *testing.T, b *Bond) {
				if b.MIIPollMs != -1 || b.UpDelayMs != 200 {
					t.Errorf("got poll %d updelay %d", b.MIIPollMs, b.UpDelayMs)
				}
			},
		},
		{
			name:     "aggregator id not a number",
			text:     head + "Bonding Mode: IEEE 802.3ad Dynamic link aggregation\nActive Aggregator Info:\n\tAggregator ID: x\n\tNumber of ports: 2\n",
			wantLine: 5,
			check: func(t *testing.T, b *Bond) {
				if b.ActiveAggregator == nil || b.ActiveAggregator.Ports != 2 {
					t.Errorf("aggregator %+v", b.ActiveAggregator)
				}
			},
		},
		{
			name:     "slave without a name",
			text:     head + "Bonding Mode: load balancing (xor)\n\nSlave Interface:\nMII Status: down\n\nSlave Interface: eth1\nMII Status: up\n",
			wantLine: 5,
			check: func(t *testing.T, b *Bond) {
				// The nameless slave's lines go nowhere: not to the master.
				if b.MIIStatus != "" || len(b.Slaves) != 1 || b.Slaves[0].Name != "eth1" || b.Slaves[0].MIIStatus != "up" {
					t.Errorf("got %+v", b)
				}
			},
		},
		{
			name:     "slave name that is no interface name",
			text:     head + "Bonding Mode: load balancing (xor)\n\nSlave Interface: eth0:1\nMII Status: down\n",
			wantLine: 5,
			check: func(t *testing.T, b *Bond) {
				if len(b.Slaves) != 0 {
					t.Errorf("slaves %+v", b.Slaves)
				}
			},
		},
		{
			name:     "empty file",
			text:     "",
			wantLine: 0,
			check: func(t *testing.T, b *Bond) {
				if b.Slaves == nil || len(b.Slaves) != 0 || b.MIIPollMs != -1 {
					t.Errorf("got %+v", b)
				}
			},
		},
		{
			name:     "cut after the header",
			text:     head,
			wantLine: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const path = "proc/net/bonding/bond0"
			b, err := parseBondingProc(path, []byte(tt.text))
			wantParseError(t, err, path, tt.wantLine)
			if b == nil {
				t.Fatal("nil bond")
			}
			if tt.check != nil {
				tt.check(t, b)
			}
		})
	}
}

// TestParseBondingProcTolerant: line endings and labels it does not know do
// not disturb the parse.
func TestParseBondingProcTolerant(t *testing.T) {
	text := "Ethernet Channel Bonding Driver: v5.15\r\n\r\n" +
		"Bonding Mode: adaptive load balancing\r\n" +
		"Some Future Field: 7\r\n" +
		"Primary Slave: None\r\n" +
		"Currently Active Slave: None\r\n" +
		"MII Status: down\r\n" +
		"    an indented line in no block\r\n" +
		"\r\n" +
		"Slave Interface: eth9\r\n" +
		"Speed: 65535 Mbps\r\n" +
		"Duplex: half\r\n"
	got, err := parseBondingProc("proc/net/bonding/b", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := &Bond{
		Name: "b", Mode: "balance-alb", ModeText: "adaptive load balancing", MIIStatus: "down",
		MIIPollMs: -1, UpDelayMs: -1, DownDelayMs: -1, ARPIntervalMs: -1,
		Slaves: []BondSlave{{Name: "eth9", Speed: -1, Duplex: "half", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1}},
		From:   "proc",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestModeFromProc(t *testing.T) {
	for text, want := range map[string]string{
		"load balancing (round-robin)":          "balance-rr",
		"fault-tolerance (active-backup)":       "active-backup",
		"load balancing (xor)":                  "balance-xor",
		"fault-tolerance (broadcast)":           "broadcast",
		"IEEE 802.3ad Dynamic link aggregation": "802.3ad",
		"transmit load balancing":               "balance-tlb",
		"adaptive load balancing":               "balance-alb",
	} {
		if got, ok := modeFromProc(text); !ok || got != want {
			t.Errorf("modeFromProc(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
	if _, ok := modeFromProc("load balancing"); ok {
		t.Error("a partial mode name was accepted")
	}
}

// BenchmarkParseBondingProc parses the largest real sample (802.3ad with
// lacp pdu details): the bonding collector runs every sample.
func BenchmarkParseBondingProc(b *testing.B) {
	const name = "proc/net/bonding/bond0"
	data, err := os.ReadFile(filepath.Join("testdata", "realworld", "bond-8023ad-slave-down-churned", name))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseBondingProc(name, data); err != nil {
			b.Fatal(err)
		}
	}
}
