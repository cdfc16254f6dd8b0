package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	benchcopy "github.com/netvet/netvet/bench/copy"
)

func newBenchCopyCmd() *cobra.Command {
	var (
		size, chunk         string
		methods, transports string
		format              string
		cfg                 = benchcopy.DefaultConfig()
		pinSender, pinSink  int
		progressOff, progOn bool
	)
	c := &cobra.Command{
		Use:   "copy",
		Short: "read+write vs mmap+write vs sendfile vs splice vs tee",
		Long: `Send a file into a socket or pipe by each syscall path and measure throughput,
CPU per GB on the sending and receiving side, and syscalls per GB, each relative to
read+write. The receiver is a separate process (netvet re-executed) that checksums
every byte, so a path that corrupts data fails instead of looking fast.

Methods: read-write, mmap-write, sendfile, splice, tee (two receivers), msg-zerocopy
(TCP only), io-copy (Go's io.Copy, for reference).
Transports: tcp (loopback), veth (TCP between two network namespaces joined by a
veth pair, made and removed by the benchmark; needs root), unix (socketpair), pipe.`,
		Example: `  netvet bench copy
  netvet bench copy --size 256M --repeat 3 --transports tcp,unix
  netvet bench copy --cold --pin-sender 0 --pin-sink 1 --format json > copy.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.Size, err = benchcopy.ParseSize(size); err != nil {
				return fmt.Errorf("--size: %w", err)
			}
			ch, err := benchcopy.ParseSize(chunk)
			if err != nil {
				return fmt.Errorf("--chunk: %w", err)
			}
			if ch > 1<<30 {
				return fmt.Errorf("--chunk %s: at most 1GiB", chunk)
			}
			cfg.Chunk = int(ch)
			if cfg.Methods, err = benchcopy.ParseMethods(methods); err != nil {
				return fmt.Errorf("--methods: %w", err)
			}
			if cfg.Transports, err = benchcopy.ParseTransports(transports); err != nil {
				return fmt.Errorf("--transports: %w", err)
			}
			if format != "table" && format != "json" {
				return fmt.Errorf("--format %q: want table or json", format)
			}
			cfg.PinSender, cfg.PinSink = pinSender, pinSink
			if progOn || (!progressOff && isTerminal(os.Stderr)) {
				cfg.Progress = progressLine(cmd.ErrOrStderr(), "")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return benchCopy(ctx, cfg, format, cmd.OutOrStdout())
		},
	}
	f := c.Flags()
	f.StringVar(&cfg.File, "file", "", "send this file instead of making one (it is read, never written)")
	f.StringVar(&cfg.Dir, "dir", "", "directory for the file the benchmark makes and removes (default $TMPDIR or /tmp)")
	f.StringVar(&size, "size", "1GiB", "size of the made file (k, M, G: powers of 1024; kB, MB, GB: of 1000)")
	f.StringVar(&chunk, "chunk", "128KiB", "bytes per read/write/sendfile/splice call; also the pipe size")
	f.IntVar(&cfg.Repeat, "repeat", cfg.Repeat, "runs per method and transport (median and range reported)")
	f.BoolVar(&cfg.Cold, "cold", false, "drop the file's pages from the page cache before each run")
	f.IntVar(&pinSender, "pin-sender", -1, "pin the sending thread to this CPU")
	f.IntVar(&pinSink, "pin-sink", -1, "pin the receiving process to this CPU")
	f.StringVar(&methods, "methods", "all", "comma-separated methods, or all")
	f.StringVar(&transports, "transports", "all", "comma-separated transports, or all")
	f.StringVar(&format, "format", "table", "output: table or json (schema "+benchcopy.Schema+")")
	f.BoolVar(&progressOff, "no-progress", false, "no progress bar even on a terminal")
	f.BoolVar(&progOn, "progress", false, "progress bar even when stderr is not a terminal")
	c.MarkFlagsMutuallyExclusive("file", "size")
	c.MarkFlagsMutuallyExclusive("file", "dir")
	c.MarkFlagsMutuallyExclusive("progress", "no-progress")
	return c
}

// benchCopy runs the benchmark and writes the report. It fails (exit 1)
// when any run failed, after writing everything that was measured.
func benchCopy(ctx context.Context, cfg benchcopy.Config, format string, w io.Writer) error {
	rep, err := benchcopy.Measure(ctx, cfg)
	if rep == nil {
		return err
	}
	var werr error
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		werr = enc.Encode(rep)
	} else {
		werr = benchcopy.WriteTable(w, rep)
	}
	if err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	failed := 0
	for _, r := range rep.Results {
		for _, run := range r.Runs {
			if run.Error != "" {
				failed++
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d run(s) failed; see the notes", failed)
	}
	return nil
}
