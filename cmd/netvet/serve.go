package main

import "github.com/spf13/cobra"

func newServeCmd() *cobra.Command {
	return notBuilt("serve", "Prometheus /metrics endpoint of the same collectors and findings", 8)
}
