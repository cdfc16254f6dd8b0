package main

import (
	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "netvet",
		Short: "Find what is wrong with a Linux host's network stack, and what to change",
		Long: `netvet samples a Linux host's network stack (interrupts, softirqs, softnet,
NIC and ring counters, accept and SYN queues, bonding, RSS/RPS/RFS/XPS and IRQ
affinity, NUMA layout, sysctls), turns the samples into findings with evidence
and exact recommendations, and measures the alternatives.

Every command that reads a host also takes --root DIR: a recording made by
'netvet record', a single snapshot folder, or a sosreport folder.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newCheckCmd(),
		newTopCmd(),
		newRecordCmd(),
		newReportCmd(),
		newBenchCmd(),
		newServeCmd(),
		newRulesCmd(),
		newPlanCmd(),
		newApplyCmd(),
		newSnapshotCmd(),
		newVersionCmd(),
	)
	return root
}
