package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// notBuilt is a command whose implementation belongs to an open issue. It
// says so and exits 3 (UNKNOWN) rather than pretending to work.
func notBuilt(use, short string, issue int) *cobra.Command {
	return &cobra.Command{
		Use:                use,
		Short:              short + " (not built yet)",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return &exitError{code: 3, err: fmt.Errorf("%s: not built yet (tracked in issue #%d)", cmd.CommandPath(), issue)}
		},
	}
}

func newCheckCmd() *cobra.Command {
	return notBuilt("check", "Sample the host and print findings with evidence and recommendations", 3)
}

func newTopCmd() *cobra.Command {
	return notBuilt("top", "Live terminal dashboard", 6)
}

func newReportCmd() *cobra.Command {
	return notBuilt("report", "Self-contained HTML/PDF report with plots", 7)
}

func newBenchCmd() *cobra.Command {
	c := &cobra.Command{Use: "bench", Short: "Measure data-path and accept-model alternatives"}
	c.AddCommand(
		notBuilt("copy", "read+write vs mmap+write vs sendfile vs splice vs tee", 4),
		notBuilt("accept", "Accept models vs SO_REUSEPORT (plain, cBPF, eBPF), fairness and churn", 5),
	)
	return c
}

func newServeCmd() *cobra.Command {
	return notBuilt("serve", "Prometheus /metrics endpoint of the same collectors and findings", 8)
}

func newRulesCmd() *cobra.Command {
	return notBuilt("rules", "Print the analyzer's rules as Prometheus alerting rules", 8)
}

func newPlanCmd() *cobra.Command {
	return notBuilt("plan", "Print the recommendations as a reviewable shell script", 9)
}

func newApplyCmd() *cobra.Command {
	return notBuilt("apply", "Apply the plan with a rollback file", 9)
}

func newRecordCmd() *cobra.Command {
	return notBuilt("record", "Write a recording of this host", 2)
}

func newSnapshotCmd() *cobra.Command {
	return notBuilt("snapshot", "Print the parsed snapshot", 2)
}
