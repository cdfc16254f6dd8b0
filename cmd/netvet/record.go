package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/netvet/netvet/collect"
)

func newRecordCmd() *cobra.Command {
	var out string
	opts := sampleOpts{}
	c := &cobra.Command{
		Use:   "record -o DIR",
		Short: "Write a recording of this host that any command replays with --root DIR",
		Long: `Sample this host every --interval for --duration and write every file the
collectors read into DIR (meta.json + one folder per snapshot), so the
recording replays byte for byte anywhere: netvet check --root DIR.

Configuration that rarely changes (IRQ affinity, queue masks, sysctls,
topology) is read at the first snapshot and then every --config-every;
snapshots in between carry it forward on replay. Ctrl-C stops early and
keeps a valid recording of what was taken.`,
		Example: `  netvet record -o /tmp/incident --duration 60s
  netvet check --root /tmp/incident`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return errors.New("record: -o DIR is required")
			}
			if opts.interval <= 0 || opts.duration < 0 {
				return fmt.Errorf("record: --interval must be > 0 and --duration ≥ 0 (got %s, %s)", opts.interval, opts.duration)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			opts.progress = progressBar(os.Stderr, "recording")
			res, err := record(ctx, out, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d snapshots (%s) to %s; netvet used %.3f CPU-seconds in %s (%.2f%% of one core)\n",
				res.snapshots, sizeText(res.bytes), out, res.cpu.Seconds(), res.wall.Round(time.Millisecond), 100*res.cpu.Seconds()/max(res.wall.Seconds(), 1e-9))
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "folder to write (must be missing or empty)")
	c.Flags().DurationVar(&opts.duration, "duration", 10*time.Second, "how long to record")
	c.Flags().DurationVar(&opts.interval, "interval", time.Second, "time between snapshots")
	c.Flags().DurationVar(&opts.configEvery, "config-every", collect.DefaultConfigEvery, "how often to re-read configuration")
	return c
}

type recordResult struct {
	snapshots int
	bytes     int64
	cpu, wall time.Duration
	last      *collect.Snapshot
}

// record writes a live recording into dir and reports what it cost.
func record(ctx context.Context, dir string, opts sampleOpts) (recordResult, error) {
	var res recordResult
	startCPU, start := processCPU(), time.Now()
	rec, err := collect.Record(dir, collect.NewLive(collect.LiveOptions{}), opts.interval)
	if err != nil {
		return res, err
	}
	snaps, err := sample(ctx, rec, opts, func(*collect.Snapshot) error { return rec.Commit() })
	if cerr := rec.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, err
	}
	res.snapshots, res.last = len(snaps), snaps[len(snaps)-1]
	res.cpu, res.wall = processCPU()-startCPU, time.Since(start)
	res.bytes = dirSize(dir)
	return res, nil
}

// processCPU is the user+system CPU time this process has used.
func processCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func sizeText(b int64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}
