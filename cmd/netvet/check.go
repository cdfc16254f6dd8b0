package main

import "github.com/spf13/cobra"

func newCheckCmd() *cobra.Command {
	return notBuilt("check", "Sample the host and print findings with evidence and recommendations", 3)
}
