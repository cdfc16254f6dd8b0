package main

import (
	"os"
	"runtime/pprof"

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
	// --cpuprofile is for measuring netvet itself (record's 1%-of-a-core
	// budget, top's): hidden, since operators do not need it.
	var cpuprofile string
	var stopProfile func()
	root.PersistentFlags().StringVar(&cpuprofile, "cpuprofile", "", "write a Go CPU profile of this run to FILE")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if cpuprofile == "" {
			return nil
		}
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return err
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	root.PersistentPostRun = func(cmd *cobra.Command, args []string) {
		if stopProfile != nil {
			stopProfile()
		}
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
