package tui

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/netvet/netvet/collect"
)

// Feed hands a collect.Sampler's snapshots out one at a time: Next is
// Options.Next. The sampler starts on the first Next, which the dashboard
// calls inside a tea.Cmd, so all reading of the host or the recording
// happens there. The sampler then waits while the dashboard has not taken
// the last snapshot: a replay reads at most one snapshot ahead of what is
// shown, and a live sampler never queues snapshots nobody reads.
type Feed struct {
	s      *collect.Sampler
	ctx    context.Context
	cancel context.CancelFunc
	ch     chan *collect.Snapshot
	done   chan struct{}
	err    error // the sampler's result, set before done is closed
	start  sync.Once
}

// NewFeed returns a feed of s's snapshots until the origin is exhausted,
// ctx ends or Stop is called.
func NewFeed(ctx context.Context, s *collect.Sampler) *Feed {
	ctx, cancel := context.WithCancel(ctx)
	return &Feed{s: s, ctx: ctx, cancel: cancel, ch: make(chan *collect.Snapshot), done: make(chan struct{})}
}

func (f *Feed) run() {
	go func() {
		defer close(f.done)
		f.err = f.s.Run(f.ctx, 0, func(snap *collect.Snapshot) error {
			select {
			case f.ch <- snap:
				return nil
			case <-f.ctx.Done():
				return f.ctx.Err()
			}
		})
	}()
}

// Next blocks until the sampler has the next snapshot. At the end it
// returns io.EOF when the origin had no more moments or the feed was
// stopped, else the sampler's error.
func (f *Feed) Next() (*collect.Snapshot, error) {
	f.start.Do(f.run)
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

// Stop ends the sampler and waits for it; a feed never read from just
// closes.
func (f *Feed) Stop() {
	f.cancel()
	f.start.Do(func() { close(f.done) })
	<-f.done
}
