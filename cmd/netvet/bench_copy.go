package main

import "github.com/spf13/cobra"

func newBenchCopyCmd() *cobra.Command {
	return notBuilt("copy", "read+write vs mmap+write vs sendfile vs splice vs tee", 4)
}
