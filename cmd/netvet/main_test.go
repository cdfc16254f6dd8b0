package main

import (
	"os"
	"testing"

	"github.com/netvet/netvet/bench"
)

// TestMain dispatches the helper roles exactly as main does, so commands
// under test can re-execute the test binary as a sink.
func TestMain(m *testing.M) {
	bench.RunRole(roles())
	os.Exit(m.Run())
}
