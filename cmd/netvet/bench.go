package main

import "github.com/spf13/cobra"

func newBenchCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "bench",
		Short: "Measure data-path and accept-model alternatives",
		Args:  cobra.NoArgs, // "netvet bench nonesuch" is an error, not silent help
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	c.AddCommand(newBenchCopyCmd(), newBenchAcceptCmd())
	return c
}
