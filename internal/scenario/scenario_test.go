package scenario

import (
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netvet/netvet/internal/netns"
)

// netstatValue reads one TcpExt counter as seen from inside ns. A tiny
// parser is enough here: the real one lives in collect, which this package
// must not import (it would make scenario a dependency of collect's tests).
func netstatValue(t *testing.T, ns *netns.NS, key string) uint64 {
	t.Helper()
	var v uint64
	err := ns.Do(func() error {
		b, err := os.ReadFile("/proc/thread-self/net/netstat")
		if err != nil {
			return err
		}
		lines := strings.Split(string(b), "\n")
		for i := 0; i+1 < len(lines); i += 2 {
			h, vals := strings.Fields(lines[i]), strings.Fields(lines[i+1])
			for j := range h {
				if h[0] == "TcpExt:" && h[j] == key && j < len(vals) {
					v, _ = strconv.ParseUint(vals[j], 10, 64)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestListenOverflowRaisesCounters(t *testing.T) {
	if why := netns.Available(); why != "" {
		t.Skip(why)
	}
	ns, err := netns.New("sclo")
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	before := netstatValue(t, ns, "ListenOverflows")
	load, err := ListenOverflow(ns, netip.MustParseAddrPort("127.0.0.1:8080"), 1, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	mid := netstatValue(t, ns, "ListenOverflows")
	time.Sleep(400 * time.Millisecond)
	after := netstatValue(t, ns, "ListenOverflows")
	if err := load.Stop(); err != nil {
		t.Fatal(err)
	}
	if !(before < mid && mid < after) {
		t.Errorf("ListenOverflows %d → %d → %d: want rising throughout the load", before, mid, after)
	}
}

func TestTimeWaitLeavesClientSockets(t *testing.T) {
	if why := netns.Available(); why != "" {
		t.Skip(why)
	}
	ns, err := netns.New("sctw")
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	dst := netip.MustParseAddrPort("127.0.0.1:9090")
	srv, err := Accepting(ns, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	if err := TimeWait(ns, dst, 30); err != nil {
		t.Fatal(err)
	}
	out, err := ns.Exec("ss", "-Htn", "state", "time-wait", "dst", dst.String())
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(strings.TrimSpace(string(out)), "\n") + 1; n < 30 {
		t.Errorf("TIME_WAIT sockets toward %s = %d, want ≥ 30:\n%s", dst, n, out)
	}
}
