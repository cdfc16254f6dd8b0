package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

type checkFlags struct {
	root, format, minSeverity, only, bandwidth string
	rtt                                        time.Duration
	list                                       bool
	sample                                     sampleOpts
}

func newCheckCmd() *cobra.Command {
	var f checkFlags
	c := &cobra.Command{
		Use:   "check",
		Short: "Sample the host and print findings with evidence and recommendations",
		Long: `Sample this host for --duration (one snapshot every --interval), or read a
recording, snapshot or sosreport with --root, and print what is wrong with its
network stack: each finding with the numbers it used and the commands to fix it.

From a single snapshot (a snapshot folder, a sosreport, --duration 0) counters
are totals since boot: such findings say so and are never critical.

Exit codes follow monitoring plugins: 0 OK, 1 warning, 2 critical, 3 unknown.`,
		Example: `  netvet check
  netvet check --duration 60s --format json
  netvet check --root /tmp/incident --min-severity warning
  netvet check --bandwidth 10Gbit --rtt 20ms --only tcp.buffer_limit`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.list {
				return printCatalog(cmd.OutOrStdout())
			}
			code, err := runCheck(cmd.Context(), cmd.OutOrStdout(), f)
			if err != nil {
				return &exitError{code: 3, err: err}
			}
			if code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.root, "root", "", "read a recording, snapshot or sosreport folder instead of this host")
	fl.DurationVar(&f.sample.duration, "duration", 5*time.Second, "how long to sample the live host (0: one snapshot, totals since boot)")
	fl.DurationVar(&f.sample.interval, "interval", time.Second, "time between live snapshots")
	fl.StringVar(&f.format, "format", "table", "output: table, json or markdown")
	fl.StringVar(&f.minSeverity, "min-severity", "info", "show findings at least this severe: info, warning, critical")
	fl.StringVar(&f.only, "only", "", "comma-separated finding IDs to look for (see --list)")
	fl.StringVar(&f.bandwidth, "bandwidth", "", "path bandwidth for buffer sizing, e.g. 10Gbit, 400Mbit (default: fastest link speed)")
	fl.DurationVar(&f.rtt, "rtt", 0, fmt.Sprintf("path round-trip time for buffer sizing (default: %s, stated in the finding)", analyze.DefaultRTT))
	fl.BoolVar(&f.list, "list", false, "list every finding ID and its condition, then exit")
	return c
}

// checkResult is everything the output formats show.
type checkResult struct {
	origin collect.Origin
	window *analyze.Window
	res    analyze.Result
	shown  []analyze.Finding
	last   *collect.Snapshot
}

func runCheck(ctx context.Context, w io.Writer, f checkFlags) (int, error) {
	if err := checkFormat(f.format, "table", "json", "markdown"); err != nil {
		return 0, err
	}
	minSev, err := analyze.ParseSeverity(f.minSeverity)
	if err != nil {
		return 0, fmt.Errorf("--min-severity: %w", err)
	}
	opts := analyze.Options{RTT: f.rtt}
	if f.only != "" {
		for _, id := range strings.Split(f.only, ",") {
			if id = strings.TrimSpace(id); id != "" {
				opts.Only = append(opts.Only, id)
			}
		}
		if err := analyze.ValidateIDs(opts.Only); err != nil {
			return 0, err
		}
	}
	if f.bandwidth != "" {
		if opts.Bandwidth, err = parseBandwidth(f.bandwidth); err != nil {
			return 0, err
		}
	}
	if f.rtt < 0 {
		return 0, fmt.Errorf("--rtt %s: must be positive", f.rtt)
	}
	if f.root == "" && (f.sample.interval <= 0 || f.sample.duration < 0) {
		return 0, fmt.Errorf("--interval must be > 0 and --duration ≥ 0 (got %s, %s)", f.sample.interval, f.sample.duration)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	o, err := openOrigin(f.root)
	if err != nil {
		return 0, err
	}
	defer o.Close()
	f.sample.progress = progressBar(os.Stderr, "sampling")
	snaps, err := sample(ctx, o, f.sample, nil)
	if err != nil {
		return 0, err
	}
	win := analyze.NewWindow(snaps, o.Interval())
	r := checkResult{origin: o, window: win, res: analyze.Analyze(win, opts), last: win.Last()}
	for _, fd := range r.res.Findings {
		if fd.Severity >= minSev {
			r.shown = append(r.shown, fd)
		}
	}
	switch f.format {
	case "json":
		err = writeCheckJSON(w, r)
	case "markdown":
		err = writeCheckMarkdown(w, r)
	default:
		err = writeCheckTable(w, r)
	}
	if err != nil {
		return 0, err
	}
	return exitCode(r.shown), nil
}

// exitCode is the monitoring-plugin code of the shown findings.
func exitCode(fs []analyze.Finding) int {
	code := 0
	for _, f := range fs {
		switch f.Severity {
		case analyze.Critical:
			return 2
		case analyze.Warning:
			code = 1
		}
	}
	return code
}

// parseBandwidth reads "10Gbit", "10G", "400Mbit/s", "1e9", "100M" as bit/s.
func parseBandwidth(s string) (float64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "/s"), "ps")
	t = strings.TrimSuffix(strings.TrimSuffix(t, "bit"), "b")
	i := strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) && r != 'e' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], t[i:]
	}
	v, err := strconv.ParseFloat(num, 64)
	mult := map[string]float64{"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}[unit]
	if err != nil || mult == 0 || v <= 0 {
		return 0, fmt.Errorf("--bandwidth %q: want a rate like 10Gbit, 400Mbit or 1e9", s)
	}
	return v * mult, nil
}

func printCatalog(w io.Writer) error {
	var rows [][]string
	for _, c := range analyze.Catalog() {
		rows = append(rows, []string{c.ID, c.When})
	}
	return writeTable(w, "", []string{"finding", "when"}, rows)
}
