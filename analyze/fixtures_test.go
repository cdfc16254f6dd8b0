package analyze

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/fixtures"
)

var update = flag.Bool("update", false, "rewrite the golden files (review the diff before committing)")

// analyzeFolder replays a fixture folder to its end and analyzes it.
func analyzeFolder(t *testing.T, dir string, opts Options) Result {
	t.Helper()
	return Analyze(replayFolder(t, dir), opts)
}

// fixtureDirs lists every fixture folder as "kind/name".
func fixtureDirs(t *testing.T) []string {
	t.Helper()
	var out []string
	for kind, list := range map[string]func() ([]string, error){"realworld": fixtures.RealWorld, "recordings": fixtures.Recordings} {
		names, err := list()
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, n := range names {
			out = append(out, kind+"/"+n)
		}
	}
	if len(out) == 0 {
		t.Fatal("no fixtures found")
	}
	return out
}

// TestFixtureGoldens checks the findings of every fixture against a
// reviewed golden file (fixtures/golden/check/KIND_NAME.json). Run with
// -update to rewrite them, then read the diff: every change is a change in
// what netvet tells an operator.
func TestFixtureGoldens(t *testing.T) {
	for _, rel := range fixtureDirs(t) {
		t.Run(rel, func(t *testing.T) {
			res := analyzeFolder(t, fixtures.Path(rel), Options{})
			got, err := json.MarshalIndent(res.Findings, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := fixtures.Path("golden", "check", strings.ReplaceAll(rel, "/", "_")+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./analyze -run TestFixtureGoldens -update, then review)", err)
			}
			if d := cmp.Diff(string(want), string(got)); d != "" {
				t.Errorf("findings differ from %s (-want +got):\n%s", golden, d)
			}
		})
	}
}

// has reports whether res holds a finding with id (and subject, when not "").
func has(res Result, id, subject string) (Finding, bool) {
	for _, f := range res.Findings {
		if f.ID == id && (subject == "" || f.Subject == subject) {
			return f, true
		}
	}
	return Finding{}, false
}

// TestFixtureExpectations states what issue 3 expects of the real data, as
// assertions that do not depend on the golden files.
func TestFixtureExpectations(t *testing.T) {
	rw := func(name string) Result { return analyzeFolder(t, fixtures.Path("realworld", name), Options{}) }

	t.Run("qlcnic: all vectors on CPU0, since boot so at most warning", func(t *testing.T) {
		res := rw("qlcnic-48cpu-all-queues-on-cpu0")
		for _, nic := range []string{"eth0", "eth1"} {
			f, ok := has(res, "irq.concentrated", nic)
			if !ok {
				t.Fatalf("no irq.concentrated for %s: %v", nic, ids(res))
			}
			if f.Severity > Warning {
				t.Errorf("%s: severity %s from totals since boot, want ≤ warning", nic, f.Severity)
			}
			if len(f.Recommendations) == 0 || len(f.Recommendations[0].Commands) != 4 {
				t.Errorf("%s: want a 4-step IRQ ladder, got %+v", nic, f.Recommendations)
			}
		}
		if !res.SinceBoot {
			t.Error("a single snapshot must be reported as totals since boot")
		}
	})
	t.Run("active-backup slave down", func(t *testing.T) {
		if _, ok := has(rw("bond-active-backup-slave-down"), "bond.slave_down", "bondAB/eth3"); !ok {
			t.Error("no bond.slave_down for bondAB/eth3")
		}
	})
	t.Run("802.3ad aggregator mismatch, no partner", func(t *testing.T) {
		res := rw("bond-8023ad-aggregator-mismatch-no-partner")
		for _, id := range []string{"bond.lacp_no_partner", "bond.lacp_split"} {
			if _, ok := has(res, id, ""); !ok {
				t.Errorf("no %s: %v", id, ids(res))
			}
		}
	})
	for _, healthy := range []string{"bond-active-backup-10g-healthy", "bond-rr-healthy", "bond-8023ad-healthy-10g", "bond-xor-layer2+3"} {
		t.Run(healthy+" is quiet", func(t *testing.T) {
			for _, f := range rw(healthy).Findings {
				if strings.HasPrefix(f.ID, "bond.") {
					t.Errorf("unexpected %s %s: %s", f.ID, f.Subject, f.Summary)
				}
			}
		})
	}
	t.Run("softnet series: skew on cpu0, no squeeze", func(t *testing.T) {
		res := rw("series-softnet-stat-8cpu")
		if _, ok := has(res, "softnet.cpu_skew", "cpu0"); !ok {
			t.Errorf("no softnet.cpu_skew on cpu0: %v", ids(res))
		}
		if f, ok := has(res, "softnet.squeeze", ""); ok {
			t.Errorf("squeeze counters do not move in the window, yet: %s", f.Summary)
		}
	})
	t.Run("squeezes that do not move are history", func(t *testing.T) {
		if f, ok := has(rw("softnet-8cpu-squeeze-historic"), "softnet.squeeze", ""); ok {
			t.Errorf("unexpected %s", f.Summary)
		}
	})
	t.Run("RSS all on queue 0", func(t *testing.T) {
		if _, ok := has(rw("igb-rss-all-rx-on-queue0"), "rss.queue_skew", "eth0/rx-0"); !ok {
			t.Error("no rss.queue_skew for eth0/rx-0")
		}
	})
	t.Run("laddered NICs are quiet", func(t *testing.T) {
		for _, f := range rw("series-interrupts-multinic-multiqueue-4cpu").Findings {
			t.Errorf("one queue per CPU, yet %s %s: %s", f.ID, f.Subject, f.Summary)
		}
	})
	t.Run("a one-CPU VM is quiet", func(t *testing.T) {
		for _, f := range rw("vscale-vm-1cpu").Findings {
			t.Errorf("unexpected %s %s: %s", f.ID, f.Subject, f.Summary)
		}
	})
}

func ids(res Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.ID+"@"+f.Subject)
	}
	return out
}
