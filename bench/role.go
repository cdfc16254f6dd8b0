package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
)

// RoleEnv names the environment variable that turns a re-executed netvet (or
// test binary) into a helper process: a copy sink, a load generator. Running
// those in their own process accounts their CPU separately (getrusage of the
// child) and keeps Go's scheduler of one side out of the other's numbers.
const RoleEnv = "NETVET_ROLE"

// Role is the entry point of a helper process; it returns the exit code.
type Role func(args []string) int

// RunRole runs the role named in RoleEnv, if any, and exits the process with
// its code; it returns only when the variable is unset. Call it first thing
// in main and in TestMain of packages that spawn roles.
func RunRole(roles map[string]Role) {
	name := os.Getenv(RoleEnv)
	if name == "" {
		return
	}
	r, ok := roles[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "netvet: unknown helper role %q\n", name)
		os.Exit(3)
	}
	os.Exit(r(os.Args[1:]))
}

// Spawn re-executes the running binary as role with args. extra files are
// passed as fd 3, 4, …; stdout and stderr go to the parent's stderr unless
// the caller sets them on the returned, not yet started, command.
func Spawn(ctx context.Context, role string, args []string, extra ...*os.File) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find own binary to spawn %s: %w", role, err)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), RoleEnv+"="+role)
	cmd.ExtraFiles = extra
	cmd.Stderr = os.Stderr
	return cmd, nil
}
