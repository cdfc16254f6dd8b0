package tune

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/netvet/netvet/analyze"
)

// Action is a step checked against the target: the IRQ found again by its
// vector name, the value the setting has now.
type Action struct {
	Step
	Previous string
	// Features are the device's features now, for a feature change.
	Features map[string]bool
	// Unchanged: the setting already has the value; nothing is written.
	Unchanged bool
}

// Prepare reads the current value of every step's setting, without
// changing anything. It fails on the first setting it cannot read, or
// whose current value could not be written back (so could not be rolled
// back), naming the step.
func Prepare(ctx context.Context, t *Target, steps []Step) ([]Action, error) {
	var names map[string]int
	out := make([]Action, 0, len(steps))
	for _, s := range steps {
		fail := func(err error) ([]Action, error) {
			return nil, fmt.Errorf("%s of %d: %w; nothing was changed", s, len(steps), err)
		}
		if err := Validate(s.Change); err != nil {
			return fail(err)
		}
		if s.Change.Kind == analyze.ChangeIRQAffinity {
			if names == nil {
				var err error
				if names, err = t.irqNames(ctx); err != nil {
					return fail(err)
				}
			}
			irq, ok := names[s.Change.Vector]
			if !ok {
				return fail(fmt.Errorf("no IRQ is named %s in %s now (it was IRQ %d): is the device up?", s.Change.Vector, t.path("proc/interrupts"), s.Change.IRQ))
			}
			s.Change.IRQ = irq
		}
		cur, err := t.Read(s.Change)
		if err != nil {
			return fail(err)
		}
		a := Action{Step: s, Previous: cur, Unchanged: same(s.Change, cur, s.Change.Value)}
		if !a.Unchanged {
			if err := validPrevious(s.Change, cur); err != nil {
				return fail(err)
			}
		}
		if s.Change.Kind == analyze.ChangeFeature && !a.Unchanged {
			e, err := t.ethtool()
			if err != nil {
				return fail(err)
			}
			if a.Features, err = e.Features(s.Change.Device); err != nil {
				return fail(fmt.Errorf("%s: read features: %w", s.Change.Device, err))
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// Result is what Apply did.
type Result struct {
	Applied      []Action // changed, in order
	Unchanged    []Action // already had their value
	RollbackFile string   // "" when nothing was changed
}

// StepError is a step that failed, after the steps before it were undone.
type StepError struct {
	Action       Action
	Total        int   // steps that were to change
	Index        int   // 0-based among them
	Err          error // why the step failed
	RollbackErr  error // why undoing failed, if it did
	RollbackFile string
}

func (e *StepError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed: %v; ", e.Action.Step, e.Err)
	switch {
	case e.RollbackErr != nil:
		fmt.Fprintf(&b, "undoing the changes made so far failed too: %v; the previous values are in %s (netvet apply --rollback %s)", e.RollbackErr, e.RollbackFile, e.RollbackFile)
	case e.Index == 0:
		b.WriteString("nothing was changed")
	default:
		fmt.Fprintf(&b, "the %d step(s) applied before it were rolled back, nothing is changed", e.Index)
	}
	return b.String()
}

func (e *StepError) Unwrap() error { return e.Err }

// Apply changes every action that is not Unchanged, in order. Before the
// first change it writes the previous values to rollbackPath. After each
// write it reads the setting back; if a write fails or does not hold,
// every setting changed so far (that one included) is set back, in the
// reverse order, and a *StepError says which step failed.
func Apply(ctx context.Context, t *Target, actions []Action, rollbackPath string) (Result, error) {
	var res Result
	var todo []Action
	for _, a := range actions {
		if a.Unchanged {
			res.Unchanged = append(res.Unchanged, a)
		} else {
			todo = append(todo, a)
		}
	}
	if len(todo) == 0 {
		return res, nil
	}
	host, boot, netns := t.identity()
	rb := &Rollback{Format: RollbackFormat, Created: time.Now().UTC(), Host: host, BootID: boot, NetNS: netns, Root: t.root()}
	for _, a := range todo {
		rb.Steps = append(rb.Steps, Saved{Finding: a.Finding, Change: a.Change, Previous: a.Previous, Features: a.Features})
	}
	if err := WriteRollback(rollbackPath, rb); err != nil {
		return res, fmt.Errorf("%w; nothing was changed", err)
	}
	res.RollbackFile = rollbackPath
	for i, a := range todo {
		if err := ctx.Err(); err != nil {
			return res, undo(t, todo, i, i-1, err, rollbackPath)
		}
		if wrote, err := set(t, a.Change, a.Change.Value); err != nil {
			last := i
			if !wrote {
				last = i - 1 // the kernel refused the write: this setting did not move
			}
			return res, undo(t, todo, i, last, err, rollbackPath)
		}
		res.Applied = append(res.Applied, a)
	}
	return res, nil
}

// undo sets back todo[:last+1] after todo[failed] failed with err.
func undo(t *Target, todo []Action, failed, last int, err error, file string) error {
	se := &StepError{Action: todo[failed], Total: len(todo), Index: failed, Err: err, RollbackFile: file}
	var errs []error
	for i := last; i >= 0; i-- {
		a := todo[i]
		if rerr := restore(t, Saved{Finding: a.Finding, Change: a.Change, Previous: a.Previous, Features: a.Features}); rerr != nil {
			errs = append(errs, fmt.Errorf("%s: %w", a.Step, rerr))
		}
	}
	se.RollbackErr = errors.Join(errs...)
	return se
}

// set writes v and reads it back. wrote is false when the write itself
// failed: a sysctl or sysfs write(2) and an ethtool set ioctl that return
// an error have changed nothing.
func set(t *Target, c analyze.Change, v string) (wrote bool, err error) {
	if err := t.Write(c, v); err != nil {
		return false, err
	}
	now, err := t.Read(c)
	if err != nil {
		return true, fmt.Errorf("read it back: %w", err)
	}
	if !same(c, now, v) {
		return true, fmt.Errorf("wrote %q but it reads %q: the kernel did not take it", v, now)
	}
	return true, nil
}

// restore puts one saved setting back, if it is not already. For a
// feature, every feature of the device that moved since is put back too.
func restore(t *Target, s Saved) error {
	c := s.Change
	cur, err := t.Read(c)
	if err != nil {
		return err
	}
	if !same(c, cur, s.Previous) {
		if _, err := set(t, c, s.Previous); err != nil {
			return err
		}
	}
	if c.Kind != analyze.ChangeFeature || s.Features == nil {
		return nil
	}
	e, err := t.ethtool()
	if err != nil {
		return err
	}
	now, err := e.Features(c.Device)
	if err != nil {
		return fmt.Errorf("%s: read features: %w", c.Device, err)
	}
	moved := map[string]bool{}
	for name, was := range s.Features {
		if is, ok := now[name]; ok && is != was {
			moved[name] = was
		}
	}
	if len(moved) == 0 {
		return nil
	}
	if err := e.Change(c.Device, moved); err != nil {
		return fmt.Errorf("%s: put back features %s: %w", c.Device, strings.Join(slices.Sorted(maps.Keys(moved)), ", "), err)
	}
	return nil
}

// Restore puts back every setting of a rollback file, in the reverse order
// of the apply that wrote it. It refuses a file written on another host,
// in another boot or network namespace, or for another root: its values
// belong there. A setting it cannot put back does not stop the others; the
// error names each one that failed. It returns the steps it restored
// (already at their previous value included).
func Restore(ctx context.Context, t *Target, r *Rollback) ([]Saved, error) {
	host, boot, netns := t.identity()
	switch {
	case r.Root != t.root():
		return nil, fmt.Errorf("the rollback file is for root %s, not %s", r.Root, t.root())
	case r.Host != host:
		return nil, fmt.Errorf("the rollback file was written on host %q, this is %q", r.Host, host)
	case r.BootID != boot:
		return nil, fmt.Errorf("the rollback file was written before a reboot (boot id %s, now %s): the settings it saved were reset by the reboot, or persisted by other means", r.BootID, boot)
	case r.NetNS != netns:
		return nil, fmt.Errorf("the rollback file was written in network namespace %s, this is %s: run it where apply ran (ip netns exec …)", r.NetNS, netns)
	}
	var done []Saved
	var errs []error
	for i := len(r.Steps) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		s := r.Steps[i]
		if err := restore(t, s); err != nil {
			errs = append(errs, fmt.Errorf("step %d (%s back to %q): %w", i+1, s.Change.String(), s.Previous, err))
			continue
		}
		done = append(done, s)
	}
	return done, errors.Join(errs...)
}
