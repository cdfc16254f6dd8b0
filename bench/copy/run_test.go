package copy

import (
	"context"
	"testing"
)

// TestEveryMethodDeliversIdenticalBytes sends a file that is not a multiple
// of the chunk or page size (so the last short chunk is exercised) with
// every method over every transport, and relies on the sink's CRC-32C and
// byte count: any run with an error failed that check.
func TestEveryMethodDeliversIdenticalBytes(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Size = 3<<20 + 1234
	cfg.Chunk = 64 << 10
	cfg.Repeat = 1
	cfg.Dir = t.TempDir()
	chunks := (cfg.Size + int64(cfg.Chunk) - 1) / int64(cfg.Chunk)
	rep, err := Measure(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rep.Results), len(Methods())*len(Transports()); got != want {
		t.Fatalf("%d results, want %d", got, want)
	}
	for _, r := range rep.Results {
		if r.Skipped != "" {
			t.Logf("%s over %s skipped: %s", r.Method, r.Transport, r.Skipped)
			continue
		}
		for _, run := range r.Runs {
			if run.Error != "" {
				t.Errorf("%s over %s: %s", r.Method, r.Transport, run.Error)
				continue
			}
			if run.SinkTotalUserNS+run.SinkTotalSysNS < run.SinkUserNS+run.SinkSysNS {
				t.Errorf("%s over %s: sink's lifetime CPU %d ns is less than its drain's %d ns", r.Method, r.Transport,
					run.SinkTotalUserNS+run.SinkTotalSysNS, run.SinkUserNS+run.SinkSysNS)
			}
			if want, ok := minCalls(r.Method, r.Transport, chunks); ok && (run.Syscalls == nil || *run.Syscalls < want || *run.Syscalls > want+want/4+8) {
				t.Errorf("%s over %s: %v syscalls, want %d or a few more", r.Method, r.Transport, run.Syscalls, want)
			}
		}
		if r.Summary == nil {
			t.Errorf("%s over %s: no summary", r.Method, r.Transport)
		}
	}
}

// minCalls is the least number of syscalls method m needs for n chunks:
// the counting is what the syscalls/GB column reports, so it is checked.
func minCalls(m Method, tr Transport, n int64) (int64, bool) {
	switch m {
	case ReadWrite:
		return 2 * n, true // read + write
	case MmapWrite:
		return n + 2, true // write each, plus mmap, madvise
	case Sendfile:
		return n, true
	case Splice:
		if tr == Pipe {
			return n, true // straight into the transport pipe
		}
		return 2*n + 2, true // in and out of our pipe, plus pipe2, F_SETPIPE_SZ
	case Tee:
		if tr == Pipe {
			return 3*n + 2, true // splice in, tee, splice out; one pipe
		}
		return 4*n + 4, true // splice in, tee, two splices out; two pipes
	}
	return 0, false // msg-zerocopy reaps as completions come; io-copy is not counted
}
