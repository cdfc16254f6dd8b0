package collect

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/netvet/netvet/internal/cpumask"
)

// TestCollectNICsLive reads this host through os.DirFS("/") (which can read
// links: fs.ReadLinkFS) and checks every NIC against what the os package
// reads directly. On this VM eth0 is virtio (sys/class/net/eth0 ->
// ../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0): its PCI address,
// numa_node and local_cpulist must come from 0000:00:03.0.
func TestCollectNICsLive(t *testing.T) {
	ents, err := os.ReadDir("/sys/class/net")
	if err != nil {
		t.Skipf("no /sys/class/net here: %v", err)
	}
	s := emptySnapshot()
	if err := collectorOn(os.DirFS("/")).collectNICs(s); err != nil {
		t.Fatalf("collect: %v", err)
	}
	for _, e := range ents {
		name := e.Name()
		if name == "bonding_masters" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			n := s.Config.NICs[name]
			if n == nil {
				t.Fatal("missing")
			}
			base := "/sys/class/net/" + name
			if mtu := readOSInt(t, base+"/mtu"); n.MTU != mtu {
				t.Errorf("MTU %d, os reads %d", n.MTU, mtu)
			}
			checkLiveDevice(t, n, base)
			checkLiveQueues(t, n, base)
			if name == "lo" && n.Kind != "loopback" {
				t.Errorf("lo kind %q", n.Kind)
			}
		})
	}
}

func checkLiveDevice(t *testing.T, n *NIC, base string) {
	t.Helper()
	target, err := os.Readlink(base + "/device")
	if err != nil {
		if n.Kind == "physical" || n.Device != "" || n.Bus != "" {
			t.Errorf("no device link, but kind %q device %q bus %q", n.Kind, n.Device, n.Bus)
		}
		return
	}
	devDir, err := filepath.EvalSymlinks(base + "/device")
	if err != nil {
		t.Fatal(err)
	}
	if n.Kind != "physical" || n.Device != filepath.Base(target) {
		t.Errorf("kind %q device %q; link says %q", n.Kind, n.Device, target)
	}
	if drv, err := os.Readlink(devDir + "/driver"); err == nil && n.Driver != filepath.Base(drv) {
		t.Errorf("driver %q, link says %q", n.Driver, drv)
	}
	// Where numa_node and local_cpulist come from: the device, else its parent.
	from := devDir
	if _, err := os.Stat(devDir + "/numa_node"); err != nil {
		from = filepath.Dir(devDir)
	}
	wantBus := ""
	switch {
	case isPCIAddr(filepath.Base(devDir)):
		wantBus = filepath.Base(devDir)
	case isPCIAddr(filepath.Base(filepath.Dir(devDir))):
		wantBus = filepath.Base(filepath.Dir(devDir))
	}
	if n.Bus != wantBus {
		t.Errorf("bus %q, want %q", n.Bus, wantBus)
	}
	if strings.HasPrefix(n.Device, "virtio") && n.Bus == "" {
		t.Errorf("virtio device without the parent's PCI address")
	}
	if _, err := os.Stat(from + "/numa_node"); err == nil {
		if want := readOSInt(t, from+"/numa_node"); n.NUMANode != want {
			t.Errorf("numa_node %d, %s says %d", n.NUMANode, from, want)
		}
	}
	if b, err := os.ReadFile(from + "/local_cpulist"); err == nil {
		want, err := cpumask.ParseList(string(b))
		if err != nil {
			t.Fatal(err)
		}
		if !n.HasLocal || !n.LocalCPUs.Equal(want) {
			t.Errorf("local cpus %v (has %v), %s says %v", n.LocalCPUs, n.HasLocal, from, want)
		}
	}
}

func checkLiveQueues(t *testing.T, n *NIC, base string) {
	t.Helper()
	qs, _ := os.ReadDir(base + "/queues")
	var rx, tx []int
	for _, q := range qs {
		kind, idx, ok := queueName(q.Name())
		if !ok {
			t.Errorf("queue dir %q", q.Name())
			continue
		}
		if kind == "rx" {
			rx = append(rx, idx)
		} else {
			tx = append(tx, idx)
		}
	}
	slices.Sort(rx)
	slices.Sort(tx)
	var gotRx, gotTx []int
	for i, q := range n.Rx {
		gotRx = append(gotRx, q.Index)
		b, err := os.ReadFile(base + "/queues/rx-" + strconv.Itoa(q.Index) + "/rps_cpus")
		if (err == nil) != q.HasRPS {
			t.Errorf("rx-%d: HasRPS %v, os read err %v", q.Index, q.HasRPS, err)
		}
		if err == nil {
			want, _ := cpumask.ParseHex(string(b))
			if !n.Rx[i].RPSCPUs.Equal(want) {
				t.Errorf("rx-%d: rps_cpus %v, os reads %v", q.Index, q.RPSCPUs, want)
			}
		}
	}
	for _, q := range n.Tx {
		gotTx = append(gotTx, q.Index)
		_, err := os.ReadFile(base + "/queues/tx-" + strconv.Itoa(q.Index) + "/xps_cpus")
		if (err == nil) != q.HasXPS {
			t.Errorf("tx-%d: HasXPS %v, os read err %v", q.Index, q.HasXPS, err)
		}
	}
	if !slices.Equal(rx, gotRx) || !slices.Equal(tx, gotTx) {
		t.Errorf("queues rx %v tx %v, os lists rx %v tx %v", gotRx, gotTx, rx, tx)
	}
}

func readOSInt(t *testing.T, p string) int {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func BenchmarkCollectNICsLive(b *testing.B) {
	if _, err := os.Stat("/sys/class/net"); err != nil {
		b.Skip("no /sys/class/net")
	}
	c := collectorOn(os.DirFS("/"))
	b.ReportAllocs()
	for b.Loop() {
		if err := c.collectNICs(emptySnapshot()); err != nil {
			b.Fatal(err)
		}
	}
}
