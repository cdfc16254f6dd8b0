package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/export"
)

type serveFlags struct {
	listen, root, interrupts, ethtoolStats, bandwidth string
	foldCPUs                                          bool
	window, interval, configEvery, timeout, rtt       time.Duration
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	c := &cobra.Command{
		Use:   "serve",
		Short: "Prometheus /metrics endpoint of the same collectors and findings",
		Long: `Serve this host's network-stack counters and the analyzer's findings to
Prometheus. Every scrape of /metrics reads a fresh snapshot (scrapes that
arrive together share one); counters are exported as counters and rates are
left to PromQL. A background sampler keeps a rolling --window of snapshots,
one every --interval, and exports the analyzer's findings over it as
netvet_finding{id,severity,subject}.

It listens on loopback unless --listen says otherwise: the series name the
host's interfaces, addresses and listening ports.

With --root DIR it exports the last snapshot of a recording (or a snapshot
or sosreport folder) and the findings over the whole of it: for demos,
dashboards and tests. 'netvet rules' prints alerting rules for these series.`,
		Example: `  netvet serve
  netvet serve --listen 0.0.0.0:9321 --fold-cpus
  netvet serve --root /tmp/incident --listen 127.0.0.1:0`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, cmd.ErrOrStderr(), f, nil)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:9321", "address to listen on (any other than loopback shows the host's interfaces, addresses and ports to the network)")
	fl.StringVar(&f.root, "root", "", "export a recording's last snapshot (or a snapshot or sosreport folder) instead of this host")
	fl.BoolVar(&f.foldCPUs, "fold-cpus", false, "sum per-CPU series (softnet, softirqs, interrupts) over the CPUs")
	fl.StringVar(&f.interrupts, "interrupts", string(export.IRQNIC), "proc/interrupts lines to export: nic (queue vectors), all, or none")
	fl.StringVar(&f.ethtoolStats, "ethtool-stats", "", "regular expression of ethtool -S statistics to export (default: those the rules use)")
	fl.DurationVar(&f.window, "window", 5*time.Minute, "length of the analyzer's rolling window")
	fl.DurationVar(&f.interval, "interval", 15*time.Second, "time between the analyzer's snapshots")
	fl.DurationVar(&f.configEvery, "config-every", collect.DefaultConfigEvery, "how often to re-read configuration (IRQ affinity, queues, sysctls)")
	fl.DurationVar(&f.timeout, "scrape-timeout", export.DefaultScrapeTimeout, "longest a scrape may take")
	fl.StringVar(&f.bandwidth, "bandwidth", "", "path bandwidth for the analyzer's buffer sizing, e.g. 10Gbit")
	fl.DurationVar(&f.rtt, "rtt", 0, fmt.Sprintf("path round-trip time for buffer sizing (default: %s)", analyze.DefaultRTT))
	return c
}

// serveSetup is what serve built from its flags, before listening.
type serveSetup struct {
	exporter *export.Exporter
	analyzer *export.Analyzer
	run      func(ctx context.Context) // the background sampler; nil for --root
	source   string
	closers  []collect.Origin // live origins to close at the end (their ethtool sockets)
}

func setupServe(ctx context.Context, f serveFlags) (*serveSetup, error) {
	scope, err := export.ParseIRQScope(f.interrupts)
	if err != nil {
		return nil, fmt.Errorf("--interrupts: %w", err)
	}
	opts := export.Options{FoldCPUs: f.foldCPUs, Interrupts: scope, Version: version, ScrapeTimeout: f.timeout, ConfigEvery: f.configEvery}
	if f.ethtoolStats != "" {
		if opts.EthtoolStats, err = regexp.Compile(f.ethtoolStats); err != nil {
			return nil, fmt.Errorf("--ethtool-stats: %w", err)
		}
	}
	aopts := analyze.Options{RTT: f.rtt}
	if f.bandwidth != "" {
		if aopts.Bandwidth, err = parseBandwidth(f.bandwidth); err != nil {
			return nil, err
		}
	}
	if f.window <= 0 || f.interval <= 0 || f.interval > f.window || f.timeout <= 0 || f.rtt < 0 {
		return nil, fmt.Errorf("want 0 < --interval ≤ --window, --scrape-timeout > 0 and --rtt ≥ 0 (got %s, %s, %s, %s)", f.interval, f.window, f.timeout, f.rtt)
	}
	if f.root != "" {
		return setupServeRoot(ctx, f, opts, aopts)
	}
	// Scrapes and the sampler read the host each through an origin of
	// their own: neither waits for the other.
	an := export.NewAnalyzer(f.window, 0, aopts)
	scrapes, samples := collect.NewLive(collect.LiveOptions{}), collect.NewLive(collect.LiveOptions{})
	sampler := &collect.Sampler{Origin: samples, Interval: f.interval, ConfigEvery: f.configEvery}
	return &serveSetup{
		exporter: export.NewLive(scrapes, opts, an),
		analyzer: an,
		run:      func(ctx context.Context) { _ = an.Run(ctx, sampler) },
		source:   describeOrigin(samples),
		closers:  []collect.Origin{scrapes, samples},
	}, nil
}

// setupServeRoot reads the whole folder once: the findings are over all of
// it (as check does), and scrapes export its last snapshot.
func setupServeRoot(ctx context.Context, f serveFlags, opts export.Options, aopts analyze.Options) (*serveSetup, error) {
	o, err := openOrigin(f.root)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	an := export.NewAnalyzer(time.Duration(math.MaxInt64), o.Interval(), aopts)
	if err := an.Run(ctx, &collect.Sampler{Origin: o}); err != nil {
		return nil, err
	}
	last := an.Last()
	if last == nil {
		return nil, fmt.Errorf("no snapshot could be read from %s", describeOrigin(o))
	}
	return &serveSetup{exporter: export.NewFixed(last, opts, an), analyzer: an, source: describeOrigin(o)}, nil
}

// runServe serves until ctx is done, then shuts down gracefully. ready,
// when not nil, is called with the address once listening (tests use :0).
func runServe(ctx context.Context, stderr io.Writer, f serveFlags, ready func(addr string)) error {
	st, err := setupServe(ctx, f)
	if err != nil {
		return err
	}
	defer func() {
		for _, o := range st.closers {
			o.Close()
		}
	}()
	reg := prometheus.NewRegistry()
	reg.MustRegister(st.exporter,
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewGoCollector())
	logger := log.New(stderr, "netvet serve: ", 0)
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	if !addr.IP.IsLoopback() {
		logger.Printf("listening on %s, beyond loopback: anyone who reaches it sees this host's interfaces, addresses and ports", addr)
	}
	logger.Printf("serving %s on http://%s/metrics", st.source, addr)
	srv := &http.Server{
		Handler: export.NewHandler(reg, st.analyzer, export.HandlerOptions{
			Timeout: f.timeout, Source: st.source, Version: version, ErrorLog: logger,
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      f.timeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          logger,
	}
	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	done := make(chan struct{})
	if st.run != nil {
		go func() { defer close(done); st.run(bg) }()
	} else {
		close(done)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	if ready != nil {
		ready(addr.String())
	}
	select {
	case err := <-serveErr:
		stopBG()
		<-done
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Let scrapes in progress finish, then stop the sampler.
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	stopBG()
	<-done
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	logger.Printf("stopped")
	return nil
}
