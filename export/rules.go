package export

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/netvet/netvet/analyze"
)

// RuleOptions shape the generated rules.
type RuleOptions struct {
	// Window is what the analyzer's window is to check: the span over which
	// counts are compared with the gates (netvet serve --window).
	Window time.Duration
	// Step plays the analyzer's sampling interval for "rose in two
	// consecutive intervals": increases over Step, a step apart. It must be
	// at least twice the scrape interval, so each step holds two samples.
	Step time.Duration
	// Version is netvet's, for the header comment.
	Version string
}

// DefaultRuleOptions match netvet serve's default window.
func DefaultRuleOptions() RuleOptions {
	return RuleOptions{Window: 5 * time.Minute, Step: time.Minute}
}

// RuleFile is a Prometheus rule file (the part netvet writes).
type RuleFile struct {
	Groups []RuleGroup `yaml:"groups"`
}

// RuleGroup is one group of rules, evaluated in order.
type RuleGroup struct {
	Name  string `yaml:"name"`
	Rules []Rule `yaml:"rules"`
}

// Rule is a recording rule (Record) or an alerting rule (Alert).
type Rule struct {
	Record      string            `yaml:"record,omitempty"`
	Alert       string            `yaml:"alert,omitempty"`
	Expr        string            `yaml:"expr"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`

	comment string // written above the rule
}

// Rules builds the alerting rules equivalent to the analyzer's rate rules,
// over the series netvet serve exports, with the analyzer's gates.
func Rules(o RuleOptions) (RuleFile, error) {
	if o.Window <= 0 || o.Step <= 0 || 2*o.Step > o.Window || o.Window%time.Second != 0 || o.Step%time.Second != 0 {
		return RuleFile{}, fmt.Errorf("rules: want whole seconds with 0 < 2×step ≤ window (got window %s, step %s)", o.Window, o.Step)
	}
	g := &gen{
		w:    promDuration(o.Window),
		s:    promDuration(o.Step),
		span: promDuration(o.Window - o.Step),
		g:    analyze.Gates(),
	}
	g.all()
	return RuleFile{Groups: []RuleGroup{{Name: "netvet", Rules: g.rules}}}, nil
}

// promDuration writes d as PromQL does: "5m", "1m30s".
func promDuration(d time.Duration) string { return model.Duration(d).String() }

// gen accumulates rules. w is the window, s the step, span the subquery
// range that makes "two consecutive steps" fall inside the window.
type gen struct {
	w, s, span string
	g          analyze.GateSet
	rules      []Rule
	covered    []string // finding IDs with rules of their own
}

// delta is a counter's increase over a range at an offset ("" for none),
// already reduced to the labels of the finding's subject.
type delta func(rng, off string) string

// increase is increase(sel[rng] offset off).
func increase(sel, rng, off string) string { return rangeCall("increase", sel, rng, off) }

// rangeCall is fn(sel[rng] offset off) for a range-vector function.
func rangeCall(fn, sel, rng, off string) string {
	if off == "" {
		return fmt.Sprintf("%s(%s[%s])", fn, sel, rng)
	}
	return fmt.Sprintf("%s(%s[%s] offset %s)", fn, sel, rng, off)
}

// recordName is netvet:<id with _>:<what>, the level:metric:operations
// form of recording rules.
func recordName(id, what string) string {
	return "netvet:" + strings.NewReplacer(".", "_").Replace(id) + ":" + what
}

// alertName is the finding ID in CamelCase: softnet.drops → NetvetSoftnetDrops.
func alertName(id string) string {
	var b strings.Builder
	b.WriteString("Netvet")
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '.' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// record adds a recording rule and returns its name.
func (g *gen) record(name, expr, comment string) string {
	g.rules = append(g.rules, Rule{Record: name, Expr: expr, comment: comment})
	return name
}

// increaseRecord and persistRecord record, for a delta, its increase over
// the window and whether it rose in two consecutive steps inside it: the
// analyzer's Delta.Inc and Delta.Persists(2).
func (g *gen) increaseRecord(id string, d delta) string {
	return g.record(recordName(id, "increase"+g.w), d(g.w, ""), "")
}

func (g *gen) persistRecord(id string, d delta) string {
	expr := fmt.Sprintf("max_over_time((\n  (%s) > 0\nand\n  (%s) > 0\n)[%s:%s])", indent(d(g.s, "")), indent(d(g.s, g.s)), g.span, g.s)
	return g.record(recordName(id, fmt.Sprintf("rising_%dx%s", g.g.PersistIntervals, g.s)), expr,
		fmt.Sprintf("rose in each of %d consecutive %s steps inside the %s window", g.g.PersistIntervals, g.s, g.w))
}

// alert adds an alerting rule for finding id at sev. The labels carry the
// finding's ID, severity and subject (a template over the series' labels);
// the annotations its summary (a template) and what to do.
func (g *gen) alert(id string, sev analyze.Severity, expr string, t text) {
	g.rules = append(g.rules, Rule{
		Alert: alertName(id),
		Expr:  expr,
		Labels: map[string]string{
			"severity": sev.String(),
			"id":       id,
			"subject":  t.subject,
		},
		Annotations: map[string]string{
			"summary":     t.summary,
			"description": t.do + " On the host, `netvet check --only " + id + "` shows the numbers and the exact commands.",
		},
	})
	if len(g.covered) == 0 || g.covered[len(g.covered)-1] != id {
		g.covered = append(g.covered, id)
	}
}

// text is what an alert says: subject label, summary and what to do.
type text struct{ subject, summary, do string }

// loss adds the rules of a counter of lost data (the analyzer's
// lossSeverity): critical when it rose by at least the gate in the window
// or in two consecutive steps, warning when it rose less.
//
// rise, when not nil, is what must rise in both steps instead of d: the
// worst of several counters rather than their sum.
func (g *gen) loss(id string, gate analyze.Loss, d, rise delta, t text) {
	if rise == nil {
		rise = d
	}
	inc := g.increaseRecord(id, d)
	persist := g.persistRecord(id, rise)
	crit := fmt.Sprintf("%s >= %d\nor\n(%s > 0 and %s)", inc, gate.Now, inc, persist)
	g.alert(id, analyze.Critical, crit, t)
	g.alert(id, analyze.Warning, fmt.Sprintf("%s > 0\nunless\n(%s >= %d or %s)", inc, inc, gate.Now, persist), t)
}

// indent indents the lines after the first of a multi-line expression.
func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n  ") }

// Marshal writes f as YAML, each rule preceded by its comment and the file
// by a header saying where it comes from.
func (f RuleFile) Marshal(o RuleOptions) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	doc.HeadComment = fmt.Sprintf(`Prometheus alerting rules generated by netvet rules --window %s --step %s (netvet %s).
They are the analyzer's rate rules over the series of netvet serve, with its
gates: loss is critical when it reaches the gate in the window or rises in
two consecutive steps, else warning. Each step must hold at least two scrapes.
netvet_finding carries every other finding of the analyzer running in serve.
Regenerate rather than edit.`, promDuration(o.Window), promDuration(o.Step), o.Version)
	var groups []*yaml.Node
	for _, gr := range f.Groups {
		var rules []*yaml.Node
		for _, r := range gr.Rules {
			n := mapNode()
			if r.Record != "" {
				addPair(n, "record", str(r.Record))
			} else {
				addPair(n, "alert", str(r.Alert))
			}
			addPair(n, "expr", str(r.Expr))
			if len(r.Labels) > 0 {
				addPair(n, "labels", strMap(r.Labels))
			}
			if len(r.Annotations) > 0 {
				addPair(n, "annotations", strMap(r.Annotations))
			}
			n.HeadComment = r.comment
			rules = append(rules, n)
		}
		gn := mapNode()
		addPair(gn, "name", str(gr.Name))
		addPair(gn, "rules", &yaml.Node{Kind: yaml.SequenceNode, Content: rules})
		groups = append(groups, gn)
	}
	addPair(doc, "groups", &yaml.Node{Kind: yaml.SequenceNode, Content: groups})
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return b.Bytes(), nil
}

func mapNode() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func addPair(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

// str is a scalar; a multi-line one is written as a literal block, so
// expressions read as written.
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func strMap(m map[string]string) *yaml.Node {
	n := mapNode()
	for _, k := range sortedKeys(m) {
		addPair(n, k, str(m[k]))
	}
	return n
}
