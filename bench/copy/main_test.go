package copy

import (
	"os"
	"testing"

	"github.com/netvet/netvet/bench"
)

// truncatingSinkRole is a sink that truncates the file named in
// truncateEnv once stream 0 has received the given number of bytes: the
// "another process" that shrinks a file under a sender.
const (
	truncatingSinkRole = "copy-sink-truncating"
	truncateEnv        = "NETVET_TEST_TRUNCATE" // "PATH:AFTER_BYTES"
)

func TestMain(m *testing.M) {
	bench.RunRole(map[string]bench.Role{
		SinkRole:           SinkMain,
		truncatingSinkRole: truncatingSink,
	})
	os.Exit(m.Run())
}
