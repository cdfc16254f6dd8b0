package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"

	"gopkg.in/yaml.v3"
)

// The rules are checked by Prometheus' own promtool (Debian package
// prometheus): `promtool check rules` on the generated file, and `promtool
// test rules` on the unit tests in testdata/rules, whose input series fire
// each alert at each severity it has and whose controls stay quiet.
//
// The test files name the expected alerts by labels only. Their
// annotations are the rule's, rendered here for the expected labels the
// way Prometheus renders them (a text/template with $labels), so a test
// file does not repeat every recommendation; the labels (severity,
// subject) are what the tests pin.

// promtoolTests is a promtool unit-test file, as far as these tests use it.
type promtoolTests struct {
	RuleFiles          []string       `yaml:"rule_files"`
	EvaluationInterval string         `yaml:"evaluation_interval,omitempty"`
	Tests              []promtoolTest `yaml:"tests"`
}

type promtoolTest struct {
	Name        string `yaml:"name,omitempty"`
	Interval    string `yaml:"interval,omitempty"`
	InputSeries []struct {
		Series string `yaml:"series"`
		Values string `yaml:"values"`
	} `yaml:"input_series"`
	AlertRuleTest []promtoolAlertTest `yaml:"alert_rule_test"`
}

type promtoolAlertTest struct {
	EvalTime  string          `yaml:"eval_time"`
	Alertname string          `yaml:"alertname"`
	ExpAlerts []promtoolAlert `yaml:"exp_alerts,omitempty"`
}

type promtoolAlert struct {
	ExpLabels      map[string]string `yaml:"exp_labels"`
	ExpAnnotations map[string]string `yaml:"exp_annotations,omitempty"`
}

func readPromtoolTests(t *testing.T) map[string]promtoolTests {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "rules", "*.yml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no promtool tests in testdata/rules (%v)", err)
	}
	out := map[string]promtoolTests{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		var f promtoolTests
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[filepath.Base(p)] = f
	}
	return out
}

func defaultRules(t *testing.T) (RuleFile, []byte) {
	t.Helper()
	o := DefaultRuleOptions()
	o.Version = "test"
	f, err := Rules(o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return f, b
}

// findAlert is the alerting rule named name whose severity label is sev
// (a rule without one, NetvetFinding, matches any).
func findAlert(f RuleFile, name, sev string) (Rule, bool) {
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Alert == name && (r.Labels["severity"] == "" || r.Labels["severity"] == sev) {
				return r, true
			}
		}
	}
	return Rule{}, false
}

// expand renders an annotation as Prometheus does for an alert whose
// series has the given labels.
func expand(text string, labels map[string]string) (string, error) {
	const defs = "{{$labels := .Labels}}{{$value := .Value}}"
	tmpl, err := template.New("annotation").Option("missingkey=zero").Parse(defs + text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	err = tmpl.Execute(&b, struct {
		Labels map[string]string
		Value  float64
	}{labels, 0})
	return b.String(), err
}

func TestRulesPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not found: install Debian's prometheus package (.ci/run does)")
	}
	f, b := defaultRules(t)
	dir := t.TempDir()
	rulesPath := filepath.Join(dir, "netvet.rules.yml")
	if err := os.WriteFile(rulesPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", rulesPath).CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	args := []string{"test", "rules"}
	for name, tests := range readPromtoolTests(t) {
		tests.RuleFiles = []string{rulesPath}
		for i := range tests.Tests {
			for j := range tests.Tests[i].AlertRuleTest {
				at := &tests.Tests[i].AlertRuleTest[j]
				for k := range at.ExpAlerts {
					a := &at.ExpAlerts[k]
					r, ok := findAlert(f, at.Alertname, a.ExpLabels["severity"])
					if !ok {
						t.Fatalf("%s: no rule %s at severity %q", name, at.Alertname, a.ExpLabels["severity"])
					}
					a.ExpAnnotations = map[string]string{}
					for key, text := range r.Annotations {
						if a.ExpAnnotations[key], err = expand(text, a.ExpLabels); err != nil {
							t.Fatalf("%s annotation %s: %v", r.Alert, key, err)
						}
					}
				}
			}
		}
		out, err := yaml.Marshal(tests)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	out, err := exec.Command(promtool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// Every alert fires in the tests at every severity it has, and every alert
// has a control in which it stays quiet; no test names an alert the rules
// lack.
func TestRulesTestsCoverEveryAlert(t *testing.T) {
	f, _ := defaultRules(t)
	want := map[string]bool{} // "Alert severity"
	names := map[string]bool{}
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			names[r.Alert] = true
			want[r.Alert+" "+r.Labels["severity"]] = true
		}
	}
	fired := map[string]bool{}
	quiet := map[string]bool{}
	for file, tests := range readPromtoolTests(t) {
		for _, tc := range tests.Tests {
			for _, at := range tc.AlertRuleTest {
				if !names[at.Alertname] {
					t.Errorf("%s %q: no rule named %s", file, tc.Name, at.Alertname)
				}
				if len(at.ExpAlerts) == 0 {
					quiet[at.Alertname] = true
				}
				for _, a := range at.ExpAlerts {
					sev := a.ExpLabels["severity"]
					if r, ok := findAlert(f, at.Alertname, sev); ok && r.Labels["severity"] == "" {
						sev = "" // forwarded findings keep their own severity
					}
					fired[at.Alertname+" "+sev] = true
				}
			}
		}
	}
	for _, k := range sortedKeys(want) {
		if !fired[k] {
			t.Errorf("no test fires %s", k)
		}
	}
	for _, n := range sortedKeys(names) {
		if !quiet[n] {
			t.Errorf("no control in which %s stays quiet", n)
		}
	}
}

func TestRulesOptions(t *testing.T) {
	bad := []RuleOptions{
		{Window: 0, Step: 0},
		{Window: 5 * 60e9, Step: 3 * 60e9}, // two steps do not fit
		{Window: 5 * 60e9, Step: 1.5e9},    // not whole seconds
		{Window: -60e9, Step: 30e9},
	}
	for _, o := range bad {
		if _, err := Rules(o); err == nil {
			t.Errorf("Rules(%+v): want an error", o)
		}
	}
	o := RuleOptions{Window: 10 * 60e9, Step: 90e9}
	f, err := Rules(o)
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, r := range f.Groups[0].Rules {
		exprs = append(exprs, r.Expr)
	}
	all := strings.Join(exprs, "\n")
	for _, s := range []string{"[10m]", "[1m30s]", "offset 1m30s", "[8m30s:1m30s]"} {
		if !strings.Contains(all, s) {
			t.Errorf("window 10m, step 1m30s: no %q in the expressions", s)
		}
	}
}

// Alert names follow the finding IDs, and each ID with a rule of its own
// is left out of NetvetFinding.
func TestRulesNamesAndForwarding(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"softnet.drops", "NetvetSoftnetDrops"},
		{"nic.rx_ring_overrun", "NetvetNicRxRingOverrun"},
		{"bond.lacp_no_aggregator", "NetvetBondLacpNoAggregator"},
	} {
		if got := alertName(tc.id); got != tc.want {
			t.Errorf("alertName(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
	f, _ := defaultRules(t)
	var forward string
	own := map[string]bool{}
	for _, r := range f.Groups[0].Rules {
		switch {
		case r.Alert == "NetvetFinding":
			forward = r.Expr
		case r.Alert != "":
			own[r.Labels["id"]] = true
			if alertName(r.Labels["id"]) != r.Alert {
				t.Errorf("alert %s has id %s", r.Alert, r.Labels["id"])
			}
		}
	}
	for id := range own {
		if strings.Contains(forward, strings.ReplaceAll(id, ".", `\.`)) {
			t.Errorf("%s has its own rule but NetvetFinding forwards it too", id)
		}
	}
	if want := []string{"bond.lacp_split", "nic.rx_ring_overrun", "softnet.drops", "tcp.listen_queue_full"}; !containsAll(own, want) {
		t.Errorf("rules of their own: %v, want at least %v", sortedKeys(own), want)
	}
	if !strings.Contains(forward, `irq\.concentrated`) {
		t.Errorf("NetvetFinding does not forward irq.concentrated: %s", forward)
	}
}

func containsAll(set map[string]bool, xs []string) bool {
	return !slices.ContainsFunc(xs, func(x string) bool { return !set[x] })
}

// The generated file starts with where it comes from.
func TestRulesHeader(t *testing.T) {
	_, b := defaultRules(t)
	head := "# Prometheus alerting rules generated by netvet rules --window 5m --step 1m (netvet test)."
	if !bytes.HasPrefix(b, []byte(head)) {
		t.Errorf("header:\n%s", b[:min(len(b), 300)])
	}
}
