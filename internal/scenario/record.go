package scenario

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/netvet/netvet/internal/netns"
)

// Netvet runs the netvet binary at bin with args, inside ns when ns is not
// nil (`ip netns exec`, which also mounts the namespace's sysfs), and
// returns its exit code and output. A non-zero exit is not an error here:
// check's exit codes carry the severity.
func Netvet(bin string, ns *netns.NS, args ...string) (code int, stdout, stderr string, err error) {
	var cmd *exec.Cmd
	if ns != nil {
		cmd = exec.Command("ip", append([]string{"netns", "exec", ns.Name, bin}, args...)...)
	} else {
		cmd = exec.Command(bin, args...)
	}
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String(), nil
	}
	if err != nil {
		return -1, out.String(), errb.String(), fmt.Errorf("run %s %v: %w", bin, args, err)
	}
	return 0, out.String(), errb.String(), nil
}

// A Scenario sets up a problem, runs fn while it is happening, and cleans
// up. fn gets the namespace netvet should run in (nil: the host's).
type Scenario struct {
	Name  string
	About string // how it is made, for the fixture's NOTES.md
	Run   func(fn func(ns *netns.NS) error) error
}

// Scenarios are the real-kernel problems the fixtures and the check
// integration tests share.
func Scenarios() []Scenario {
	return []Scenario{
		{
			Name: "listen-overflow",
			About: "A network namespace with a TCP listener on 127.0.0.1:8080 whose listen() backlog is 1 and which never accepts;\n" +
				"a client in the namespace opens a new connection every 50 ms. After two connections wait in the accept queue,\n" +
				"every new SYN is dropped (TcpExt.ListenOverflows and ListenDrops rise). netvet runs inside the namespace.",
			Run: func(fn func(ns *netns.NS) error) error {
				ns, err := netns.New("nvlo")
				if err != nil {
					return err
				}
				defer ns.Close()
				load, err := ListenOverflow(ns, netip.MustParseAddrPort("127.0.0.1:8080"), 1, 50*time.Millisecond)
				if err != nil {
					return err
				}
				time.Sleep(300 * time.Millisecond) // fill the queue first
				err = fn(ns)
				if serr := load.Stop(); err == nil {
					err = serr
				}
				return err
			},
		},
		{
			Name: "softnet-drops",
			About: "Two network namespaces joined by a veth with 2 queues; RPS on the receiving end steers every packet to the last CPU;\n" +
				"net.core.netdev_max_backlog is set to 4 for the duration (a host-wide sysctl, restored afterwards) and a sender\n" +
				"pinned to CPU 0 floods 64-byte UDP datagrams. The last CPU's backlog overflows: softnet_stat's dropped column rises.\n" +
				"netvet runs in the host namespace (softnet_stat and netdev_max_backlog are host-wide).",
			Run: func(fn func(ns *netns.NS) error) error {
				unlock, err := netns.HostLock()
				if err != nil {
					return err
				}
				defer unlock()
				restore, err := SetHostSysctl("net.core.netdev_max_backlog", "4")
				if err != nil {
					return err
				}
				defer restore()
				w, err := SoftnetWorld()
				if err != nil {
					return err
				}
				defer w.Close()
				load, err := UDPFlood(w.Sender, netip.MustParseAddrPort("10.99.0.2:9"), 64)
				if err != nil {
					return err
				}
				err = fn(nil)
				if serr := load.Stop(); err == nil {
					err = serr
				}
				return err
			},
		},
		{
			Name: "rps-multiqueue-veth",
			About: "Two network namespaces joined by a veth with 4 RX/TX queues; on the receiving end RPS is on for every RX queue\n" +
				"(rps_cpus = all CPUs) with rps_flow_cnt 0, and UDP traffic flows at a modest rate. netvet runs inside the\n" +
				"receiving namespace, where net.core.rps_sock_flow_entries is not visible (it exists only in the initial namespace).",
			Run: func(fn func(ns *netns.NS) error) error {
				s, err := netns.New("nvrs")
				if err != nil {
					return err
				}
				defer s.Close()
				r, err := netns.New("nvrr")
				if err != nil {
					return err
				}
				defer r.Close()
				if err := netns.Veth(s, "vrps0", "10.98.0.1/24", r, "vrps1", "10.98.0.2/24", 4); err != nil {
					return err
				}
				all := fmt.Sprintf("%x", (uint64(1)<<uint(min(numCPU(), 64)))-1)
				for q := 0; q < 4; q++ {
					if _, err := r.Exec("sh", "-c", fmt.Sprintf("echo %s > /sys/class/net/vrps1/queues/rx-%d/rps_cpus", all, q)); err != nil {
						return err
					}
				}
				load, err := UDPFlood(s, netip.MustParseAddrPort("10.98.0.2:9"), 512)
				if err != nil {
					return err
				}
				err = fn(r)
				if serr := load.Stop(); err == nil {
					err = serr
				}
				return err
			},
		},
	}
}

func numCPU() int {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return 1
	}
	// "0-1" or "0-3,5": the count is enough for a mask of all CPUs here.
	n := 0
	for _, part := range strings.Split(strings.TrimSpace(string(b)), ",") {
		var lo, hi int
		if _, err := fmt.Sscanf(part, "%d-%d", &lo, &hi); err == nil {
			n += hi - lo + 1
		} else {
			n++
		}
	}
	return n
}
