// Command netvet tells an operator what is wrong with a Linux host's network
// stack, what to change, and proves it with measurements. See README.md.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/netvet/netvet/bench"
	"github.com/netvet/netvet/bench/accept"
)

func main() {
	// A re-executed netvet may be a benchmark's helper process (load
	// generator, sink): that must be decided before any command runs.
	bench.RunRole(map[string]bench.Role{
		accept.LoadRole: accept.RunLoad,
	})
	os.Exit(run(os.Args[1:]))
}

// run executes the command line and returns the process exit code.
func run(args []string) int {
	root := newRootCmd()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(os.Stderr, "netvet: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(os.Stderr, "netvet: %v\n", err)
	return 1
}

// exitError carries a specific exit code out of a command (check uses the
// monitoring-plugin codes 0-3). A nil err exits quietly with the code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }
