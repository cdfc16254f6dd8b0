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
			}
		}
		if r.Summary == nil {
			t.Errorf("%s over %s: no summary", r.Method, r.Transport)
		}
	}
}
