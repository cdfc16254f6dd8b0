package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/report"
)

type reportFlags struct {
	out, pdf, root, before, after, bench, chromium, bandwidth string
	rtt, pdfTimeout                                           time.Duration
	sample                                                    sampleOpts
}

func newReportCmd() *cobra.Command {
	var f reportFlags
	c := &cobra.Command{
		Use:   "report -o report.html [--pdf report.pdf]",
		Short: "Self-contained HTML/PDF report with plots",
		Long: `Write the document to attach to a ticket: one self-contained HTML page (inline
CSS and SVG plots, no script, nothing fetched) with a summary, the findings
with their evidence and commands, plots (interrupts per CPU and NIC queue,
softnet per CPU over time, NIC drops and ring overruns, accept-queue fill),
bonding slaves, the configuration next to what the findings recommend, every
rate, and benchmark results given with --bench.

Without --root it samples this host like 'netvet check' (--duration,
--interval). --pdf prints the same page to A4 with headless Chromium
(Debian: apt-get install chromium-headless-shell); without one, record here
and make the PDF elsewhere: netvet report --root DIR --pdf report.pdf.

--before A --after B compares two recordings of one host before and after a
change: which findings went away, which are new, how every rate moved, and
which settings differ.`,
		Example: `  netvet report -o report.html
  netvet report --root /tmp/incident -o incident.html --pdf incident.pdf
  netvet report --root /tmp/incident -o r.html --bench copy.json,accept.json
  netvet report --before /tmp/before --after /tmp/after -o proof.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runReport(ctx, cmd.ErrOrStderr(), f)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&f.out, "output", "o", "", "HTML file to write")
	fl.StringVar(&f.pdf, "pdf", "", "also print the report to this PDF file (needs Chromium)")
	fl.StringVar(&f.root, "root", "", "read a recording, snapshot or sosreport folder instead of this host")
	fl.StringVar(&f.before, "before", "", "recording (or snapshot) of the host before a change; needs --after")
	fl.StringVar(&f.after, "after", "", "recording (or snapshot) of the host after the change; needs --before")
	fl.StringVar(&f.bench, "bench", "", "comma-separated JSON files of 'netvet bench copy|accept --format json' to include")
	fl.DurationVar(&f.sample.duration, "duration", 5*time.Second, "how long to sample the live host (0: one snapshot, totals since boot)")
	fl.DurationVar(&f.sample.interval, "interval", time.Second, "time between live snapshots")
	fl.StringVar(&f.bandwidth, "bandwidth", "", "path bandwidth for buffer sizing, as for check (default: fastest link speed)")
	fl.DurationVar(&f.rtt, "rtt", 0, "path round-trip time for buffer sizing, as for check")
	fl.StringVar(&f.chromium, "chromium", "", "Chromium or Chrome binary for --pdf (default: chromium-headless-shell, then chromium)")
	fl.DurationVar(&f.pdfTimeout, "pdf-timeout", 2*time.Minute, "give up printing the PDF after this long")
	return c
}

func (f reportFlags) validate() error {
	switch {
	case f.out == "" && f.pdf == "":
		return errors.New("report: say where to write it: -o report.html and/or --pdf report.pdf")
	case (f.before == "") != (f.after == ""):
		return errors.New("report: --before and --after go together (two recordings of one host)")
	case f.before != "" && f.root != "":
		return errors.New("report: --root is for a single report; a comparison reads --before and --after")
	case f.before != "" && f.bench != "":
		return errors.New("report: --bench goes with a single report, not a comparison")
	case f.rtt < 0:
		return fmt.Errorf("--rtt %s: must be positive", f.rtt)
	case f.root == "" && f.before == "" && (f.sample.interval <= 0 || f.sample.duration < 0):
		return fmt.Errorf("--interval must be > 0 and --duration ≥ 0 (got %s, %s)", f.sample.interval, f.sample.duration)
	}
	return nil
}

func runReport(ctx context.Context, stderr io.Writer, f reportFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	opts := analyze.Options{RTT: f.rtt}
	if f.bandwidth != "" {
		bw, err := parseBandwidth(f.bandwidth)
		if err != nil {
			return err
		}
		opts.Bandwidth = bw
	}
	if f.pdf != "" {
		// Fail before sampling for seconds, not after.
		if _, err := report.FindChromium(f.chromium); err != nil {
			return err
		}
	}
	var bench report.Bench
	if f.bench != "" {
		var err error
		if bench, err = report.LoadBench(splitList(f.bench)); err != nil {
			return err
		}
	}
	generated := time.Now().UTC().Format(time.RFC3339)
	var page *report.Page
	if f.before != "" {
		b, err := buildReport(ctx, f.before, f.sample, opts, report.Bench{})
		if err != nil {
			return fmt.Errorf("--before %s: %w", f.before, err)
		}
		a, err := buildReport(ctx, f.after, f.sample, opts, report.Bench{})
		if err != nil {
			return fmt.Errorf("--after %s: %w", f.after, err)
		}
		page = report.NewComparePage(report.Compare(b, a), generated, version)
	} else {
		r, err := buildReport(ctx, f.root, f.sample, opts, bench)
		if err != nil {
			return err
		}
		page = report.NewPage(r, generated, version)
	}
	if f.out != "" {
		if err := report.WriteHTML(f.out, page); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", f.out)
	}
	if f.pdf == "" {
		return nil
	}
	// The PDF is printed from the same template with the folded tables
	// open (nothing unfolds them on paper), from a file of its own.
	tmp, err := os.MkdirTemp("", "netvet-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	printPage := *page
	printPage.Print = true
	html := filepath.Join(tmp, "report.html")
	if err := report.WriteHTML(html, &printPage); err != nil {
		return err
	}
	if err := report.WritePDF(ctx, f.chromium, html, f.pdf, f.pdfTimeout); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s\n", f.pdf)
	return nil
}

// buildReport reads root (the live host when "") and builds its report.
func buildReport(ctx context.Context, root string, so sampleOpts, opts analyze.Options, bench report.Bench) (*report.Report, error) {
	o, err := openOrigin(root)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	so.progress = progressBar(os.Stderr, "sampling")
	snaps, err := sample(ctx, o, so, nil)
	if err != nil {
		return nil, err
	}
	win := analyze.NewWindow(snaps, o.Interval())
	return report.Build(report.Input{
		Window:   win,
		Result:   analyze.Analyze(win, opts),
		Source:   describeOrigin(o),
		Interval: o.Interval(),
		Bench:    bench,
	})
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
