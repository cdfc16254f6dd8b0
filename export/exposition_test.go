package export

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/netvet/netvet/fixtures"
	"github.com/netvet/netvet/internal/synthhost"
)

var update = flag.Bool("update", false, "rewrite the golden files (review the diff before committing)")

// exposition is the text format of e's scrape, with what varies between
// runs normalised: collector durations (measured while replaying) and the
// Go version.
func exposition(t *testing.T, e *Exporter) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(e)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var b bytes.Buffer
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			switch mf.GetName() {
			case "netvet_collector_duration_seconds":
				m.Gauge.Value = new(float64)
			case "netvet_build_info":
				for _, l := range m.GetLabel() {
					if l.GetName() == "goversion" {
						l.Value = new(string)
						*l.Value = "GO"
					}
				}
			}
		}
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// TestExpositionGolden: serve --root on fixtures exports exactly the
// reviewed series. listen-overflow is a real-kernel recording (its
// NOTES.md): the findings over it and its last snapshot; the bond folder
// is a real server's /proc/net/bonding; rps-multiqueue-veth is folded.
func TestExpositionGolden(t *testing.T) {
	tests := []struct {
		golden string
		dir    []string
		opts   Options
	}{
		{"recordings_listen-overflow.prom", []string{"recordings", "listen-overflow"}, Options{}},
		{"realworld_bond-8023ad-aggregator-mismatch-no-partner.prom", []string{"realworld", "bond-8023ad-aggregator-mismatch-no-partner"}, Options{}},
		{"recordings_rps-multiqueue-veth_folded.prom", []string{"recordings", "rps-multiqueue-veth"}, Options{FoldCPUs: true}},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			an := readRoot(t, fixtures.Path(tc.dir...))
			tc.opts.Version = "test"
			got := exposition(t, NewFixed(an.Last(), tc.opts, an))
			path := fixtures.Path("golden", "serve", tc.golden)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./export -run Golden -update, then review)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("exposition differs from %s (-want +got):\n%s", path, d)
			}
		})
	}
}

// Every fixture, real and synthetic, gives an exposition that gathers
// without error (no duplicate series, consistent labels) and passes
// promlint, in every mode.
func TestExpositionLintsOnEveryFixture(t *testing.T) {
	var dirs []string
	recs, err := fixtures.Recordings()
	if err != nil {
		t.Fatal(err)
	}
	real, err := fixtures.RealWorld()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range recs {
		dirs = append(dirs, fixtures.Path("recordings", n))
	}
	for _, n := range real {
		dirs = append(dirs, fixtures.Path("realworld", n))
	}
	dirs = append(dirs, fixtures.Path("sosreport-mini"))
	modes := []Options{{}, {FoldCPUs: true}, {Interrupts: IRQAll}}
	for _, dir := range dirs {
		an := readRoot(t, dir)
		for _, opts := range modes {
			problems, err := testutil.CollectAndLint(NewFixed(an.Last(), opts, an))
			if err != nil {
				t.Errorf("%s %+v: %v", dir, opts, err)
			}
			for _, p := range problems {
				t.Errorf("%s %+v: %s: %s", dir, opts, p.Metric, p.Text)
			}
		}
	}
	h, err := synthhost.New(synthhost.Default())
	if err != nil {
		t.Fatal(err)
	}
	snap := collectFS(t, h)
	for _, opts := range modes {
		problems, err := testutil.CollectAndLint(fixed(snap, opts))
		if err != nil {
			t.Errorf("synthetic host %+v: %v", opts, err)
		}
		for _, p := range problems {
			t.Errorf("synthetic host %+v: %s: %s", opts, p.Metric, p.Text)
		}
	}
}

// seriesCounts are the series of the synthetic 256-CPU host (4×64-queue
// NICs, ~1,000 interrupt lines) that README.md states: keep them equal.
var seriesCounts = []struct {
	name string
	opts Options
	want int
}{
	{"default", Options{}, 3148},
	{"--fold-cpus", Options{FoldCPUs: true}, 657},
	{"--interrupts all", Options{Interrupts: IRQAll}, 6349},
	{"--interrupts all --fold-cpus", Options{Interrupts: IRQAll, FoldCPUs: true}, 1371},
}

func TestSeriesCountSyntheticHost(t *testing.T) {
	h, err := synthhost.New(synthhost.Default())
	if err != nil {
		t.Fatal(err)
	}
	snap := collectFS(t, h)
	for _, tc := range seriesCounts {
		e := fixed(snap, tc.opts)
		n := testutil.CollectAndCount(e)
		byFamily := map[string]int{}
		reg := prometheus.NewRegistry()
		reg.MustRegister(e)
		mfs, _ := reg.Gather()
		for _, mf := range mfs {
			byFamily[familyGroup(mf)] += len(mf.GetMetric())
		}
		t.Logf("%s: %d series %v", tc.name, n, byFamily)
		if n != tc.want {
			t.Errorf("%s: %d series, README says %d", tc.name, n, tc.want)
		}
	}
}

// familyGroup groups families for the log: softnet, interrupts, nic, …
func familyGroup(mf *dto.MetricFamily) string {
	name := mf.GetName()
	for _, p := range []string{"netvet_softnet", "netvet_softirqs", "netvet_interrupts", "netvet_nic", "netvet_ethtool", "netvet_bond", "netvet_netstat", "netvet_listener", "netvet_sysctl", "netvet_collector"} {
		if len(name) >= len(p) && name[:len(p)] == p {
			return p
		}
	}
	return "other"
}
