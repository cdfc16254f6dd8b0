package tune

import (
	"context"
	"testing"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/fixtures"
)

// analyzeFixture replays a fixture folder ("recordings/softnet-drops") to
// its end and analyzes it.
func analyzeFixture(t testing.TB, rel string) (analyze.Result, *collect.Snapshot) {
	t.Helper()
	o, err := collect.OpenRoot(fixtures.Path(rel))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	var snaps []*collect.Snapshot
	s := &collect.Sampler{Origin: o}
	if err := s.Run(context.Background(), 0, func(snap *collect.Snapshot) error {
		snaps = append(snaps, snap)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	w := analyze.NewWindow(snaps, o.Interval())
	return analyze.Analyze(w, analyze.Options{}), w.Last()
}

// fixtureFindings are the findings of every fixture folder.
func fixtureFindings(t *testing.T) []analyze.Finding {
	t.Helper()
	var out []analyze.Finding
	for _, kind := range []string{"realworld", "recordings"} {
		list := fixtures.RealWorld
		if kind == "recordings" {
			list = fixtures.Recordings
		}
		names, err := list()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			res, _ := analyzeFixture(t, kind+"/"+n)
			out = append(out, res.Findings...)
		}
	}
	return out
}
