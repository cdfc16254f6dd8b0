package accept

import (
	"os"
	"testing"

	"github.com/netvet/netvet/bench"
)

// TestMain lets the test binary be the load generator too: tests spawn it
// with bench.Spawn, which re-executes this binary with NETVET_ROLE set.
func TestMain(m *testing.M) {
	bench.RunRole(map[string]bench.Role{LoadRole: RunLoad})
	os.Exit(m.Run())
}
