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

// softnetDropped sums the dropped column of /proc/net/softnet_stat (global,
// per CPU: the same from every namespace).
func softnetDropped(t *testing.T) uint64 {
	t.Helper()
	b, err := os.ReadFile("/proc/net/softnet_stat")
	if err != nil {
		t.Fatal(err)
	}
	var sum uint64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		v, err := strconv.ParseUint(f[1], 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		sum += v
	}
	return sum
}

func TestSoftnetDropsUnderFlood(t *testing.T) {
	if why := netns.Available(); why != "" {
		t.Skip(why)
	}
	unlock, err := netns.HostLock()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	restore, err := SetHostSysctl("net.core.netdev_max_backlog", "4")
	if err != nil {
		t.Fatal(err)
	}
	defer restore()
	w, err := SoftnetWorld()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	before := softnetDropped(t)
	load, err := UDPFlood(w.Sender, netip.MustParseAddrPort("10.99.0.2:9"), 64)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := load.Stop(); err != nil {
		t.Fatal(err)
	}
	if after := softnetDropped(t); after <= before {
		t.Errorf("softnet dropped %d → %d: want a rise under the flood", before, after)
	}
}
