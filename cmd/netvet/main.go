// Command netvet tells an operator what is wrong with a Linux host's network
// stack, what to change, and proves it with measurements. See README.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/netvet/netvet/bench"
	"github.com/netvet/netvet/bench/accept"
	benchcopy "github.com/netvet/netvet/bench/copy"
)

func main() {
	// A re-executed netvet may be a benchmark's helper process (load
	// generator, sink): that must be decided before any command runs.
	bench.RunRole(roles())
	os.Exit(run(os.Args[1:]))
}

// roles are the hidden helper processes netvet re-executes itself as
// (bench.Spawn): they must be dispatched before any command runs.
func roles() map[string]bench.Role {
	return map[string]bench.Role{
		benchcopy.SinkRole: benchcopy.SinkMain,
		accept.LoadRole:    accept.RunLoad,
	}
}

// run executes the command line and returns the process exit code.
func run(args []string) int { return runWith(args, os.Stdout, os.Stderr) }

// runWith is run with explicit output streams (tests capture them).
func runWith(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "netvet: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "netvet: %v\n", err)
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
