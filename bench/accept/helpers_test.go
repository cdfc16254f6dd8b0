package accept

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/netvet/netvet/bench"
)

// testNetns gives the test a network namespace of its own when root, and
// the host's loopback (nil) otherwise.
func testNetns(t *testing.T) *netns {
	t.Helper()
	if os.Geteuid() != 0 {
		return nil
	}
	ns, err := newNetns()
	if err != nil {
		t.Fatalf("network namespace: %v", err)
	}
	t.Cleanup(ns.Close)
	return ns
}

func needRoot(t *testing.T, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("needs root: %s", why)
	}
}

func testSpawn(role string, args []string) (*exec.Cmd, error) {
	return bench.Spawn(context.Background(), role, args)
}

// quickConfig is a run short enough for tests.
func quickConfig(workers int) Config {
	c := DefaultConfig(2)
	c.Workers = workers
	c.Conns = 16
	c.ClientThreads = 2
	c.Warmup = 100 * time.Millisecond
	c.Duration = 300 * time.Millisecond
	c.RequestsPerConn = 20
	c.Timeout = 5 * time.Second
	return c
}

// modelsHere lists the models this process can run, skipping (with the
// reason in the log) those that need root.
func modelsHere(t *testing.T) []Model {
	var out []Model
	for _, m := range Models() {
		if os.Geteuid() != 0 && (m == ReuseportEBPF || m == ReuseportMigrate) {
			t.Logf("%s not tested: needs root (CAP_BPF, or a namespace to set tcp_migrate_req in)", m)
			continue
		}
		out = append(out, m)
	}
	return out
}
