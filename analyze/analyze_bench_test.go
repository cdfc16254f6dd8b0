package analyze

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/synthhost"
)

// bigHostSnaps is the synthetic 256-CPU host (internal/synthhost.Default:
// 2 NUMA nodes, four 64-queue NICs, ~1,000 interrupt lines), sampled n times
// one second apart through the real collectors, with the configuration read
// at the first snapshot only, as a live Sampler does.
func bigHostSnaps(tb testing.TB, o synthhost.Options, n int) []*collect.Snapshot {
	tb.Helper()
	h, err := synthhost.New(o)
	if err != nil {
		tb.Fatal(err)
	}
	c := collect.NewCollector()
	ctx := context.Background()
	snaps := make([]*collect.Snapshot, 0, n)
	var prev *collect.Snapshot
	for i := range n {
		if i > 0 {
			h.Step()
		}
		prev = c.Collect(ctx, h.FS(), prev, i == 0)
		snaps = append(snaps, prev)
	}
	return snaps
}

// BenchmarkAnalyzeBigHost is issue 3's speed target: the whole rule set
// over 60 snapshots of the 256-CPU host must take ≤ 50 ms. Each iteration
// analyses a fresh Window, so the Window's lazily built indexes are timed
// too; building the snapshots is not.
func BenchmarkAnalyzeBigHost(b *testing.B) {
	o := synthhost.Default()
	snaps := bigHostSnaps(b, o, 60)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for b.Loop() {
		Analyze(NewWindow(snaps, o.Interval), Options{})
	}
	// Wall time swings with whatever else the machine runs; the process's
	// CPU time per op is the steadier figure.
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkLoadBigRecording measures what comes before the analysis when
// the host is replayed from disk: opening a 60-snapshot recording of the
// 256-CPU host and collecting every snapshot (OpenRoot + Sampler). Writing
// the recording is not timed.
func BenchmarkLoadBigRecording(b *testing.B) {
	o := synthhost.Default()
	dir := filepath.Join(b.TempDir(), "rec")
	if _, err := synthhost.WriteRecording(dir, o, 60); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		origin, err := collect.OpenRoot(dir)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		s := &collect.Sampler{Origin: origin}
		if err := s.Run(ctx, 0, func(*collect.Snapshot) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		origin.Close()
		if n != 60 {
			b.Fatalf("replayed %d snapshots, want 60", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/60, "ms/snapshot")
}

// TestBigHostAnalysis keeps the benchmark honest: the synthetic host is
// healthy and busy, its window has the size it claims, the collectors all
// delivered, and the analysis looked at it (an empty window would be fast
// for nothing). With a problem injected, the matching finding appears.
func TestBigHostAnalysis(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 2 × 10 snapshots of a 256-CPU host")
	}
	o := synthhost.Default()
	snaps := bigHostSnaps(t, o, 10)
	w := NewWindow(snaps, o.Interval)
	if secs, ok := w.Seconds(); !ok || secs != 9 {
		t.Fatalf("window of %v s (%v), want 9", secs, ok)
	}
	for _, st := range w.Last().Status {
		if st.State == collect.StateError {
			t.Errorf("collector %s: %s", st.Name, st.Err)
		}
	}
	if n := len(w.SoftnetCPUs()); n != 256 {
		t.Errorf("softnet CPUs = %d, want 256", n)
	}
	if n := len(collect.NICIRQs(w.Last())); n < 4 {
		t.Errorf("NICs with queue vectors = %d, want ≥ 4", n)
	}
	res := Analyze(w, Options{})
	t.Logf("healthy synthetic host: %v", ids(res))
	for _, f := range res.Findings {
		if f.Severity == Critical {
			t.Errorf("healthy synthetic host: %s %s %s", f.Severity, f.ID, f.Summary)
		}
	}

	sick := o
	sick.SoftnetDropCPU, sick.SoftnetDropRate = 7, 500
	res = Analyze(NewWindow(bigHostSnaps(t, sick, 10), o.Interval), Options{})
	f, ok := has(res, "softnet.drops", "cpu7")
	if !ok || f.Severity != Critical {
		t.Errorf("500 drops/s on cpu7: got %+v (found %v), want critical softnet.drops; all: %v", f, ok, ids(res))
	}
}
