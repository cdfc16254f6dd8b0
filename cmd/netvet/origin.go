package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/netvet/netvet/collect"
)

// openOrigin returns the live host, or the recording, snapshot or sosreport
// folder given with --root.
func openOrigin(root string) (collect.Origin, error) {
	if root == "" {
		return collect.NewLive(collect.LiveOptions{}), nil
	}
	o, err := collect.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// sampleOpts says how many snapshots to take and how far apart.
type sampleOpts struct {
	duration, interval time.Duration
	configEvery        time.Duration
	progress           func(done, total int) // nil: quiet
}

// count is the number of live snapshots for the options: one at the start
// and one per interval, so the window spans the whole duration.
func (o sampleOpts) count() int {
	if o.interval <= 0 || o.duration <= 0 {
		return 1
	}
	return int(o.duration/o.interval) + 1
}

// sample reads snapshots from o: live, count() of them interval apart; from
// a folder, every moment it holds. each, when not nil, runs after every
// snapshot (a recorder commits there).
func sample(ctx context.Context, o collect.Origin, opts sampleOpts, each func(*collect.Snapshot) error) ([]*collect.Snapshot, error) {
	n := opts.count()
	if o.Len() >= 0 {
		n = o.Len()
	}
	s := &collect.Sampler{Origin: o, Interval: opts.interval, ConfigEvery: opts.configEvery}
	var snaps []*collect.Snapshot
	err := s.Run(ctx, n, func(snap *collect.Snapshot) error {
		snaps = append(snaps, snap)
		if each != nil {
			if err := each(snap); err != nil {
				return err
			}
		}
		if opts.progress != nil {
			opts.progress(len(snaps), n)
		}
		return nil
	})
	if err != nil && !(ctx.Err() != nil && len(snaps) > 0) {
		return snaps, err
	}
	if len(snaps) == 0 {
		return nil, fmt.Errorf("no snapshot could be read from %s", describeOrigin(o))
	}
	return snaps, nil
}

// describeOrigin names an origin for messages: "this host" or the folder.
func describeOrigin(o collect.Origin) string {
	if o.Kind() == collect.KindLive {
		host, _ := os.Hostname()
		return "this host (" + host + ")"
	}
	return fmt.Sprintf("%s %s", o.Kind(), o.Path())
}
