package collect

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLiveEthtoolAgainstLibrary checks the ioctls written here against
// github.com/safchain/ethtool on every interface of this host: the same
// features, and the same statistics (the library's map, ours in order).
func TestLiveEthtoolAgainstLibrary(t *testing.T) {
	ifs, err := liveIfaces("/sys/class/net")
	if err != nil || len(ifs) == 0 {
		t.Skip("no interfaces")
	}
	c, err := openEthtool()
	if err != nil {
		t.Skip(err)
	}
	defer c.close()
	for _, ifname := range ifs {
		ours, err := c.features(ifname)
		lib, lerr := c.lib.Features(ifname)
		if (err == nil) != (lerr == nil) {
			t.Errorf("%s: features error %v, library %v", ifname, err, lerr)
		} else if err == nil && len(lib) > 0 {
			if diff := cmp.Diff(lib, ours); diff != "" {
				t.Errorf("%s: features (-library +ours):\n%s", ifname, diff)
			}
		}
		st, err := c.stats(ifname)
		if err != nil || st == nil { // lo: no statistics
			continue
		}
		libStats, err := c.lib.Stats(ifname)
		if err != nil {
			t.Errorf("%s: library stats: %v", ifname, err)
			continue
		}
		names := map[string]bool{}
		for _, s := range st {
			names[s.Name] = true
		}
		if len(names) != len(libStats) {
			t.Errorf("%s: %d distinct counter names, library %d", ifname, len(names), len(libStats))
		}
		for name := range libStats {
			if !names[name] {
				t.Errorf("%s: no %q", ifname, name)
			}
		}
	}
}
