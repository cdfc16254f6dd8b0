package main

import "github.com/spf13/cobra"

func newApplyCmd() *cobra.Command {
	return notBuilt("apply", "Apply the plan with a rollback file", 9)
}
