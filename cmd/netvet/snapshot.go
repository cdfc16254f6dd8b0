package main

import "github.com/spf13/cobra"

func newSnapshotCmd() *cobra.Command {
	return notBuilt("snapshot", "Print the parsed snapshot", 2)
}
