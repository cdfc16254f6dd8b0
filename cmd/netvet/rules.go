package main

import (
	"github.com/spf13/cobra"

	"github.com/netvet/netvet/export"
)

func newRulesCmd() *cobra.Command {
	o := export.DefaultRuleOptions()
	c := &cobra.Command{
		Use:   "rules",
		Short: "Print the analyzer's rules as Prometheus alerting rules",
		Long: `Print Prometheus alerting rules (YAML) equivalent to the analyzer's rate
rules, over the series of 'netvet serve', with the analyzer's thresholds and
gates: softnet drops and squeeze, listen overflows and full accept queues,
SYN queue drops, RX ring overruns, damaged frames, transmit drops, UDP
receive-buffer errors, bond slaves down and LACP problems, and more. Alerts
are named after the finding IDs (softnet.drops: NetvetSoftnetDrops) and
labelled severity, id and subject like netvet_finding; the annotations say
what to do.

Counts are taken over --window (as the analyzer's window in serve); "rose in
two consecutive intervals" is two consecutive --step ranges, and a step must
hold at least two scrapes (--step ≥ 2 × scrape interval). The analyzer's
other findings (IRQ affinity, RSS, steering, buffer sizing) are forwarded
from netvet_finding by one rule, NetvetFinding.`,
		Example: `  netvet rules > /etc/prometheus/rules/netvet.yml
  promtool check rules /etc/prometheus/rules/netvet.yml
  netvet rules --window 10m --step 2m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Version = version
			f, err := export.Rules(o)
			if err != nil {
				return err
			}
			b, err := f.Marshal(o)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
	c.Flags().DurationVar(&o.Window, "window", o.Window, "span over which counts are compared with the gates")
	c.Flags().DurationVar(&o.Step, "step", o.Step, "interval for \"rose in two consecutive intervals\" (≥ 2 × scrape interval)")
	return c
}
