package export

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/fixtures"
)

func snapAt(sec int, dropped uint64) *collect.Snapshot {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	return &collect.Snapshot{
		Time: t0.Add(time.Duration(sec) * time.Second),
		Host: collect.HostInfo{BootID: "b", Uptime: 1000 + float64(sec)},
		Softnet: []collect.SoftnetCPU{
			{CPU: 0, Processed: 1e9 + uint64(sec)*1e6, Dropped: dropped, Columns: 13},
			{CPU: 1, Processed: 1e9 + uint64(sec)*1e6, Columns: 13},
		},
	}
}

// The window keeps its span of snapshots, is analyzed from the second on,
// and its findings follow the counters.
func TestAnalyzerRollingWindow(t *testing.T) {
	an := NewAnalyzer(10*time.Second, 0, analyze.Options{})
	an.Add(snapAt(0, 0))
	if an.Latest() != nil {
		t.Fatal("analyzed one live snapshot: totals since boot would come and go")
	}
	steps := []struct {
		sec       int
		dropped   uint64
		snapshots int
		seconds   float64
		findings  []string
	}{
		{5, 20, 2, 5, []string{"softnet.drops critical cpu0"}},
		{10, 40, 3, 10, []string{"softnet.drops critical cpu0"}},
		{15, 40, 3, 10, []string{"softnet.drops critical cpu0"}}, // 0 s left; 5→10 s still in
		{20, 40, 3, 10, nil}, // the drops left the window
	}
	for _, s := range steps {
		an.Add(snapAt(s.sec, s.dropped))
		a := an.Latest()
		if a == nil {
			t.Fatalf("%d s: no analysis", s.sec)
		}
		var got []string
		for _, f := range a.Result.Findings {
			got = append(got, f.ID+" "+f.Severity.String()+" "+f.Subject)
		}
		if d := cmp.Diff(s.findings, got); d != "" {
			t.Errorf("%d s: findings (-want +got):\n%s", s.sec, d)
		}
		if a.Snapshots != s.snapshots || a.Seconds != s.seconds {
			t.Errorf("%d s: window of %d snapshots over %v s, want %d over %v", s.sec, a.Snapshots, a.Seconds, s.snapshots, s.seconds)
		}
	}
	if last := an.Last(); last == nil || last.Time != snapAt(20, 0).Time {
		t.Errorf("Last: %v", last)
	}
}

// A recording is analyzed whole, even when it holds a single snapshot.
func TestAnalyzerRunReadsARecording(t *testing.T) {
	an := readRoot(t, fixtures.Path("recordings", "listen-overflow"))
	a := an.Latest()
	if a == nil || a.Snapshots != 6 {
		t.Fatalf("analysis %+v, want 6 snapshots", a)
	}
	var ids []string
	for _, f := range a.Result.Findings {
		ids = append(ids, f.ID+" "+f.Severity.String())
	}
	if d := cmp.Diff([]string{"tcp.listen_overflow critical", "tcp.listen_queue_full critical"}, ids[:2]); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	one := readRoot(t, fixtures.Path("realworld", "bond-8023ad-no-active-aggregator"))
	if a := one.Latest(); a == nil || a.Snapshots != 1 || !a.Result.SinceBoot {
		t.Errorf("single snapshot: %+v, want it analyzed since boot", a)
	}
}

// A sampler that fails is reported by Err (and /healthz); cancellation is
// not a failure.
func TestAnalyzerErr(t *testing.T) {
	o := &fakeOrigin{err: errors.New("proc not mounted")}
	an := NewAnalyzer(time.Minute, 0, analyze.Options{})
	if err := an.Run(context.Background(), &collect.Sampler{Origin: o, Interval: time.Second}); err == nil {
		t.Fatal("Run: want the origin's error")
	}
	if err := an.Err(); err == nil {
		t.Error("Err: nil after the sampler failed")
	}
	o = &fakeOrigin{fsys: softnetFS()}
	an = NewAnalyzer(time.Minute, 0, analyze.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- an.Run(ctx, &collect.Sampler{Origin: o, Interval: 10 * time.Millisecond}) }()
	deadline := time.After(10 * time.Second)
	for an.Latest() == nil {
		select {
		case <-deadline:
			t.Fatal("no analysis after 10 s of 10 ms samples")
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel: %v", err)
	}
	if err := an.Err(); err != nil {
		t.Errorf("Err after cancel: %v, want nil", err)
	}
}

func TestFindingSeries(t *testing.T) {
	an := NewAnalyzer(time.Minute, 0, analyze.Options{})
	e := fixed(&collect.Snapshot{}, Options{})
	e.analyzer = an
	if got := gather(t, e, "netvet_finding", "netvet_window"); len(got) != 0 {
		t.Errorf("before the first analysis: %v", got)
	}
	an.last = &Analysis{Snapshots: 21, Seconds: 300, Result: analyze.Result{Findings: []analyze.Finding{
		{ID: "tcp.listen_overflow", Severity: analyze.Critical, Subject: "host"},
		// The same ID and subject twice: one series, the worse severity.
		{ID: "tcp.listen_overflow", Severity: analyze.Warning, Subject: "host"},
		{ID: "softnet.drops", Severity: analyze.Warning, Subject: "cpu3"},
		{ID: "rps.recommended", Severity: analyze.Info, Subject: "eth0/rx-0"},
	}}}
	want := []sample{
		{"netvet_finding{id=rps.recommended,severity=info,subject=eth0/rx-0}", 1},
		{"netvet_finding{id=softnet.drops,severity=warning,subject=cpu3}", 1},
		{"netvet_finding{id=tcp.listen_overflow,severity=critical,subject=host}", 1},
		{"netvet_window_seconds{}", 300},
		{"netvet_window_snapshots{}", 21},
	}
	if d := cmp.Diff(want, gather(t, e, "netvet_finding", "netvet_window")); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
