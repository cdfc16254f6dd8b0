package main

import "github.com/spf13/cobra"

func newBenchAcceptCmd() *cobra.Command {
	return notBuilt("accept", "Accept models vs SO_REUSEPORT (plain, cBPF, eBPF), fairness and churn", 5)
}
