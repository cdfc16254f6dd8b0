package main

import "github.com/spf13/cobra"

func newRulesCmd() *cobra.Command {
	return notBuilt("rules", "Print the analyzer's rules as Prometheus alerting rules", 8)
}
