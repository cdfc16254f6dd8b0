package collect

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/internal/cpumask"
)

// TestNICsNetnsIntegration builds a network namespace with a veth pair of 4
// rx and 4 tx queues, sets RPS, RFS and XPS on one end, and checks that the
// NIC and links collectors read back what the kernel holds.
//
// Reading the namespace's sysfs: sysfs shows the network namespace of
// whoever mounted it, not of the reader, so setns alone is not enough.
// `ip netns exec NS CMD` unshares a mount namespace and mounts a fresh sysfs
// for NS before it execs CMD; a process started that way (here `sleep`)
// exposes that view as /proc/PID/root, and os.DirFS("/proc/PID/root") is a
// Source for the namespace. No thread locking, no mounts of our own, and
// the host's /sys is never touched.
func TestNICsNetnsIntegration(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: creates a network namespace and a veth pair")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs the ip command (iproute2)")
	}
	if runtime.NumCPU() < 2 {
		t.Skip("needs 2 CPUs: the masks name CPU 1")
	}
	ns := fmt.Sprintf("netvet-nics-%d", os.Getpid())
	runIP(t, "ip", "netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	runIP(t, "ip", "-n", ns, "link", "add", "v0", "numrxqueues", "4", "numtxqueues", "4",
		"type", "veth", "peer", "name", "v1", "numrxqueues", "4", "numtxqueues", "4")

	holder := exec.Command("ip", "netns", "exec", ns, "sleep", "600")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = holder.Process.Kill()
		_ = holder.Wait()
	})
	root := "/proc/" + strconv.Itoa(holder.Process.Pid) + "/root"
	v0 := root + "/sys/class/net/v0"
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(v0); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear", v0)
		}
		time.Sleep(20 * time.Millisecond)
	}

	write := func(rel, v string) {
		t.Helper()
		if err := os.WriteFile(v0+"/"+rel, []byte(v), 0); err != nil {
			t.Fatal(err)
		}
	}
	write("queues/rx-1/rps_cpus", "2")
	write("queues/rx-1/rps_flow_cnt", "256")
	write("queues/rx-3/rps_cpus", "3")
	write("queues/tx-0/xps_cpus", "1")
	write("queues/tx-1/xps_cpus", "2")
	write("queues/tx-2/xps_cpus", "3")

	fsys := os.DirFS(root)
	s := emptySnapshot()
	if err := collectorOn(fsys).collectNICs(s); err != nil {
		t.Fatalf("collect nics: %v", err)
	}
	got := s.Config.NICs["v0"]
	if got == nil {
		t.Fatalf("no v0 in %v", s.Config.NICs)
	}
	want := &NIC{
		Name: "v0", Kind: "veth", MTU: 1500, TxQueueLen: got.TxQueueLen, NUMANode: -1,
		Rx: []RxQueue{
			{Index: 0, RPSCPUs: cpumask.Set{}, RPSFlowCnt: 0, HasRPS: true},
			{Index: 1, RPSCPUs: cpumask.Of(1), RPSFlowCnt: 256, HasRPS: true},
			{Index: 2, RPSCPUs: cpumask.Set{}, RPSFlowCnt: 0, HasRPS: true},
			{Index: 3, RPSCPUs: cpumask.Of(0, 1), RPSFlowCnt: 0, HasRPS: true},
		},
		Tx: []TxQueue{
			{Index: 0, XPSCPUs: cpumask.Of(0), HasXPS: true},
			{Index: 1, XPSCPUs: cpumask.Of(1), HasXPS: true},
			{Index: 2, XPSCPUs: cpumask.Of(0, 1), HasXPS: true},
			{Index: 3, XPSCPUs: cpumask.Set{}, HasXPS: true},
		},
	}
	if d := cmp.Diff(want, got, sysfsCmp...); d != "" {
		t.Errorf("v0 (-want +got):\n%s", d)
	}
	if k := s.Config.NICs["lo"]; k == nil || k.Kind != "loopback" {
		t.Errorf("lo = %+v", k)
	}

	// Down: the kernel refuses carrier, speed and duplex (EINVAL).
	s = emptySnapshot()
	if err := collectorOn(fsys).collectLinks(s); err != nil {
		t.Fatalf("collect links: %v", err)
	}
	if d := cmp.Diff(&Link{Name: "v0", Operstate: "down", Carrier: -1, Speed: -1}, s.Links["v0"],
		cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Stats" }, cmp.Ignore())); d != "" {
		t.Errorf("v0 down (-want +got):\n%s", d)
	}
	// Up: veth reports 10000 Mb/s full duplex.
	runIP(t, "ip", "-n", ns, "link", "set", "v0", "up")
	runIP(t, "ip", "-n", ns, "link", "set", "v1", "up")
	// operstate follows the carrier asynchronously (linkwatch): wait for it.
	var l *Link
	for deadline = time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		s = emptySnapshot()
		if err := collectorOn(fsys).collectLinks(s); err != nil {
			t.Fatalf("collect links: %v", err)
		}
		if l = s.Links["v0"]; l == nil || l.Operstate == "up" || time.Now().After(deadline) {
			break
		}
	}
	if l == nil || l.Operstate != "up" || l.Carrier != 1 || l.Speed != 10000 || l.Duplex != "full" {
		t.Errorf("v0 up = %+v", l)
	}
	if _, ok := l.Stats["tx_packets"]; !ok {
		t.Errorf("v0 stats = %v", l.Stats)
	}
}

func runIP(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
