package tui

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/netvet/netvet/collect"
)

// Feed runs a collect.Sampler in the background and hands its snapshots
// out one at a time (Next is Options.Next). The sampler waits while the
// dashboard has not taken the last snapshot, so a replay reads at most one
// snapshot ahead of what is shown, and a live sampler never queues up
// snapshots nobody reads.
type Feed struct {
	ch     chan *collect.Snapshot
	cancel context.CancelFunc
	done   chan struct{}
	err    error // the sampler's result, set before done is closed
	once   sync.Once
}

// StartFeed starts s.Run in the background until the origin is exhausted
// or Stop is called.
func StartFeed(ctx context.Context, s *collect.Sampler) *Feed {
	ctx, cancel := context.WithCancel(ctx)
	f := &Feed{ch: make(chan *collect.Snapshot), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(f.done)
		f.err = s.Run(ctx, 0, func(snap *collect.Snapshot) error {
			select {
			case f.ch <- snap:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return f
}

// Next blocks until the sampler has the next snapshot. At the end it
// returns io.EOF when the origin had no more moments or the feed was
// stopped, else the sampler's error.
func (f *Feed) Next() (*collect.Snapshot, error) {
	select {
	case s := <-f.ch:
		return s, nil
	case <-f.done:
		if f.err == nil || errors.Is(f.err, context.Canceled) {
			return nil, io.EOF
		}
		return nil, f.err
	}
}

// Stop ends the sampler and waits for it.
func (f *Feed) Stop() {
	f.once.Do(f.cancel)
	<-f.done
}
