package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/tui"
)

type topFlags struct {
	root, bandwidth       string
	interval, configEvery time.Duration
	rtt                   time.Duration
	window, fps           int
	speed                 float64
}

func newTopCmd() *cobra.Command {
	var f topFlags
	c := &cobra.Command{
		Use:   "top",
		Short: "Live terminal dashboard: per-CPU softirq heat, NIC queues, accept queues, bonds, findings",
		Long: `Sample this host every --interval and show, on six screens fed by one sliding
window of --window snapshots: an overview (per-CPU strip, NICs, charts of pps,
drops and squeezes, findings newest first), every CPU's softnet and softirq
rates, each NIC's queues (interrupt rate, affinity, RPS mask, rings, per-queue
packets, skew), TCP listeners' accept queues and TIME_WAIT by destination,
bonds and their slaves, and the findings in full with the commands to run.

With --root it replays a recording at its own pace (--speed 4: four times
faster); a snapshot folder or a sosreport shows one snapshot (totals since boot).

The status line shows the age of the newest sample; when none comes for three
intervals every screen is marked STALE. Keys: tab/shift-tab screens, s sort,
p pause, / filter, ? help, q quit.`,
		Example: `  netvet top
  netvet top --interval 2s --window 30
  netvet top --root /tmp/incident --speed 4`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("speed") && f.root == "" {
				return &exitError{code: 3, err: errors.New("--speed applies to a replay (--root RECORDING)")}
			}
			if err := runTop(cmd.Context(), f); err != nil {
				return &exitError{code: 3, err: err}
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.root, "root", "", "replay a recording, snapshot or sosreport folder instead of sampling this host")
	fl.DurationVar(&f.interval, "interval", time.Second, "time between live snapshots")
	fl.DurationVar(&f.configEvery, "config-every", collect.DefaultConfigEvery, "how often to re-read the configuration (IRQ affinity, queue masks, sysctls)")
	fl.IntVar(&f.window, "window", 60, "snapshots in the sliding window the analysis and the charts look at")
	fl.Float64Var(&f.speed, "speed", 1, "replay speed: 4 plays a recording four times faster than it was recorded")
	fl.StringVar(&f.bandwidth, "bandwidth", "", "path bandwidth for buffer sizing, e.g. 10Gbit (default: fastest link speed)")
	fl.DurationVar(&f.rtt, "rtt", 0, fmt.Sprintf("path round-trip time for buffer sizing (default: %s)", analyze.DefaultRTT))
	// Each frame tick wakes the process even when nothing changed: at the
	// renderer's default 60/s that alone costs ~0.5% of a core, at 10/s
	// ~0.1%, and a key still shows within 100 ms.
	fl.IntVar(&f.fps, "fps", 10, "most screen redraws per second (keys and new samples cause them)")
	_ = fl.MarkHidden("fps")
	return c
}

func runTop(ctx context.Context, f topFlags) error {
	switch {
	case f.window < 2:
		return fmt.Errorf("--window %d: need at least 2 snapshots for rates", f.window)
	case f.speed <= 0:
		return fmt.Errorf("--speed %g: must be positive", f.speed)
	case f.root == "" && f.interval <= 0:
		return fmt.Errorf("--interval %s: must be positive", f.interval)
	case f.rtt < 0:
		return fmt.Errorf("--rtt %s: must be positive", f.rtt)
	}
	opts := analyze.Options{RTT: f.rtt}
	if f.bandwidth != "" {
		var err error
		if opts.Bandwidth, err = parseBandwidth(f.bandwidth); err != nil {
			return err
		}
	}
	if !isTerminal(os.Stdout) {
		return errors.New("netvet top draws on a terminal; for a pipe or a file use netvet check or netvet record")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	o, err := openOrigin(f.root)
	if err != nil {
		return err
	}
	defer o.Close()
	feed := tui.NewFeed(ctx, &collect.Sampler{Origin: o, Interval: f.interval, ConfigEvery: f.configEvery})
	defer feed.Stop()

	mo := tui.Options{Next: feed.Next, Interval: f.interval, Window: f.window, Source: describeOrigin(o), Analyze: opts}
	if o.Len() >= 0 {
		mo.Replay, mo.Speed, mo.Total, mo.Interval = true, f.speed, o.Len(), o.Interval()
	}
	p := tea.NewProgram(tui.New(mo), tea.WithContext(ctx), tea.WithFPS(f.fps))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return err
	}
	return nil
}
