package main

import "github.com/spf13/cobra"

func newTopCmd() *cobra.Command {
	return notBuilt("top", "Live terminal dashboard", 6)
}
