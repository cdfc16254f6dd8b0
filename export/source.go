package export

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/netvet/netvet/collect"
)

// view is what one scrape exports: a snapshot and, with FoldCPUs, the
// monotonic sums over CPUs taken with it. Immutable once built, so any
// number of scrapes may read it at once.
type view struct {
	snap *collect.Snapshot
	sums map[string]uint64 // folded per-CPU counters by series key; nil without FoldCPUs
}

// source hands each scrape its view.
type source interface {
	view(ctx context.Context) (*view, error)
}

// fixedSource serves one snapshot for ever (a recording's last one).
type fixedSource struct{ v *view }

func (f fixedSource) view(context.Context) (*view, error) { return f.v, nil }

// liveSource reads a fresh snapshot for every scrape. Scrapes that arrive
// while one is being read share it (singleflight): fifty scrapers cost one
// read of the host, and a slow read cannot pile up reads behind it.
type liveSource struct {
	origin      collect.Origin
	timeout     time.Duration
	configEvery time.Duration
	opts        Options
	flight      singleflight.Group

	// The collection in flight owns these; the mutex makes that explicit
	// (singleflight already runs one at a time).
	mu       sync.Mutex
	coll     *collect.Collector
	prev     *collect.Snapshot
	configAt time.Time
	folder   *folder
}

func newLiveSource(o collect.Origin, opts Options) *liveSource {
	return &liveSource{
		origin:      o,
		timeout:     opts.scrapeTimeout(),
		configEvery: opts.configEvery(),
		opts:        opts,
		coll:        collect.NewCollector(),
		folder:      newFolder(),
	}
}

// view waits for the snapshot in flight (or starts one) until ctx is done.
// The read itself runs under its own timeout, not the first caller's
// context: a scraper that gives up must not cancel the read the others
// wait for.
func (l *liveSource) view(ctx context.Context) (*view, error) {
	ch := l.flight.DoChan("snapshot", func() (any, error) { return l.read() })
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*view), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a snapshot: %w", ctx.Err())
	}
}

func (l *liveSource) read() (*view, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	now := time.Now()
	full := l.prev == nil || now.Sub(l.configAt) >= l.configEvery
	src, m, err := l.origin.Source(ctx, 0, full)
	if err != nil {
		return nil, l.readErr(ctx, err)
	}
	snap := l.coll.Collect(ctx, hideFS{FS: src, hidden: remotesFile}, l.prev, full)
	if err := ctx.Err(); err != nil {
		return nil, l.readErr(ctx, err)
	}
	if snap.Time.IsZero() {
		snap.Time = m.Time
	}
	if full {
		l.configAt = now
	}
	l.prev = snap
	return newView(snap, l.folder, l.opts), nil
}

// readErr names a read's failure, the timeout when it ran out.
func (l *liveSource) readErr(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("read snapshot: took longer than %s", l.timeout)
	}
	return fmt.Errorf("read snapshot: %w", err)
}

// newView builds the view of snap, folding its per-CPU counters through f
// when opts say so.
func newView(snap *collect.Snapshot, f *folder, opts Options) *view {
	v := &view{snap: snap}
	if opts.FoldCPUs {
		f.start(snap.Host)
		v.sums = map[string]uint64{}
		foldSoftnet(f, snap, v.sums)
		foldSoftirqs(f, snap, v.sums)
		foldInterrupts(f, snap, opts.irqScope(), v.sums)
	}
	return v
}
