package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/tune"
)

type applyFlags struct {
	src      planSource
	yes      bool
	planFile string
	rollback string
	stateDir string
}

func newApplyCmd() *cobra.Command {
	var f applyFlags
	c := &cobra.Command{
		Use:   "apply",
		Short: "Apply the plan, with a rollback file",
		Long: `Sample this host, make the plan 'netvet plan' shows (or read one saved with
'netvet plan --format json' from --plan), show each change with the value it
replaces, and ask before changing anything (unless --yes).

Before the first change the previous values are written to a rollback file
(atomically, in --state-dir). Settings are written directly — /proc/sys, sysfs
and /proc/irq files, ethtool ioctls — never through a shell, and each is read
back. If a step fails, the steps applied before it are set back and the error
names the step. 'netvet apply --rollback FILE' puts a rollback file's values
back.

The changes last until the next reboot; 'netvet plan' writes a script whose
--persist part keeps them. apply needs root.`,
		Example: `  sudo netvet apply
  sudo netvet apply --only tcp.syncookies_off --yes
  netvet plan --format json > plan.json; sudo netvet apply --plan plan.json
  sudo netvet apply --rollback /var/lib/netvet/rollback-20261122T100000Z.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if f.rollback != "" {
				return runRollback(ctx, cmd.OutOrStdout(), f.rollback)
			}
			return runApply(ctx, cmd.OutOrStdout(), cmd.InOrStdin(), f)
		},
	}
	f.src.flags(c, false)
	fl := c.Flags()
	fl.BoolVar(&f.yes, "yes", false, "apply without asking")
	fl.StringVar(&f.planFile, "plan", "", "apply this plan (netvet plan --format json) instead of sampling now")
	fl.StringVar(&f.rollback, "rollback", "", "put back the values saved in this rollback file, then exit")
	fl.StringVar(&f.stateDir, "state-dir", "/var/lib/netvet", "where to write the rollback file")
	c.MarkFlagsMutuallyExclusive("rollback", "plan")
	c.MarkFlagsMutuallyExclusive("rollback", "only")
	c.MarkFlagsMutuallyExclusive("plan", "only")
	return c
}

func runApply(ctx context.Context, w io.Writer, in io.Reader, f applyFlags) error {
	p, err := applyPlan(ctx, f)
	if err != nil {
		return err
	}
	steps := p.Steps()
	manual := 0
	for _, b := range p.Blocks {
		if b.Manual() {
			manual++
		}
	}
	if len(steps) == 0 {
		fmt.Fprintf(w, "netvet apply: nothing to change (%s).\n", manualText(manual))
		return nil
	}
	if os.Geteuid() != 0 {
		var cs []analyze.Change
		for _, s := range steps {
			cs = append(cs, s.Change)
		}
		return fmt.Errorf("apply needs root: the plan writes %s; nothing was changed (sudo netvet apply, or review it with netvet plan)", tune.NeedsRoot(cs))
	}
	t := &tune.Target{}
	defer t.Close()
	actions, err := tune.Prepare(ctx, t, steps)
	if err != nil {
		return err
	}
	todo := showActions(w, p, actions)
	fmt.Fprintf(w, "%s.\n", manualText(manual))
	if todo == 0 {
		fmt.Fprintln(w, "netvet apply: nothing to change: every setting already has its value.")
		return nil
	}
	if !f.yes {
		ok, err := confirm(w, in, todo)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(w, "netvet apply: nothing changed.")
			return nil
		}
	}
	path, err := rollbackPath(f.stateDir, time.Now())
	if err != nil {
		return err
	}
	res, err := tune.Apply(ctx, t, actions, path)
	for _, a := range res.Applied {
		fmt.Fprintf(w, "changed  %s: %s -> %s\n", settingName(a.Change), a.Previous, a.Change.Value)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "netvet apply: %d changed, %d already set. To undo: netvet apply --rollback %s\n", len(res.Applied), len(res.Unchanged), res.RollbackFile)
	fmt.Fprintln(w, "The changes last until the next reboot: the --persist part of `netvet plan`'s script keeps them.")
	return nil
}

// applyPlan is the saved plan of --plan, or a plan made now.
func applyPlan(ctx context.Context, f applyFlags) (*tune.Plan, error) {
	if f.planFile == "" {
		return f.src.plan(ctx)
	}
	p, err := tune.ReadPlan(f.planFile)
	if err != nil {
		return nil, err
	}
	if host, _ := os.Hostname(); p.Host != "" && p.Host != host {
		return nil, fmt.Errorf("--plan %s was made for host %q, this is %q: its values were computed for that host", f.planFile, p.Host, host)
	}
	return p, nil
}

func manualText(n int) string {
	switch n {
	case 0:
		return "no recommendation needs a person"
	case 1:
		return "1 recommendation needs a person: netvet plan lists it"
	}
	return strconv.Itoa(n) + " recommendations need a person: netvet plan lists them"
}

// showActions prints each step with the value it replaces, and returns
// how many will change.
func showActions(w io.Writer, p *tune.Plan, actions []tune.Action) int {
	var rows [][]string
	todo := 0
	for _, a := range actions {
		now := a.Previous + " -> " + a.Change.Value
		if a.Unchanged {
			now = a.Previous + " (already)"
		} else {
			todo++
		}
		b := p.Blocks[a.Block]
		rows = append(rows, []string{strconv.Itoa(a.N), settingName(a.Change), now, b.Finding + " " + b.Subject})
	}
	fmt.Fprintf(w, "netvet apply: %d of %d settings to change on %s (plan from %s)\n", todo, len(actions), hostName(p), p.Source)
	writeTable(w, "", []string{"step", "setting", "value", "for"}, rows)
	return todo
}

func hostName(p *tune.Plan) string {
	if p.Host == "" {
		return "this host"
	}
	return p.Host
}

// settingName is the setting a change writes, without its value.
func settingName(c analyze.Change) string {
	s := c.String()
	return s[:strings.LastIndex(s, " = ")]
}

// confirm asks on the terminal; it refuses to guess when stdin is not one.
func confirm(w io.Writer, in io.Reader, n int) (bool, error) {
	if f, ok := in.(*os.File); !ok || !isTerminal(f) {
		return false, errors.New("apply asks before changing anything, and stdin is not a terminal: review the plan (netvet plan), then run netvet apply --yes; nothing was changed")
	}
	fmt.Fprintf(w, "Apply these %d changes? [y/N] ", n)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// rollbackPath names a new rollback file in dir by the time.
func rollbackPath(dir string, now time.Time) (string, error) {
	base := "rollback-" + now.UTC().Format("20060102T150405Z")
	for i := 1; i < 100; i++ {
		name := base + ".json"
		if i > 1 {
			name = base + "-" + strconv.Itoa(i) + ".json"
		}
		p := filepath.Join(dir, name)
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p, nil
		}
	}
	return "", fmt.Errorf("--state-dir %s: too many rollback files named %s*", dir, base)
}

func runRollback(ctx context.Context, w io.Writer, file string) error {
	r, err := tune.LoadRollback(file)
	if err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		var cs []analyze.Change
		for _, s := range r.Steps {
			cs = append(cs, s.Change)
		}
		return fmt.Errorf("apply --rollback needs root: it writes %s; nothing was changed", tune.NeedsRoot(cs))
	}
	t := &tune.Target{}
	defer t.Close()
	done, err := tune.Restore(ctx, t, r)
	for _, s := range done {
		fmt.Fprintf(w, "restored %s back to %s\n", settingName(s.Change), s.Previous)
	}
	if err != nil {
		return fmt.Errorf("rollback %s: %w", file, err)
	}
	fmt.Fprintf(w, "netvet apply: %d of %d settings restored from %s\n", len(done), len(r.Steps), file)
	return nil
}
