package collect

import (
	"errors"
	"io/fs"
	"maps"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/internal/cpumask"
)

// Trees of the shapes this kernel and older ones give, written as a
// recording stores them: sys/class/net/<if>.symlink into sys/devices, and
// every other link as a .symlink file.

const (
	ixgbeDir  = "sys/devices/pci0000:00/0000:00:02.0/0000:03:00.0"
	ixgbeNet  = ixgbeDir + "/net/eth0"
	virtioPCI = "sys/devices/pci0000:00/0000:00:03.0"
	virtioNet = virtioPCI + "/virtio2/net/ens3"
	vnet      = "sys/devices/virtual/net/"
)

// ixgbeTree: a PCI NIC on NUMA node 1, enslaved to bond0, with RPS on
// three queues (rx-10 sorts after rx-1) and XPS on two.
func ixgbeTree() fstest.MapFS {
	return fstest.MapFS{
		"sys/class/net/eth0.symlink":                sysfile("../../devices/pci0000:00/0000:00:02.0/0000:03:00.0/net/eth0\n"),
		ixgbeNet + "/mtu":                           sysfile("9000\n"),
		ixgbeNet + "/tx_queue_len":                  sysfile("1000\n"),
		ixgbeNet + "/type":                          sysfile("1\n"),
		ixgbeNet + "/flags":                         sysfile("0x1803\n"),
		ixgbeNet + "/ifindex":                       sysfile("2\n"),
		ixgbeNet + "/iflink":                        sysfile("2\n"),
		ixgbeNet + "/uevent":                        sysfile("INTERFACE=eth0\nIFINDEX=2\n"),
		ixgbeNet + "/device.symlink":                sysfile("../../../0000:03:00.0\n"),
		ixgbeNet + "/master.symlink":                sysfile("../../../../../virtual/net/bond0\n"),
		ixgbeNet + "/queues/rx-0/rps_cpus":          sysfile("00000000,0000ff00\n"),
		ixgbeNet + "/queues/rx-0/rps_flow_cnt":      sysfile("4096\n"),
		ixgbeNet + "/queues/rx-1/rps_cpus":          sysfile("00000000,00000000\n"),
		ixgbeNet + "/queues/rx-1/rps_flow_cnt":      sysfile("0\n"),
		ixgbeNet + "/queues/rx-10/rps_cpus":         sysfile("ffffffff,ffffffff\n"),
		ixgbeNet + "/queues/rx-10/rps_flow_cnt":     sysfile("256\n"),
		ixgbeNet + "/queues/tx-1/xps_cpus":          sysfile("00000000,00000002\n"),
		ixgbeNet + "/queues/tx-0/xps_cpus":          sysfile("00000000,00000001\n"),
		ixgbeNet + "/queues/tx-0/byte_queue_limits": sysdir(),
		ixgbeDir + "/driver.symlink":                sysfile("../../../../bus/pci/drivers/ixgbe\n"),
		ixgbeDir + "/numa_node":                     sysfile("1\n"),
		ixgbeDir + "/local_cpulist":                 sysfile("8-15,24-31\n"),
		ixgbeDir + "/local_cpus":                    sysfile("00000000,ff00ff00\n"),
	}
}

func ixgbeWant() *NIC {
	return &NIC{
		Name: "eth0", Kind: "physical", Driver: "ixgbe", Device: "0000:03:00.0", Bus: "0000:03:00.0",
		MTU: 9000, TxQueueLen: 1000, Master: "bond0", NUMANode: 1,
		LocalCPUs: cpumask.Range(8, 15).Union(cpumask.Range(24, 31)), HasLocal: true,
		Rx: []RxQueue{
			{Index: 0, RPSCPUs: cpumask.Range(8, 15), RPSFlowCnt: 4096, HasRPS: true},
			{Index: 1, RPSCPUs: cpumask.Set{}, RPSFlowCnt: 0, HasRPS: true},
			{Index: 10, RPSCPUs: cpumask.Range(0, 63), RPSFlowCnt: 256, HasRPS: true},
		},
		Tx: []TxQueue{
			{Index: 0, XPSCPUs: cpumask.Of(0), HasXPS: true},
			{Index: 1, XPSCPUs: cpumask.Of(1), HasXPS: true},
		},
	}
}

// virtioTree: a virtio NIC as on this VM. The virtio device has no
// numa_node or local_cpulist: they come from the PCI function above it. Its
// single tx queue refuses xps_cpus (ENOENT at read).
func virtioTree() faultFS {
	return faultFS{
		fsys: fstest.MapFS{
			"sys/class/net/ens3.symlink":          sysfile("../../devices/pci0000:00/0000:00:03.0/virtio2/net/ens3\n"),
			virtioNet + "/mtu":                    sysfile("1500\n"),
			virtioNet + "/tx_queue_len":           sysfile("1000\n"),
			virtioNet + "/type":                   sysfile("1\n"),
			virtioNet + "/flags":                  sysfile("0x1003\n"),
			virtioNet + "/uevent":                 sysfile("INTERFACE=ens3\nIFINDEX=2\n"),
			virtioNet + "/device.symlink":         sysfile("../../../virtio2\n"),
			virtioNet + "/queues/rx-0/rps_cpus":   sysfile("0\n"),
			virtioNet + "/queues/tx-0/xps_cpus":   sysfile(""),
			virtioPCI + "/virtio2/driver.symlink": sysfile("../../../../bus/virtio/drivers/virtio_net\n"),
			virtioPCI + "/numa_node":              sysfile("0\n"),
			virtioPCI + "/local_cpulist":          sysfile("0-3\n"),
		},
		read: map[string]error{virtioNet + "/queues/tx-0/xps_cpus": syscall.ENOENT},
	}
}

func virtioWant() *NIC {
	return &NIC{
		Name: "ens3", Kind: "physical", Driver: "virtio_net", Device: "virtio2", Bus: "0000:00:03.0",
		MTU: 1500, TxQueueLen: 1000, NUMANode: 0, LocalCPUs: cpumask.Range(0, 3), HasLocal: true,
		Rx: []RxQueue{{Index: 0, RPSCPUs: cpumask.Set{}, RPSFlowCnt: -1, HasRPS: true}},
		Tx: []TxQueue{{Index: 0}},
	}
}

// addVirtualDev builds a sys/devices/virtual/net/<name> device with the given
// files and its sys/class/net link.
func addVirtualDev(m fstest.MapFS, name string, files map[string]string) {
	m["sys/class/net/"+name+".symlink"] = sysfile("../../devices/virtual/net/" + name + "\n")
	for k, v := range files {
		m[vnet+name+"/"+k] = sysfile(v)
	}
}

func virtualTree() fstest.MapFS {
	m := fstest.MapFS{}
	common := func(extra map[string]string) map[string]string {
		f := map[string]string{"mtu": "1500\n", "tx_queue_len": "1000\n", "type": "1\n", "flags": "0x1003\n"}
		maps.Copy(f, extra)
		return f
	}
	addVirtualDev(m, "lo", map[string]string{"mtu": "65536\n", "tx_queue_len": "1000\n", "type": "772\n", "flags": "0x9\n", "uevent": "INTERFACE=lo\n"})
	addVirtualDev(m, "veth0", common(map[string]string{"ifindex": "5\n", "iflink": "6\n", "uevent": "INTERFACE=veth0\nIFINDEX=5\n"}))
	addVirtualDev(m, "br0", common(map[string]string{"uevent": "DEVTYPE=bridge\nINTERFACE=br0\n", "bridge/stp_state": "0\n"}))
	addVirtualDev(m, "bond0", common(map[string]string{"uevent": "DEVTYPE=bond\nINTERFACE=bond0\n", "bonding/mode": "802.3ad 4\n"}))
	addVirtualDev(m, "eth0.100", common(map[string]string{"uevent": "DEVTYPE=vlan\nINTERFACE=eth0.100\n", "lower_eth0.symlink": "../eth0\n"}))
	addVirtualDev(m, "old.200", common(map[string]string{"uevent": "INTERFACE=old.200\n"}))
	m["proc/net/vlan/old.200"] = sysfile("old.200  VID: 200\n")
	addVirtualDev(m, "tap0", common(map[string]string{"uevent": "INTERFACE=tap0\n", "tun_flags": "0x1002\n"}))
	addVirtualDev(m, "mv0", common(map[string]string{"ifindex": "8\n", "iflink": "3\n", "uevent": "INTERFACE=mv0\n", "lower_veth0.symlink": "../veth0\n"}))
	addVirtualDev(m, "dummy0", common(map[string]string{"ifindex": "9\n", "iflink": "9\n", "uevent": "INTERFACE=dummy0\n"}))
	return m
}

func virtualWant() map[string]*NIC {
	v := func(name, kind string, mtu int) *NIC {
		return &NIC{Name: name, Kind: kind, MTU: mtu, TxQueueLen: 1000, NUMANode: -1}
	}
	return map[string]*NIC{
		"lo":       v("lo", "loopback", 65536),
		"veth0":    v("veth0", "veth", 1500),
		"br0":      v("br0", "bridge", 1500),
		"bond0":    v("bond0", "bond", 1500),
		"eth0.100": v("eth0.100", "vlan", 1500),
		"old.200":  v("old.200", "vlan", 1500),
		"tap0":     v("tap0", "tun", 1500),
		"mv0":      v("mv0", "virtual", 1500),
		"dummy0":   v("dummy0", "virtual", 1500),
	}
}

func TestCollectNICs(t *testing.T) {
	tests := []struct {
		name string
		fsys fs.FS
		want map[string]*NIC
	}{
		{name: "PCI NIC with RPS and XPS", fsys: ixgbeTree(), want: map[string]*NIC{"eth0": ixgbeWant()}},
		{name: "virtio: parent-device fallback", fsys: virtioTree(), want: map[string]*NIC{"ens3": virtioWant()}},
		{name: "virtual kinds", fsys: virtualTree(), want: virtualWant()},
		{
			// A device with no local_cpulist (older kernels) gives local_cpus.
			name: "local_cpus when the list is absent",
			fsys: func() fs.FS {
				m := ixgbeTree()
				delete(m, ixgbeDir+"/local_cpulist")
				return m
			}(),
			want: map[string]*NIC{"eth0": ixgbeWant()},
		},
		{
			// A numa_node of -1 is the device's answer: the parent is not asked.
			name: "numa_node -1 is kept",
			fsys: func() fs.FS {
				f := virtioTree()
				m := f.fsys.(fstest.MapFS)
				m[virtioPCI+"/virtio2/numa_node"] = sysfile("-1\n")
				return f
			}(),
			want: map[string]*NIC{"ens3": func() *NIC { n := virtioWant(); n.NUMANode = -1; return n }()},
		},
		{
			name: "unreadable files are unknown, not errors",
			fsys: faultFS{fsys: ixgbeTree(), open: map[string]error{
				ixgbeDir + "/numa_node":                 fs.ErrPermission,
				ixgbeNet + "/queues/rx-1/rps_cpus":      fs.ErrPermission,
				ixgbeNet + "/queues/tx-1/xps_cpus":      syscall.EINVAL,
				ixgbeNet + "/queues/rx-10/rps_flow_cnt": fs.ErrPermission,
			}},
			want: map[string]*NIC{"eth0": func() *NIC {
				n := ixgbeWant()
				n.NUMANode = -1
				n.Rx[1].RPSCPUs, n.Rx[1].HasRPS = cpumask.Set{}, false
				n.Rx[2].RPSFlowCnt = -1
				n.Tx[1].XPSCPUs, n.Tx[1].HasXPS = cpumask.Set{}, false
				return n
			}()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := emptySnapshot()
			if err := collectorOn(tt.fsys).collectNICs(s); err != nil {
				t.Fatalf("collect: %v", err)
			}
			if d := cmp.Diff(tt.want, s.Config.NICs, sysfsCmp...); d != "" {
				t.Errorf("nics (-want +got):\n%s", d)
			}
		})
	}
}

// TestCollectNICsBad: bad text is reported naming the file; the NIC and the
// other values are kept.
func TestCollectNICsBad(t *testing.T) {
	tests := []struct {
		name    string
		edit    map[string]string
		errPath string
		line    int
		want    func(n *NIC)
	}{
		{
			name:    "rps_cpus not hex",
			edit:    map[string]string{ixgbeNet + "/queues/rx-1/rps_cpus": "zz,00000000\n"},
			errPath: ixgbeNet + "/queues/rx-1/rps_cpus", line: 1,
			want: func(n *NIC) { n.Rx[1].HasRPS = false },
		},
		{
			name:    "xps_cpus word too long",
			edit:    map[string]string{ixgbeNet + "/queues/tx-0/xps_cpus": "000000001\n"},
			errPath: ixgbeNet + "/queues/tx-0/xps_cpus", line: 1,
			want: func(n *NIC) { n.Tx[0].XPSCPUs, n.Tx[0].HasXPS = cpumask.Set{}, false },
		},
		{
			name:    "rps_flow_cnt negative",
			edit:    map[string]string{ixgbeNet + "/queues/rx-0/rps_flow_cnt": "-5\n"},
			errPath: ixgbeNet + "/queues/rx-0/rps_flow_cnt", line: 1,
			want: func(n *NIC) { n.Rx[0].RPSFlowCnt = -1 },
		},
		{
			name:    "queue directory with a strange name",
			edit:    map[string]string{ixgbeNet + "/queues/rx-x/rps_cpus": "0\n"},
			errPath: ixgbeNet + "/queues/rx-x", line: 0,
			want: func(n *NIC) {},
		},
		{
			name:    "mtu not a number",
			edit:    map[string]string{ixgbeNet + "/mtu": "jumbo\n"},
			errPath: ixgbeNet + "/mtu", line: 1,
			want: func(n *NIC) { n.MTU = -1 },
		},
		{
			name:    "numa_node not a number",
			edit:    map[string]string{ixgbeDir + "/numa_node": "one\n"},
			errPath: ixgbeDir + "/numa_node", line: 1,
			want: func(n *NIC) { n.NUMANode = -1 },
		},
		{
			name:    "local_cpulist above the CPU limit",
			edit:    map[string]string{ixgbeDir + "/local_cpulist": "0-8192\n"},
			errPath: ixgbeDir + "/local_cpulist", line: 1,
			want: func(n *NIC) { n.LocalCPUs, n.HasLocal = cpumask.Set{}, false },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ixgbeTree()
			for k, v := range tt.edit {
				m[k] = sysfile(v)
			}
			s := emptySnapshot()
			err := collectorOn(m).collectNICs(s)
			wantParseError(t, err, tt.errPath, tt.line)
			want := ixgbeWant()
			tt.want(want)
			if d := cmp.Diff(map[string]*NIC{"eth0": want}, s.Config.NICs, sysfsCmp...); d != "" {
				t.Errorf("nics (-want +got):\n%s", d)
			}
		})
	}
}

// TestCollectNICsLinkLoop: a device link that points at itself must end
// (ELOOP reported), with the interface's own values kept.
func TestCollectNICsLinkLoop(t *testing.T) {
	m := fstest.MapFS{
		"sys/class/net/eth0.symlink":                                  sysfile("../../devices/pci0000:00/0000:00:05.0/net/eth0\n"),
		"sys/devices/pci0000:00/0000:00:05.0/net/eth0/mtu":            sysfile("1500\n"),
		"sys/devices/pci0000:00/0000:00:05.0/net/eth0/device.symlink": sysfile("device\n"),
	}
	done := make(chan error, 1)
	s := emptySnapshot()
	go func() { done <- collectorOn(m).collectNICs(s) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("collectNICs did not return: symlink loop")
	}
	if !errors.Is(err, syscall.ELOOP) {
		t.Errorf("err = %v, want ELOOP", err)
	}
	n := s.Config.NICs["eth0"]
	if n == nil || n.MTU != 1500 || n.Kind != "physical" || n.Device != "device" || n.NUMANode != -1 {
		t.Errorf("nic = %+v", n)
	}
}

func TestCollectNICsUnavailable(t *testing.T) {
	s := emptySnapshot()
	err := collectorOn(fstest.MapFS{"proc/uptime": sysfile("1 1\n")}).collectNICs(s)
	if !IsUnavailable(err) || s.Config.NICs != nil {
		t.Fatalf("err = %v, nics = %v; want unavailable and nil", err, s.Config.NICs)
	}
}

// TestCollectNICsIce: the E810 fixture (a port of a >=128-CPU host) reached
// through a sys/class/net link: NUMA node 1, CPUs 64-127, driver from the
// device's uevent (the fixture has no driver link). No queues directory.
func TestCollectNICsIce(t *testing.T) {
	s := emptySnapshot()
	if err := collectorOn(iceTree(t)).collectNICs(s); err != nil {
		t.Fatal(err)
	}
	want := map[string]*NIC{"enp162s0f0np0": {
		Name: "enp162s0f0np0", Kind: "physical", Driver: "ice", Device: "0000:a2:00.0", Bus: "0000:a2:00.0",
		MTU: 1500, TxQueueLen: 1000, NUMANode: 1, LocalCPUs: cpumask.Range(64, 127), HasLocal: true,
	}}
	if d := cmp.Diff(want, s.Config.NICs, sysfsCmp...); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestCollectNICsSparseFixtures: trees that hold only a few files. The
// offline-CPU host (cpu_offline_test.go, shaped like sysstat's root4) has
// speed/duplex only (kind unknown, except lo); node_exporter's bonding tree
// has the bonds' attributes.
func TestCollectNICsSparseFixtures(t *testing.T) {
	unknown := func(name, kind string) *NIC {
		return &NIC{Name: name, Kind: kind, MTU: -1, TxQueueLen: -1, NUMANode: -1}
	}
	bond := func(name string) *NIC {
		return &NIC{Name: name, Kind: "bond", MTU: 1500, TxQueueLen: 1000, NUMANode: -1}
	}
	tests := []struct {
		fixture string
		fsys    fs.FS
		want    map[string]*NIC
	}{
		{"offline host", offlineHost(), map[string]*NIC{
			"enp3s0": unknown("enp3s0", ""), "lo": unknown("lo", "loopback"), "wlp2s0": unknown("wlp2s0", ""),
		}},
		{"sysfs-bonding-slave-down", loadTree(t, "sysfs-bonding-slave-down"),
			map[string]*NIC{"bond0": bond("bond0"), "dmz": bond("dmz"), "int": bond("int")}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			s := emptySnapshot()
			if err := collectorOn(tt.fsys).collectNICs(s); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, s.Config.NICs, sysfsCmp...); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
