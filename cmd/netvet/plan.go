package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/tune"
)

// planSource is what plan and apply analyze: the live host or --root, for
// the findings --only names.
type planSource struct {
	root, only string
	sample     sampleOpts
}

func (f *planSource) flags(c *cobra.Command, withRoot bool) {
	fl := c.Flags()
	if withRoot {
		fl.StringVar(&f.root, "root", "", "plan from a recording, snapshot or sosreport folder instead of this host")
	}
	fl.StringVar(&f.only, "only", "", "comma-separated finding IDs to plan for (netvet check --list shows them)")
	fl.DurationVar(&f.sample.duration, "duration", 5*time.Second, "how long to sample the live host (0: one snapshot, totals since boot)")
	fl.DurationVar(&f.sample.interval, "interval", time.Second, "time between live snapshots")
}

// plan samples and analyzes the source and turns the findings into a plan.
func (f *planSource) plan(ctx context.Context) (*tune.Plan, error) {
	var opts analyze.Options
	for _, id := range strings.Split(f.only, ",") {
		if id = strings.TrimSpace(id); id != "" {
			opts.Only = append(opts.Only, id)
		}
	}
	if err := analyze.ValidateIDs(opts.Only); err != nil {
		return nil, fmt.Errorf("--only: %w", err)
	}
	if f.root == "" && (f.sample.interval <= 0 || f.sample.duration < 0) {
		return nil, fmt.Errorf("--interval must be > 0 and --duration ≥ 0 (got %s, %s)", f.sample.interval, f.sample.duration)
	}
	o, err := openOrigin(f.root)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	f.sample.progress = progressBar(os.Stderr, "sampling")
	snaps, err := sample(ctx, o, f.sample, nil)
	if err != nil {
		return nil, err
	}
	w := analyze.NewWindow(snaps, o.Interval())
	res := analyze.Analyze(w, opts)
	return tune.New(tune.MetaOf(w.Last(), describeOrigin(o)), res.Findings), nil
}

func newPlanCmd() *cobra.Command {
	var src planSource
	var format string
	c := &cobra.Command{
		Use:   "plan",
		Short: "Print the recommendations as a reviewable shell script",
		Long: `Sample this host (or read --root), and print what netvet recommends changing as
a bash script to review, keep in version control and run: one block per
recommendation with its finding, evidence and risk as comments, then the steps
(sysctls, RPS/XPS masks and flow counts, IRQ affinity by vector name, ring
sizes, channels, offloads, txqueuelen).

Each step reads the current value first and writes only when it differs, then
reads it back, so the script can run twice. Run with --persist, the script also
writes a sysctl.d file, udev rules and a systemd unit (for IRQ affinity) so the
changes survive a reboot. Recommendations a program cannot carry out are listed
at the end for a person.

--format json is the same plan as data; 'netvet apply --plan FILE' applies it.`,
		Example: `  netvet plan > plan.sh && less plan.sh && sudo bash plan.sh
  netvet plan --only tcp.syncookies_off,tcp.listen_overflow
  netvet plan --root /tmp/incident --format json > plan.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "sh", "json"); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			p, err := src.plan(ctx)
			if err != nil {
				return err
			}
			return writePlan(cmd.OutOrStdout(), p, format)
		},
	}
	src.flags(c, true)
	c.Flags().StringVar(&format, "format", "sh", "output: sh (a bash script) or json")
	return c
}

func writePlan(w io.Writer, p *tune.Plan, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	return tune.WriteScript(w, p)
}
