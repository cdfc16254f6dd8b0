package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// notBuilt is a command whose implementation belongs to an open issue. It
// says so and exits 3 (UNKNOWN) rather than pretending to work.
func notBuilt(use, short string, issue int) *cobra.Command {
	return &cobra.Command{
		Use:                use,
		Short:              short + " (not built yet)",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return &exitError{code: 3, err: fmt.Errorf("%s: not built yet (tracked in issue #%d)", cmd.CommandPath(), issue)}
		},
	}
}
