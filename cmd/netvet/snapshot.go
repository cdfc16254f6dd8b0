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

	"github.com/netvet/netvet/collect"
)

func newSnapshotCmd() *cobra.Command {
	var root, format string
	c := &cobra.Command{
		Use:   "snapshot",
		Short: "Print the parsed snapshot of this host or of --root",
		Long: `Print everything netvet reads, parsed: the live host now (counters are totals
since boot), or with --root the last snapshot of a recording (replayed from the
start so carried configuration is right), a snapshot folder or a sosreport.

--format table is for people; --format json is the complete Snapshot.`,
		Example: `  netvet snapshot
  netvet snapshot --root /tmp/rec --format json | jq .Softnet`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "table", "json"); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			snap, o, err := lastSnapshot(ctx, root)
			if err != nil {
				return err
			}
			return printSnapshot(cmd.OutOrStdout(), snap, o, format)
		},
	}
	c.Flags().StringVar(&root, "root", "", "read a recording, snapshot or sosreport folder instead of this host")
	c.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return c
}

// lastSnapshot reads the live host once, or replays a folder to its end.
func lastSnapshot(ctx context.Context, root string) (*collect.Snapshot, collect.Origin, error) {
	o, err := openOrigin(root)
	if err != nil {
		return nil, nil, err
	}
	defer o.Close()
	snaps, err := sample(ctx, o, sampleOpts{}, nil)
	if err != nil {
		return nil, o, err
	}
	return snaps[len(snaps)-1], o, nil
}

func printSnapshot(w io.Writer, s *collect.Snapshot, o collect.Origin, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	return snapshotTable(w, s, describeOrigin(o))
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return fmt.Errorf("--format %q: want one of %v", format, allowed)
}
