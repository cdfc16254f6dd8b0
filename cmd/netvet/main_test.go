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
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir) // the binary the integration tests built
	}
	os.Exit(code)
}
