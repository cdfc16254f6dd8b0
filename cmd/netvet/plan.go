package main

import "github.com/spf13/cobra"

func newPlanCmd() *cobra.Command {
	return notBuilt("plan", "Print the recommendations as a reviewable shell script", 9)
}
