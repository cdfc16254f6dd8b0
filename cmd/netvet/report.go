package main

import "github.com/spf13/cobra"

func newReportCmd() *cobra.Command {
	return notBuilt("report", "Self-contained HTML/PDF report with plots", 7)
}
