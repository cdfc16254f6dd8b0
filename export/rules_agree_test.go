package export

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"gopkg.in/yaml.v3"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/fixtures"
	"github.com/netvet/netvet/internal/synthhost"
)

// TestRulesAgreeWithAnalyzer: the alerting rules, evaluated by promtool over
// the series netvet serve exports for each snapshot of a stream, fire
// exactly where the analyzer, over the same snapshots, finds something:
// same finding, same subject, same severity, for every finding that has a
// rule of its own, and nothing where it finds nothing. The streams are the
// real-kernel recordings and the synthetic 256-CPU host with its problems
// injected. Scrapes are taken one second apart and the rules generated with
// a window of the whole stream and one-second steps, so the rules' window
// and steps are the analyzer's window and intervals.
func TestRulesAgreeWithAnalyzer(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not found: install Debian's prometheus package (.ci/run does)")
	}
	streams := map[string][]*collect.Snapshot{}
	recs, err := fixtures.Recordings()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range recs {
		streams["recording "+name] = replay(t, fixtures.Path("recordings", name))
	}
	o := synthhost.Default()
	o.SoftnetDropCPU, o.SoftnetDropRate = 3, 50
	o.ListenOverflowRate = 5
	o.RxMissedIface, o.RxMissedRate = "eth2", 20
	streams["synthetic host with problems"] = synthStream(t, o, 6)
	streams["synthetic host, healthy"] = synthStream(t, synthhost.Default(), 6)

	dir := t.TempDir()
	for name, snaps := range streams {
		t.Run(name, func(t *testing.T) {
			n := len(snaps)
			ro := RuleOptions{Window: time.Duration(n-1) * time.Second, Step: time.Second, Version: "test"}
			f, err := Rules(ro)
			if err != nil {
				t.Fatal(err)
			}
			b, err := f.Marshal(ro)
			if err != nil {
				t.Fatal(err)
			}
			base := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
			if err := os.WriteFile(base+".rules.yml", b, 0o644); err != nil {
				t.Fatal(err)
			}
			res := analyze.Analyze(analyze.NewWindow(snaps, time.Second), analyze.Options{})
			tests := agreementTests(t, f, snaps, res, base+".rules.yml")
			out, err := yaml.Marshal(tests)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(base+".test.yml", out, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(promtool, "test", "rules", base+".test.yml").CombinedOutput(); err != nil {
				t.Errorf("the rules disagree with the analyzer: %v\n%s", err, out)
			}
		})
	}
}

// replay reads every snapshot of a recording in order.
func replay(t *testing.T, dir string) []*collect.Snapshot {
	t.Helper()
	o, err := collect.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	var out []*collect.Snapshot
	err = (&collect.Sampler{Origin: o}).Run(context.Background(), 0, func(s *collect.Snapshot) error {
		out = append(out, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// synthStream is n snapshots of the synthetic host, one interval apart.
func synthStream(t *testing.T, o synthhost.Options, n int) []*collect.Snapshot {
	t.Helper()
	h, err := synthhost.New(o)
	if err != nil {
		t.Fatal(err)
	}
	c := collect.NewCollector()
	var out []*collect.Snapshot
	var prev *collect.Snapshot
	for i := range n {
		if i > 0 {
			h.Step()
		}
		s := c.Collect(context.Background(), h.FS(), prev, true)
		out = append(out, s)
		prev = s
	}
	return out
}

// agreementTests builds a promtool test of the snapshots' series (one
// scrape per second) that expects, for every rule of its own, the
// analyzer's findings with that ID.
func agreementTests(t *testing.T, f RuleFile, snaps []*collect.Snapshot, res analyze.Result, rules string) promtoolTests {
	t.Helper()
	series := map[string][]string{}
	for i, s := range snaps {
		reg := prometheus.NewRegistry()
		reg.MustRegister(fixed(s, Options{}))
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			for _, m := range mf.GetMetric() {
				var ls []string
				for _, l := range m.GetLabel() {
					ls = append(ls, l.GetName()+"="+strconv.Quote(l.GetValue()))
				}
				key := mf.GetName() + "{" + strings.Join(ls, ",") + "}"
				v := m.GetGauge().GetValue()
				if m.Counter != nil {
					v = m.GetCounter().GetValue()
				}
				if series[key] == nil {
					series[key] = slices.Repeat([]string{"_"}, len(snaps))
				}
				series[key][i] = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
	}
	tc := promtoolTest{Name: "agreement", Interval: "1s"}
	for _, k := range sortedKeys(series) {
		tc.InputSeries = append(tc.InputSeries, struct {
			Series string `yaml:"series"`
			Values string `yaml:"values"`
		}{k, strings.Join(series[k], " ")})
	}
	evalAt := fmt.Sprintf("%ds", len(snaps)-1)
	own := ownAlerts(f)
	byAlert := map[string][]promtoolAlert{}
	seen := map[string]bool{}
	for _, fd := range res.Findings {
		name := alertName(fd.ID)
		if !slices.Contains(own, name) {
			continue // forwarded from netvet_finding
		}
		r, ok := findAlert(f, name, fd.Severity.String())
		if !ok {
			t.Errorf("the analyzer finds %s %s at %s; the rules have no such severity", fd.ID, fd.Subject, fd.Severity)
			continue
		}
		labels := findingLabels(fd)
		if key := name + fmt.Sprint(labels); seen[key] {
			continue
		} else {
			seen[key] = true
		}
		ann := map[string]string{}
		for k, text := range r.Annotations {
			var err error
			if ann[k], err = expand(text, labels); err != nil {
				t.Fatal(err)
			}
		}
		byAlert[name] = append(byAlert[name], promtoolAlert{ExpLabels: labels, ExpAnnotations: ann})
		t.Logf("expect %s %s %s", name, fd.Severity, labels["subject"])
	}
	// Every finding ID with a rule of its own is asserted, also where the
	// analyzer finds nothing: then the rules must stay quiet.
	for _, name := range own {
		tc.AlertRuleTest = append(tc.AlertRuleTest, promtoolAlertTest{EvalTime: evalAt, Alertname: name, ExpAlerts: byAlert[name]})
	}
	return promtoolTests{RuleFiles: []string{rules}, EvaluationInterval: "1s", Tests: []promtoolTest{tc}}
}

// ownAlerts are the alert names of findings with a rule of their own.
func ownAlerts(f RuleFile) []string {
	var out []string
	for _, r := range f.Groups[0].Rules {
		if r.Alert != "" && r.Labels["id"] != "" && !slices.Contains(out, r.Alert) {
			out = append(out, r.Alert)
		}
	}
	return out
}

// findingLabels are the labels the rule's alert carries for a finding:
// the series' labels that name the subject, and id, severity, subject.
// tcp.listen_overflow is host-wide in the rules: the counters are, and
// only the analyzer sees which listener was full while they rose (that
// is tcp.listen_queue_full's alert).
func findingLabels(fd analyze.Finding) map[string]string {
	l := map[string]string{"id": fd.ID, "severity": fd.Severity.String(), "subject": fd.Subject}
	fam, _, _ := strings.Cut(fd.ID, ".")
	switch {
	case fd.ID == "tcp.listen_overflow":
		l["subject"] = "host"
	case fd.ID == "tcp.listen_queue_full":
		l["local"] = fd.Subject
	case fd.ID == "tcp.syncookies_off":
		l["name"] = "net.ipv4.tcp_syncookies"
	case fd.ID == "tcp.autotuning_off":
		l["name"] = "net.ipv4.tcp_moderate_rcvbuf"
	case fam == "softnet":
		l["cpu"] = strings.TrimPrefix(fd.Subject, "cpu")
	case fam == "nic":
		l["device"] = fd.Subject
	case fam == "bond":
		bond, slave, ok := strings.Cut(fd.Subject, "/")
		l["bond"] = bond
		if ok {
			l["slave"] = slave
		}
	}
	return l
}
