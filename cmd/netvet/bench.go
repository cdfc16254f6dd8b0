package main

import "github.com/spf13/cobra"

func newBenchCmd() *cobra.Command {
	c := &cobra.Command{Use: "bench", Short: "Measure data-path and accept-model alternatives"}
	c.AddCommand(newBenchCopyCmd(), newBenchAcceptCmd())
	return c
}
