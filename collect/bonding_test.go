package collect

import (
	"io/fs"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCollectBondingRealworld runs the collector on every real bond sample:
// one Bond per file, named after the file, from proc only.
func TestCollectBondingRealworld(t *testing.T) {
	for _, rb := range realworldBonds() {
		t.Run(rb.fixture, func(t *testing.T) {
			s := emptySnapshot()
			if err := collectorOn(loadTree(t, rb.fixture)).collectBonding(s); err != nil {
				t.Fatalf("collect: %v", err)
			}
			if d := cmp.Diff(map[string]*Bond{rb.file: rb.want}, s.Bonds); d != "" {
				t.Errorf("bonds (-want +got):\n%s", d)
			}
		})
	}
}

// TestCollectBondingSlaveDownSysfs is node_exporter's sysfs-only tree: three
// bonds, bond0 with an empty slave list, int with eth1 down. No mode file,
// so every option stays unknown.
func TestCollectBondingSlaveDownSysfs(t *testing.T) {
	unknown := func(name string, slaves ...BondSlave) *Bond {
		b := newBond(name, "sysfs")
		b.Slaves = append([]BondSlave{}, slaves...)
		return b
	}
	sl := func(name, mii string) BondSlave {
		s := newBondSlave(name)
		s.MIIStatus = mii
		return s
	}
	want := map[string]*Bond{
		"bond0": unknown("bond0"),
		"dmz":   unknown("dmz", sl("eth0", "up"), sl("eth4", "up")),
		"int":   unknown("int", sl("eth5", "up"), sl("eth1", "down")),
	}
	s := emptySnapshot()
	if err := collectorOn(loadTree(t, "sysfs-bonding-slave-down")).collectBonding(s); err != nil {
		t.Fatalf("collect: %v", err)
	}
	if d := cmp.Diff(want, s.Bonds); d != "" {
		t.Errorf("bonds (-want +got):\n%s", d)
	}
	if s.Bonds["bond0"].Slaves == nil {
		t.Error("bond0: an empty slaves file must give an empty, non-nil list")
	}
}

// modernSysfs is a 6.x sysfs view of two bonds: an 802.3ad bond0 with its
// slaves' bonding_slave directories under sys/class/net/<slave> (eth1 is
// down: the kernel refuses its speed and duplex), and an active-backup bond1
// whose lacp_rate/ad_* files must be ignored. Values are as bond_sysfs.c and
// bond_sysfs_slave.c print them ("name number").
func modernSysfs() fstest.MapFS {
	m := fstest.MapFS{
		"sys/class/net/bonding_masters": sysfile("bond0 bond1\n"),
	}
	files := func(dir string, kv map[string]string) {
		for k, v := range kv {
			m[dir+"/"+k] = sysfile(v + "\n")
		}
	}
	files("sys/class/net/bond0/bonding", map[string]string{
		"mode": "802.3ad 4", "xmit_hash_policy": "layer3+4 1", "mii_status": "up", "miimon": "200",
		"updelay": "0", "downdelay": "0", "arp_interval": "0", "arp_ip_target": "", "primary": "",
		"primary_reselect": "always 0", "fail_over_mac": "none 0", "active_slave": "",
		"lacp_rate": "fast 1", "ad_select": "bandwidth 1", "ad_aggregator": "2", "ad_num_ports": "2",
		"ad_actor_key": "15", "ad_partner_key": "32801", "ad_partner_mac": "00:1c:73:aa:bb:cc",
		"slaves": "eth0 eth1",
	})
	files("sys/class/net/eth0/bonding_slave", map[string]string{
		"state": "active", "mii_status": "up", "link_failure_count": "3", "perm_hwaddr": "52:54:00:00:00:01",
		"queue_id": "0", "ad_aggregator_id": "2", "ad_actor_oper_port_state": "61", "ad_partner_oper_port_state": "63",
	})
	files("sys/class/net/eth0", map[string]string{"speed": "25000", "duplex": "full"})
	files("sys/class/net/eth1/bonding_slave", map[string]string{
		"state": "backup", "mii_status": "down", "link_failure_count": "7", "perm_hwaddr": "52:54:00:00:00:02",
		"ad_aggregator_id": "1", "ad_actor_oper_port_state": "69", "ad_partner_oper_port_state": "1",
	})
	files("sys/class/net/bond1/bonding", map[string]string{
		"mode": "active-backup 1", "xmit_hash_policy": "layer2 0", "mii_status": "up", "miimon": "100",
		"updelay": "200", "downdelay": "100", "arp_interval": "0", "primary": "eth3",
		"primary_reselect": "better 1", "fail_over_mac": "follow 2", "active_slave": "eth2",
		"lacp_rate": "slow 0", "ad_select": "stable 0", "ad_aggregator": "", "slaves": "eth2 eth3",
	})
	files("sys/class/net/eth2/bonding_slave", map[string]string{
		"state": "active", "mii_status": "up", "link_failure_count": "0", "ad_aggregator_id": "N/A",
		"ad_actor_oper_port_state": "N/A", "ad_partner_oper_port_state": "N/A",
	})
	files("sys/class/net/eth3/bonding_slave", map[string]string{"state": "backup", "mii_status": "up", "link_failure_count": "1"})
	return m
}

// downLink makes the kernel's EINVAL answers for eth1's speed and duplex.
func downLink(fsys fs.FS) faultFS {
	return faultFS{fsys: fsys, read: map[string]error{
		"sys/class/net/eth1/speed":  syscall.EINVAL,
		"sys/class/net/eth1/duplex": syscall.EINVAL,
	}}
}

func modernSysfsWant() map[string]*Bond {
	return map[string]*Bond{
		"bond0": {
			Name: "bond0", Mode: "802.3ad", ModeText: "802.3ad 4", XmitHashPolicy: "layer3+4", MIIStatus: "up",
			MIIPollMs: 200, UpDelayMs: 0, DownDelayMs: 0, ARPIntervalMs: 0, ARPTargets: []string{},
			PrimaryReselect: "always", FailOverMAC: "none", LACPRate: "fast", ADSelect: "bandwidth",
			ActiveAggregator: &Aggregator{ID: 2, Ports: 2, ActorKey: 15, PartnerKey: 32801, PartnerMAC: "00:1c:73:aa:bb:cc"},
			Slaves: []BondSlave{
				{Name: "eth0", MIIStatus: "up", Speed: 25000, Duplex: "full", LinkFailures: 3, HasLinkFailures: true,
					PermHWAddr: "52:54:00:00:00:01", AggregatorID: 2, ActorPortState: 61, PartnerPortState: 63, State: "active"},
				{Name: "eth1", MIIStatus: "down", Speed: -1, LinkFailures: 7, HasLinkFailures: true,
					PermHWAddr: "52:54:00:00:00:02", AggregatorID: 1, ActorPortState: 69, PartnerPortState: 1, State: "backup"},
			},
			From: "sysfs",
		},
		"bond1": {
			Name: "bond1", Mode: "active-backup", ModeText: "active-backup 1", XmitHashPolicy: "layer2", MIIStatus: "up",
			MIIPollMs: 100, UpDelayMs: 200, DownDelayMs: 100, ARPIntervalMs: 0,
			PrimarySlave: "eth3", PrimaryReselect: "better", FailOverMAC: "follow", CurrentActive: "eth2",
			Slaves: []BondSlave{
				{Name: "eth2", MIIStatus: "up", Speed: -1, HasLinkFailures: true, AggregatorID: -1,
					ActorPortState: -1, PartnerPortState: -1, State: "active"},
				{Name: "eth3", MIIStatus: "up", Speed: -1, LinkFailures: 1, HasLinkFailures: true, AggregatorID: -1,
					ActorPortState: -1, PartnerPortState: -1, State: "backup"},
			},
			From: "sysfs",
		},
	}
}

func TestCollectBondingModernSysfs(t *testing.T) {
	s := emptySnapshot()
	if err := collectorOn(downLink(modernSysfs())).collectBonding(s); err != nil {
		t.Fatalf("collect: %v", err)
	}
	if d := cmp.Diff(modernSysfsWant(), s.Bonds); d != "" {
		t.Errorf("bonds (-want +got):\n%s", d)
	}
}

// TestCollectBondingMerge: both views of bond0. Proc wins where both speak
// (its miimon 100 over sysfs' 200, its aggregator); sysfs adds the slave
// state, the port states proc did not print (no CAP_NET_ADMIN), and eth1,
// which only sysfs lists.
func TestCollectBondingMerge(t *testing.T) {
	m := modernSysfs()
	m["proc/net/bonding/bond0"] = sysfile(`Ethernet Channel Bonding Driver: v6.18.0

Bonding Mode: IEEE 802.3ad Dynamic link aggregation
Transmit Hash Policy: layer3+4 (1)
MII Status: up
MII Polling Interval (ms): 100
Up Delay (ms): 0
Down Delay (ms): 0
Peer Notification Delay (ms): 0

802.3ad info
LACP active: on
LACP rate: fast
Min links: 0
Aggregator selection policy (ad_select): bandwidth

Slave Interface: eth0
MII Status: up
Speed: 25000 Mbps
Duplex: full
Link Failure Count: 3
Permanent HW addr: 52:54:00:00:00:01
Slave queue ID: 0
Aggregator ID: 2
Actor Churn State: none
Partner Churn State: none
Actor Churned Count: 0
Partner Churned Count: 0
`)
	want := modernSysfsWant()
	b0 := want["bond0"]
	b0.From = "proc+sysfs"
	b0.ModeText = "IEEE 802.3ad Dynamic link aggregation"
	b0.MIIPollMs = 100
	b0.Slaves[0].ActorChurn, b0.Slaves[0].PartnerChurn = "none", "none"
	s := emptySnapshot()
	if err := collectorOn(downLink(m)).collectBonding(s); err != nil {
		t.Fatalf("collect: %v", err)
	}
	if d := cmp.Diff(want, s.Bonds); d != "" {
		t.Errorf("bonds (-want +got):\n%s", d)
	}
}

func TestMergeBondNil(t *testing.T) {
	p, s := newBond("a", "proc"), newBond("a", "sysfs")
	if got := mergeBond(nil, s); got != s {
		t.Error("merge(nil, s) is not s")
	}
	if got := mergeBond(p, nil); got != p {
		t.Error("merge(p, nil) is not p")
	}
	// A proc bond that printed no slave list keeps sysfs' slaves.
	s.Slaves = []BondSlave{newBondSlave("x")}
	if got := mergeBond(p, s); len(got.Slaves) != 1 || got.From != "proc+sysfs" {
		t.Errorf("merge = %+v", got)
	}
}

func TestCollectBondingAvailability(t *testing.T) {
	tests := []struct {
		name        string
		fsys        fs.FS
		unavailable bool
		wantErr     bool
		want        map[string]*Bond
	}{
		{name: "no bonding driver", fsys: fstest.MapFS{"proc/uptime": sysfile("1 1\n")}, unavailable: true},
		{
			name: "driver loaded, no bonds",
			fsys: fstest.MapFS{"proc/net/bonding": sysdir(), "sys/class/net/bonding_masters": sysfile("")},
			want: map[string]*Bond{},
		},
		{
			name: "proc file unreadable, sysfs present",
			fsys: faultFS{
				fsys: fstest.MapFS{
					"proc/net/bonding/bond0":                   sysfile("x"),
					"sys/class/net/bonding_masters":            sysfile("bond0\n"),
					"sys/class/net/bond0/bonding/mode":         sysfile("balance-rr 0\n"),
					"sys/class/net/bond0/bonding/slaves":       sysfile("\n"),
					"sys/class/net/bond0/bonding/mii_status":   sysfile("down\n"),
					"sys/class/net/bond0/bonding/miimon":       sysfile("0\n"),
					"sys/class/net/bond0/bonding/ad_num_ports": sysfile("\n"),
				},
				open: map[string]error{"proc/net/bonding/bond0": fs.ErrPermission},
			},
			want: map[string]*Bond{"bond0": func() *Bond {
				b := newBond("bond0", "sysfs")
				b.Mode, b.ModeText, b.MIIStatus, b.MIIPollMs, b.Slaves = "balance-rr", "balance-rr 0", "down", 0, []BondSlave{}
				return b
			}()},
		},
		{
			name: "bad proc file is reported, sysfs still merged",
			fsys: fstest.MapFS{
				"proc/net/bonding/bond0":             sysfile("Bonding Mode: load balancing (xor)\nMII Polling Interval (ms): soon\n"),
				"sys/class/net/bonding_masters":      sysfile("bond0\n"),
				"sys/class/net/bond0/bonding/miimon": sysfile("100\n"),
			},
			wantErr: true,
			want: map[string]*Bond{"bond0": func() *Bond {
				b := newBond("bond0", "proc+sysfs")
				b.Mode, b.ModeText, b.MIIPollMs, b.Slaves = "balance-xor", "load balancing (xor)", 100, []BondSlave{}
				return b
			}()},
		},
		{
			name: "names that are no interface names",
			fsys: fstest.MapFS{
				"sys/class/net/bonding_masters":      sysfile("bond0 ../etc\n"),
				"sys/class/net/bond0/bonding/slaves": sysfile("eth0 a/b\n"),
			},
			wantErr: true,
			want: map[string]*Bond{"bond0": func() *Bond {
				b := newBond("bond0", "sysfs")
				b.Slaves = []BondSlave{newBondSlave("eth0")}
				return b
			}()},
		},
		{
			name: "bad sysfs number",
			fsys: fstest.MapFS{
				"sys/class/net/bonding_masters":      sysfile("bond0\n"),
				"sys/class/net/bond0/bonding/miimon": sysfile("lots\n"),
			},
			wantErr: true,
			want:    map[string]*Bond{"bond0": newBond("bond0", "sysfs")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := emptySnapshot()
			err := collectorOn(tt.fsys).collectBonding(s)
			switch {
			case tt.unavailable:
				if !IsUnavailable(err) {
					t.Fatalf("err = %v, want unavailable", err)
				}
			case tt.wantErr:
				if err == nil || IsUnavailable(err) {
					t.Fatalf("err = %v, want a parse error", err)
				}
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if d := cmp.Diff(tt.want, s.Bonds); d != "" {
				t.Errorf("bonds (-want +got):\n%s", d)
			}
		})
	}
}

// TestBondSlaveDirLoop: a slave reachable only through a recorded link that
// points at itself ends (no hang) with the slave's name and nothing else.
func TestBondSlaveDirLoop(t *testing.T) {
	m := fstest.MapFS{
		"sys/class/net/bonding_masters":              sysfile("bond0\n"),
		"sys/class/net/bond0/bonding/slaves":         sysfile("eth0\n"),
		"sys/class/net/bond0/slave_eth0.symlink":     sysfile("slave_eth0\n"),
		"sys/class/net/bond0/lower_eth0.symlink":     sysfile("../bond0/lower_eth0\n"),
		"sys/class/net/bond0/bonding/mii_status":     sysfile("up\n"),
		"sys/class/net/bond0/bonding/mode":           sysfile("balance-rr 0\n"),
		"sys/class/net/bond0/bonding/ad_partner_mac": sysfile("\n"),
	}
	done := make(chan error, 1)
	s := emptySnapshot()
	go func() { done <- collectorOn(m).collectBonding(s) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("collect: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("collectBonding did not return: symlink loop")
	}
	got := s.Bonds["bond0"].Slaves
	if d := cmp.Diff([]BondSlave{newBondSlave("eth0")}, got); d != "" {
		t.Errorf("slaves (-want +got):\n%s", d)
	}
}

// TestBondSlaveDirViaRecordedLink: a recording that kept the bond's
// slave_eth0 as a link file (target relative to the bond's directory) still
// finds the slave's bonding_slave directory.
func TestBondSlaveDirViaRecordedLink(t *testing.T) {
	m := fstest.MapFS{
		"sys/class/net/bonding_masters":                                         sysfile("bond0\n"),
		"sys/class/net/bond0/bonding/slaves":                                    sysfile("eth0\n"),
		"sys/class/net/bond0/slave_eth0.symlink":                                sysfile("../../../devices/pci0000:00/0000:00:03.0/net/eth0\n"),
		"sys/devices/pci0000:00/0000:00:03.0/net/eth0/speed":                    sysfile("10000\n"),
		"sys/devices/pci0000:00/0000:00:03.0/net/eth0/bonding_slave/mii_status": sysfile("up\n"),
	}
	s := emptySnapshot()
	if err := collectorOn(m).collectBonding(s); err != nil {
		t.Fatal(err)
	}
	want := newBondSlave("eth0")
	want.MIIStatus, want.Speed = "up", 10000
	if d := cmp.Diff([]BondSlave{want}, s.Bonds["bond0"].Slaves); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
