package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/netvet/netvet/bench/accept"
)

func newBenchAcceptCmd() *cobra.Command {
	cfg := accept.DefaultConfig(runtime.NumCPU())
	var models, modes, format, target string
	var listen int
	c := &cobra.Command{
		Use:   "accept",
		Short: "Accept models vs SO_REUSEPORT (plain, cBPF, eBPF), fairness and churn",
		Long: `Benchmark how connections get from the kernel to worker threads.

Models (--models, comma-separated, default all):
  acceptor-handoff        one thread accepts, hands connections to workers round robin
  shared-accept           every worker blocks in accept(2) on one socket, serves to completion
  shared-epoll            every worker's epoll holds the one socket (no EPOLLEXCLUSIVE)
  shared-epoll-exclusive  the same with EPOLLEXCLUSIVE
  reuseport               one SO_REUSEPORT socket per worker (kernel hash)
  reuseport-cbpf-cpu      SO_ATTACH_REUSEPORT_CBPF: the socket of the receiving CPU; workers pinned
  reuseport-ebpf          SK_REUSEPORT program + REUSEPORT_SOCKARRAY by flow hash; restarts keep slots
  reuseport-migrate       reuseport with net.ipv4.tcp_migrate_req=1

Workers are OS threads using raw syscalls; the load generator is a separate
process. As root each run gets a network namespace of its own (created and
removed by the bench), so the host's sysctls are never touched; otherwise it
runs on the host's loopback and skips what needs root.

--churn restarts one worker at that period during the window and counts
what clients see fail. --listen serves one model for an outside generator
(wrk); --target drives an outside server with the built-in generator.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if cfg.Models, err = accept.ParseModels(models); err != nil {
				return usageErr(fmt.Errorf("--models: %w", err))
			}
			if cfg.Modes, err = accept.ParseModes(modes); err != nil {
				return usageErr(fmt.Errorf("--mode: %w", err))
			}
			if format != "table" && format != "json" {
				return usageErr(fmt.Errorf("--format: %q is not table or json", format))
			}
			if cmd.Flags().Changed("listen") && target != "" {
				return usageErr(fmt.Errorf("--listen and --target exclude each other"))
			}
			if err := cfg.Validate(); err != nil {
				return usageErr(err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			out := cmd.OutOrStdout()
			switch {
			case cmd.Flags().Changed("listen"):
				return serveOnly(ctx, cmd, cfg, listen)
			case target != "":
				ap, err := netip.ParseAddrPort(target)
				if err != nil {
					return usageErr(fmt.Errorf("--target: %w", err))
				}
				m, err := accept.Drive(ctx, cfg, ap)
				if err != nil {
					return err
				}
				return writeDrive(out, format, cfg, ap, m)
			}
			var progress func(accept.Progress)
			clear := func() {}
			if isTerminal(os.Stderr) {
				progress, clear = accept.ProgressBar(os.Stderr)
			}
			rep, err := accept.Run(ctx, cfg, progress)
			clear()
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			return accept.WriteTable(out, rep)
		},
	}
	f := c.Flags()
	f.StringVar(&models, "models", "all", "models to run, comma-separated, or all")
	f.StringVar(&modes, "mode", "both", "close (one request per connection: conn/s), keepalive (req/s), or both")
	f.IntVar(&cfg.Workers, "workers", cfg.Workers, "server worker threads")
	f.IntVar(&cfg.Conns, "conns", cfg.Conns, "concurrent client connections (the cap on them with --rate)")
	f.IntVar(&cfg.ClientThreads, "client-threads", cfg.ClientThreads, "load generator threads")
	f.DurationVar(&cfg.Duration, "duration", cfg.Duration, "measured window per run")
	f.DurationVar(&cfg.Warmup, "warmup", cfg.Warmup, "unmeasured time before the window")
	f.Float64Var(&cfg.Rate, "rate", 0, "open loop: requests per second (latency from the intended send time); 0 = closed loop")
	f.DurationVar(&cfg.Churn, "churn", 0, "restart one worker at this period during the window (e.g. 2s); 0 = never")
	f.IntVar(&cfg.RequestsPerConn, "requests-per-conn", cfg.RequestsPerConn, "keepalive mode: requests before the client closes")
	f.IntVar(&cfg.Backlog, "backlog", cfg.Backlog, "listen(2) backlog (capped by net.core.somaxconn)")
	f.IntVar(&cfg.AcceptBatch, "accept-batch", cfg.AcceptBatch, "epoll models: accept(2) calls per wakeup, at most")
	f.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, "client timeout per connection (close) or request (keepalive)")
	f.IntVar(&cfg.Repeat, "repeat", cfg.Repeat, "runs per model and mode; the median is reported with the range")
	f.BoolVar(&cfg.NoNetns, "no-netns", false, "run on the host's loopback even as root")
	f.StringVarP(&format, "format", "o", "table", "output: table or json")
	f.IntVar(&listen, "listen", 0, "only serve the one --models model on 127.0.0.1:PORT of the current namespace until interrupted")
	f.StringVar(&target, "target", "", "only run the generator against IP:PORT (first --mode) and print its figures")
	return c
}

// usageErr is a bad command line: exit 2, as with cobra's own flag errors.
func usageErr(err error) error { return &exitError{code: 2, err: err} }

// serveOnly runs --listen until interrupted.
func serveOnly(ctx context.Context, cmd *cobra.Command, cfg accept.Config, port int) error {
	if len(cfg.Models) != 1 {
		return usageErr(fmt.Errorf("--listen serves one model: name it with --models"))
	}
	if port < 1 || port > 65535 {
		return usageErr(fmt.Errorf("--listen: port %d is out of range 1..65535", port))
	}
	m := cfg.Models[0]
	return accept.Serve(ctx, cfg, m, port, func(a netip.AddrPort) {
		fmt.Fprintf(cmd.ErrOrStderr(), "serving %s on %s, %d worker thread(s); interrupt to stop\n", m, a, cfg.Workers)
	})
}

func writeDrive(w io.Writer, format string, cfg accept.Config, addr netip.AddrPort, m accept.Measurement) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Schema string             `json:"schema"`
			Target string             `json:"target"`
			Mode   accept.Mode        `json:"mode"`
			Run    accept.Measurement `json:"run"`
		}{accept.Schema, addr.String(), cfg.Modes[0], m})
	}
	fmt.Fprintf(w, "target %s, mode %s: %.0f %s, p50 %.0fµs p99 %.0fµs p99.9 %.0fµs, failed %d, generator %.1f µs CPU per response\n",
		addr, cfg.Modes[0], float64(m.Rate), unitOf(cfg.Modes[0]), float64(m.Latency.P50), float64(m.Latency.P99),
		float64(m.Latency.P999), m.Errors.Total(), float64(m.ClientCPUPerReq))
	return nil
}

func unitOf(m accept.Mode) string {
	if m == accept.Close {
		return "conn/s"
	}
	return "req/s"
}
