package copy

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestNewPipeSize(t *testing.T) {
	// The kernel rounds up to a power of two pages (pipe_set_size).
	r, w, got, err := newPipe(100_000)
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(r)
	unix.Close(w)
	if got != 128<<10 {
		t.Errorf("pipe of 100000 bytes has %d, want 131072", got)
	}
}
