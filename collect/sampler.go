package collect

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultConfigEvery is how often a live Sampler re-reads the configuration
// (IRQ affinity, queue masks, sysctls, topology) when ConfigEvery is 0. It
// rarely changes, and reading it costs ~2 files per IRQ and per queue.
const DefaultConfigEvery = 60 * time.Second

// Sampler reads a stream of Snapshots from an Origin.
//
// On the live host it samples at once and then on a ticker aligned to the
// first sample (sample k is due at start + k·Interval), so drift does not
// accumulate; a sample that overruns skips the ticks it missed instead of
// firing a burst of catch-up samples. From a recording, snapshot folder or
// sosreport it replays every moment in order without sleeping.
type Sampler struct {
	Origin   Origin
	Interval time.Duration // live only: time between samples
	// ConfigEvery is how often the live host's configuration is read again
	// (DefaultConfigEvery when 0). In between, each Snapshot shares the
	// previous one's Config. Recordings say per moment whether it is there.
	ConfigEvery time.Duration
	Collector   *Collector // nil: a fresh one for each Run
}

// Run reads snapshots and hands each, in order, to fn, which may keep it
// (snapshots are immutable and each one is passed to Collect as prev for the
// next).
//
// It stops after n snapshots (n ≤ 0: no limit), when a recording has no more
// moments, when fn returns an error (returned as is), or when ctx is done —
// then it returns ctx.Err(), also when n ≤ 0 made that the expected end
// (callers test errors.Is(err, context.Canceled)). A sample interrupted by
// the cancellation is dropped, not passed to fn.
func (s *Sampler) Run(ctx context.Context, n int, fn func(*Snapshot) error) error {
	if s.Origin == nil {
		return errors.New("sampler: no origin")
	}
	c := s.Collector
	if c == nil {
		c = NewCollector()
	}
	if s.Origin.Len() < 0 {
		return s.runLive(ctx, c, n, fn)
	}
	return s.runRecorded(ctx, c, n, fn)
}

// runRecorded replays an Origin of known length: the moment says whether its
// configuration files are there.
func (s *Sampler) runRecorded(ctx context.Context, c *Collector, n int, fn func(*Snapshot) error) error {
	total := s.Origin.Len()
	if n > 0 && n < total {
		total = n
	}
	var prev *Snapshot
	for i := 0; i < total; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		src, m, err := s.Origin.Source(ctx, i, true)
		if err != nil {
			return fmt.Errorf("snapshot %d of %s: %w", i, s.Origin.Path(), err)
		}
		snap, err := s.collect(ctx, c, src, m, prev, m.Full)
		if err != nil {
			return err
		}
		if err := fn(snap); err != nil {
			return err
		}
		prev = snap
	}
	return nil
}

// runLive samples the live host on the aligned ticker.
func (s *Sampler) runLive(ctx context.Context, c *Collector, n int, fn func(*Snapshot) error) error {
	if s.Interval <= 0 && n != 1 {
		return fmt.Errorf("sampler: interval %v must be positive to take more than one sample", s.Interval)
	}
	every := s.ConfigEvery
	if every <= 0 {
		every = DefaultConfigEvery
	}
	var (
		prev     *Snapshot
		start    = time.Now()
		tick     = 0  // index of the tick this sample belongs to
		lastFull = -1 // tick of the last sample that read the configuration
		timer    *time.Timer
	)
	for taken := 0; ; taken++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		full := configDue(tick, lastFull, s.Interval, every)
		src, m, err := s.Origin.Source(ctx, taken, full)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("sample %d: %w", taken, err)
		}
		snap, err := s.collect(ctx, c, src, m, prev, full)
		if err != nil {
			return err
		}
		if full {
			lastFull = tick
		}
		if err := fn(snap); err != nil {
			return err
		}
		prev = snap
		if n > 0 && taken+1 >= n {
			return nil
		}
		var due time.Time
		tick, due = nextTick(start, time.Now(), s.Interval, tick)
		if timer == nil {
			timer = time.NewTimer(time.Until(due))
			defer timer.Stop()
		} else {
			timer.Reset(time.Until(due))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// collect reads one snapshot and fills its time from the moment when the
// source did not say (no netvet/host.json). A snapshot whose collection
// was cut short by ctx is dropped.
func (s *Sampler) collect(ctx context.Context, c *Collector, src Source, m Moment, prev *Snapshot, full bool) (*Snapshot, error) {
	snap := c.Collect(ctx, src, prev, full)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if snap.Time.IsZero() {
		snap.Time = m.Time
	}
	// A Config read for this snapshot (not carried from prev, which is
	// immutable by now) takes the snapshot's time when it has none.
	if fresh := prev == nil || snap.Config != prev.Config; fresh && snap.Config != nil && snap.Config.Time.IsZero() {
		snap.Config.Time = snap.Time
	}
	return snap, nil
}

// configDue reports whether the sample of tick k reads the configuration:
// the first one does, and then the first whose tick is at least every after
// the last one that did. Ticks, not the clock, decide, so a slow sample does
// not shift the configuration period.
func configDue(k, lastFull int, interval, every time.Duration) bool {
	if lastFull < 0 {
		return true
	}
	return time.Duration(k-lastFull)*interval >= every
}

// nextTick returns the tick after k that is still ahead of now, and when it
// is due: ticks are start + i·interval, so the schedule never drifts, and
// ticks a slow sample ran past are skipped rather than fired in a burst.
func nextTick(start, now time.Time, interval time.Duration, k int) (int, time.Time) {
	next := k + 1
	if late := now.Sub(start); late > time.Duration(next)*interval {
		next = int((late + interval - 1) / interval) // the first tick not yet past
	}
	return next, start.Add(time.Duration(next) * interval)
}
