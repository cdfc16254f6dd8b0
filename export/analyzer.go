package export

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

// Analyzer keeps a rolling window of snapshots, fed by a background
// Sampler separate from the scrapes (a scrape must not wait for a window,
// and a window must not depend on how often Prometheus scrapes), and the
// findings of the analyzer over it. Safe for concurrent use.
type Analyzer struct {
	span     time.Duration
	interval time.Duration // the recording's sampling interval; 0 live
	opts     analyze.Options

	mu    sync.Mutex
	snaps []*collect.Snapshot
	last  *Analysis
	err   error // why the sampler stopped, if it failed
}

// Analysis is one run of the analyzer over the window.
type Analysis struct {
	Result    analyze.Result
	Snapshots int
	Seconds   float64 // the window's length; 0 when unknown or one snapshot
	Time      time.Time
}

// NewAnalyzer keeps span of snapshots (by their times) and analyzes them
// with opts. interval is the recording's sampling interval (0 when live).
func NewAnalyzer(span, interval time.Duration, opts analyze.Options) *Analyzer {
	return &Analyzer{span: span, interval: interval, opts: opts}
}

// Run feeds the window from s until ctx is done or a finite origin (a
// recording) has no more moments. A live window is analyzed from its
// second snapshot on: rates need two, and findings from totals since boot
// would appear at start and vanish 15 s later. A recording or snapshot
// folder is analyzed whatever it holds, once it is read.
func (a *Analyzer) Run(ctx context.Context, s *collect.Sampler) error {
	err := s.Run(ctx, 0, func(snap *collect.Snapshot) error {
		a.Add(snap)
		return nil
	})
	if err == nil && s.Origin.Len() >= 0 {
		a.mu.Lock()
		if a.last == nil && len(a.snaps) > 0 {
			a.analyzeLocked()
		}
		a.mu.Unlock()
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		a.mu.Lock()
		a.err = err
		a.mu.Unlock()
	}
	return err
}

// Add appends a snapshot, drops those older than the span, and analyzes
// the window when it holds two or more.
func (a *Analyzer) Add(snap *collect.Snapshot) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.snaps = append(a.snaps, snap)
	if !snap.Time.IsZero() {
		cut := snap.Time.Add(-a.span)
		drop := 0
		for drop < len(a.snaps)-1 && !a.snaps[drop].Time.IsZero() && a.snaps[drop].Time.Before(cut) {
			drop++
		}
		// A fresh slice, so the dropped snapshots can be freed.
		a.snaps = append([]*collect.Snapshot(nil), a.snaps[drop:]...)
	}
	if len(a.snaps) >= 2 {
		a.analyzeLocked()
	}
}

func (a *Analyzer) analyzeLocked() {
	w := analyze.NewWindow(a.snaps, a.interval)
	secs, _ := w.Seconds()
	a.last = &Analysis{
		Result:    analyze.Analyze(w, a.opts),
		Snapshots: w.Len(),
		Seconds:   secs,
		Time:      w.Last().Time,
	}
}

// Latest is the newest analysis, nil before the first.
func (a *Analyzer) Latest() *Analysis {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last
}

// Last is the newest snapshot of the window, nil before the first.
func (a *Analyzer) Last() *collect.Snapshot {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.snaps) == 0 {
		return nil
	}
	return a.snaps[len(a.snaps)-1]
}

// Err is why the background sampler stopped, nil while it runs (or after a
// recording was read to its end).
func (a *Analyzer) Err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}
