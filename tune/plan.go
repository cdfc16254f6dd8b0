package tune

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

// Schema names the JSON form of a Plan.
const Schema = "netvet.plan/v1"

// Plan is the recommendations of an analysis as changes to review and
// apply: what `netvet plan` prints and `netvet apply` applies.
type Plan struct {
	Schema string    `json:"schema"`
	Host   string    `json:"host,omitempty"`
	Kernel string    `json:"kernel,omitempty"`
	Source string    `json:"source"`        // "this host (web1)", "recording /tmp/incident"
	Time   time.Time `json:"time,omitzero"` // of the newest snapshot
	// IRQBalance is whether irqbalance ran, which would undo IRQ affinity.
	IRQBalance *collect.IRQBalance `json:"irqbalance,omitempty"`
	Blocks     []Block             `json:"blocks"`
}

// Block is one recommendation of one finding.
type Block struct {
	Finding  string             `json:"finding"`
	Severity analyze.Severity   `json:"severity"`
	Subject  string             `json:"subject"`
	Summary  string             `json:"summary"` // the finding's
	Evidence []analyze.Evidence `json:"evidence,omitempty"`
	Advice   string             `json:"advice,omitempty"` // the recommendation's summary
	Risk     string             `json:"risk,omitempty"`
	Persist  string             `json:"persist,omitempty"`
	// Changes are the steps this block makes, in order.
	Changes []analyze.Change `json:"changes,omitempty"`
	// Skipped are changes of the recommendation that another block already
	// makes, that conflict with one, or that netvet will not apply.
	Skipped []Skipped `json:"skipped,omitempty"`
	// Commands are for a person to run: the recommendation had no change
	// a program can make (its value depends on what the snapshot lacked,
	// or it is a diagnostic).
	Commands []string `json:"commands,omitempty"`
}

// Skipped is a change a block does not make, and why.
type Skipped struct {
	Change analyze.Change `json:"change"`
	Reason string         `json:"reason"`
}

// Manual reports whether the block has nothing for a program to do.
func (b Block) Manual() bool { return len(b.Changes) == 0 && len(b.Skipped) == 0 }

// Meta describes where the findings came from.
type Meta struct {
	Host, Kernel, Source string
	Time                 time.Time
	IRQBalance           *collect.IRQBalance
}

// MetaOf takes the host facts of a snapshot.
func MetaOf(s *collect.Snapshot, source string) Meta {
	m := Meta{Source: source}
	if s == nil {
		return m
	}
	m.Host, m.Kernel, m.Time = s.Host.Hostname, s.Host.Kernel, s.Time
	if s.Config != nil {
		m.IRQBalance = s.Config.IRQBalance
	}
	return m
}

// phase orders the kinds of change. Channels come first: changing them
// recreates queues and IRQs, which the later steps write to. Rings and
// features next (drivers often reset the link for them), then settings
// that need the queues and vectors to exist.
var phase = map[analyze.ChangeKind]int{
	analyze.ChangeChannels:    0,
	analyze.ChangeRing:        1,
	analyze.ChangeFeature:     2,
	analyze.ChangeTxQueueLen:  3,
	analyze.ChangeSysctl:      4,
	analyze.ChangeSysfs:       5,
	analyze.ChangeIRQAffinity: 6,
}

const manualPhase = 100

// New turns findings (as Analyze sorts them: most severe first) into a
// plan: one block per recommendation, blocks that change something ordered
// by phase, the rest after them. A setting two blocks change is made once,
// by the first; a second, different value for it is reported as a conflict
// and not made.
func New(m Meta, findings []analyze.Finding) *Plan {
	p := &Plan{Schema: Schema, Host: m.Host, Kernel: m.Kernel, Source: m.Source, Time: m.Time, IRQBalance: m.IRQBalance, Blocks: []Block{}}
	for _, f := range findings {
		for _, r := range f.Recommendations {
			p.Blocks = append(p.Blocks, Block{
				Finding: f.ID, Severity: f.Severity, Subject: f.Subject, Summary: f.Summary, Evidence: f.Evidence,
				Advice: r.Summary, Risk: r.Risk, Persist: r.Persist,
				Changes: slices.Clone(r.Changes), Commands: manualCommands(r),
			})
		}
	}
	slices.SortStableFunc(p.Blocks, func(a, b Block) int { return cmp.Compare(blockPhase(a), blockPhase(b)) })
	type owner struct {
		block int
		value string
	}
	set := map[string]owner{}
	for i := range p.Blocks {
		b := &p.Blocks[i]
		var keep []analyze.Change
		for _, c := range b.Changes {
			if err := Validate(c); err != nil {
				b.Skipped = append(b.Skipped, Skipped{c, "not applied by netvet: " + err.Error()})
				continue
			}
			k := key(c)
			if o, ok := set[k]; ok {
				reason := fmt.Sprintf("block %d (%s) already sets it", o.block+1, p.Blocks[o.block].Finding)
				if o.value != c.Value {
					reason = fmt.Sprintf("conflicts with block %d (%s), which sets %s; review both", o.block+1, p.Blocks[o.block].Finding, o.value)
				}
				b.Skipped = append(b.Skipped, Skipped{c, reason})
				continue
			}
			set[k] = owner{i, c.Value}
			keep = append(keep, c)
		}
		b.Changes = keep
	}
	return p
}

// manualCommands are a recommendation's commands when it has no changes:
// then they are for a person to run.
func manualCommands(r analyze.Recommendation) []string {
	if len(r.Changes) > 0 {
		return nil
	}
	return slices.Clone(r.Commands)
}

func blockPhase(b Block) int {
	p := manualPhase
	for _, c := range b.Changes {
		if ph, ok := phase[c.Kind]; ok {
			p = min(p, ph)
		}
	}
	return p
}

// key names the setting a change writes, whatever its value: an IRQ by
// its vector name, which survives renumbering.
func key(c analyze.Change) string {
	if c.Kind == analyze.ChangeIRQAffinity {
		return string(c.Kind) + "|" + c.Vector
	}
	return string(c.Kind) + "|" + c.Device + "|" + c.Target
}

// Step is one change of the plan with the block it belongs to.
type Step struct {
	N       int // 1-based, in plan order
	Block   int // index into Plan.Blocks
	Finding string
	Change  analyze.Change
}

func (s Step) String() string {
	return "step " + strconv.Itoa(s.N) + " (" + s.Change.String() + ", for " + s.Finding + ")"
}

// Steps lists every change of the plan in order.
func (p *Plan) Steps() []Step {
	var out []Step
	for i, b := range p.Blocks {
		for _, c := range b.Changes {
			out = append(out, Step{N: len(out) + 1, Block: i, Finding: b.Finding, Change: c})
		}
	}
	return out
}

// ReadPlan reads a plan saved with `netvet plan --format json`: a file of
// another schema, one that is not JSON, or one with a change netvet would
// not make (it may have been edited) is refused whole.
func ReadPlan(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("plan file: %w", err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("plan file %s: %s", path, fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, bad("not a plan from netvet plan --format json: %v", err)
	}
	if dec.More() {
		return nil, bad("text after the JSON object")
	}
	if p.Schema != Schema {
		return nil, bad("schema %q, want %q", p.Schema, Schema)
	}
	for _, s := range p.Steps() {
		if err := Validate(s.Change); err != nil {
			return nil, bad("%s: %v", s, err)
		}
	}
	return &p, nil
}
