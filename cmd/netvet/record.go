package main

import "github.com/spf13/cobra"

func newRecordCmd() *cobra.Command {
	return notBuilt("record", "Write a recording of this host", 2)
}
