package report

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/fixtures"
)

var update = flag.Bool("update", false, "rewrite fixtures/golden/report (review the diff before committing)")

// goldenFixtures are the folders every report is checked on: the
// real-kernel recordings, every real server's data, the sosreport.
func goldenFixtures(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{"sosreport-mini": fixtures.Path("sosreport-mini")}
	recs, err := fixtures.Recordings()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range recs {
		out["recordings_"+n] = fixtures.Path("recordings", n)
	}
	rw, err := fixtures.RealWorld()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range rw {
		out["realworld_"+n] = fixtures.Path("realworld", n)
	}
	return out
}

// TestReportStructureGolden renders the report of every fixture and
// compares what a reader sees (sections, findings, plots and their SVGs,
// tables) with the reviewed golden structure. Beside the golden, it checks
// what holds for every page: the findings are the analyzer's, in its order
// (most severe first), and parsePage's rules (self-contained, one SVG or a
// reason per plot).
func TestReportStructureGolden(t *testing.T) {
	for name, dir := range goldenFixtures(t) {
		t.Run(name, func(t *testing.T) {
			r := build(t, dir, Bench{})
			_, got := parsePage(t, render(t, testPage(r)))
			var want []string
			for _, f := range r.analyzed {
				want = append(want, fmt.Sprintf("%s %s %s", f.Severity, f.ID, f.Subject))
			}
			if d := cmp.Diff(want, got.Findings); d != "" {
				t.Errorf("findings in the page differ from the analyzer's (-analyzer +page):\n%s", d)
			}
			wantSections := []string{"summary", "findings", "plots", "bonds", "config", "rates"}
			if len(r.Blind) > 0 {
				wantSections = append(wantSections, "blind")
			}
			if d := cmp.Diff(wantSections, got.Sections); d != "" {
				t.Errorf("sections (-want +got):\n%s", d)
			}
			// Readable without the pictures: every plot drawn carries
			// its numbers as a table too.
			for _, p := range got.Plots {
				if p.SVGs > 0 && len(p.Tables) == 0 {
					t.Errorf("plot %s has an SVG and no table", p.ID)
				}
			}
			compareGolden(t, filepath.Join("report", name+".json"), got)
		})
	}
}

// compareGolden compares v as indented JSON with fixtures/golden/NAME.
func compareGolden(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got := string(b) + "\n"
	path := fixtures.Path("golden", name)
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
		t.Fatalf("%v (go test ./report -run Golden -update, then review the diff)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("page structure differs from %s (-want +got):\n%s", path, d)
	}
}

// TestReportBenchStructureGolden renders a report with both benchmark
// files (real runs of netvet bench copy and accept on this project's CI
// box) and checks the benchmark section's plots and tables.
func TestReportBenchStructureGolden(t *testing.T) {
	b, err := LoadBench([]string{"testdata/copy.json", "testdata/accept.json"})
	if err != nil {
		t.Fatal(err)
	}
	r := build(t, fixtures.Path("recordings", "listen-overflow"), b)
	_, got := parsePage(t, render(t, testPage(r)))
	if got.Sections[len(got.Sections)-1] != "bench" && got.Sections[len(got.Sections)-2] != "bench" {
		t.Errorf("no bench section: %v", got.Sections)
	}
	var ids []string
	for _, p := range got.Plots {
		ids = append(ids, p.ID)
	}
	want := []string{"irq-heatmap", "softnet", "nic-drops", "accept-fill", "copy-throughput", "copy-cpu", "accept-rate", "accept-latency", "accept-fairness"}
	if d := cmp.Diff(want, ids); d != "" {
		t.Errorf("plots (-want +got):\n%s", d)
	}
	compareGolden(t, filepath.Join("report", "bench_listen-overflow.json"), got)
}
