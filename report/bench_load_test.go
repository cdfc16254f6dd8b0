package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadBench(t *testing.T) {
	b, err := LoadBench([]string{"testdata/accept.json", "testdata/copy.json"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Copy == nil || b.Accept == nil || b.Empty() {
		t.Fatalf("loaded copy %v, accept %v", b.Copy != nil, b.Accept != nil)
	}
	if len(b.Copy.Results) != 28 || len(b.Accept.Results) != 16 {
		t.Errorf("%d copy results, %d accept results; want 28 and 16", len(b.Copy.Results), len(b.Accept.Results))
	}
	// A null in the JSON (not measured) stays not a number.
	for _, r := range b.Accept.Results {
		for _, run := range r.Runs {
			if run.CPULocal != nil && !run.CPULocal.Valid() {
				t.Errorf("%s: cpu_local null decoded as a number", r.Model)
			}
		}
	}
}

func TestLoadBenchErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	copyJSON, err := os.ReadFile("testdata/copy.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		paths []string
		want  string
	}{
		{"missing file", []string{filepath.Join(dir, "nope.json")}, "no such file"},
		{"not JSON", []string{write("a.json", "table output\n")}, "a.json: not a netvet bench JSON file"},
		{"no schema", []string{write("b.json", `{"results":[]}`)}, `b.json: no "schema" field`},
		{"other schema", []string{write("c.json", `{"schema":"netvet.check/v1"}`)}, `c.json: schema "netvet.check/v1" is not one netvet report reads`},
		{"newer version", []string{write("d.json", `{"schema":"netvet.bench.copy/v2"}`)}, `schema "netvet.bench.copy/v2"`},
		{"wrong type", []string{write("e.json", `{"schema":"netvet.bench.copy/v1","results":"x"}`)}, "e.json: netvet.bench.copy/v1: json"},
		{"two copies", []string{write("f.json", string(copyJSON)), write("g.json", string(copyJSON))}, "g.json: a second netvet.bench.copy/v1 file"},
		{"median out of range", []string{write("h.json", `{"schema":"netvet.bench.accept/v1","results":[{"model":"reuseport","mode":"close","median_run":1,"runs":[{}]}]}`)},
			"h.json: reuseport close: median_run 1 is not one of its 1 runs"},
	} {
		_, err := LoadBench(tc.paths)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to say %q", tc.name, err, tc.want)
		}
	}
}

func TestCopyTable(t *testing.T) {
	b, err := LoadBench([]string{"testdata/copy.json"})
	if err != nil {
		t.Fatal(err)
	}
	rows := copyTable(b.Copy).Rows
	want := map[string][]string{
		"tcp read-write":    {"tcp", "read-write", "2.72", "2.70–2.82", "1.00", "0.079", "0.252", "15,259", ""},
		"unix msg-zerocopy": {"unix", "msg-zerocopy", "—", "—", "—", "—", "—", "—", "skipped: MSG_ZEROCOPY is for TCP (and UDP) sockets"},
	}
	for _, r := range rows {
		if w, ok := want[r[0]+" "+r[1]]; ok {
			if d := cmp.Diff(w, r); d != "" {
				t.Errorf("%s %s (-want +got):\n%s", r[0], r[1], d)
			}
			delete(want, r[0]+" "+r[1])
		}
	}
	for k := range want {
		t.Errorf("no row %s", k)
	}
}

func TestWorkerShares(t *testing.T) {
	b, err := LoadBench([]string{"testdata/accept.json"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range b.Accept.Results {
		shares := workerShares(r)
		if len(shares) != len(r.Median().Workers) {
			t.Errorf("%s %s: %d shares for %d workers", r.Model, r.Mode, len(shares), len(r.Median().Workers))
		}
		sum := 0.0
		for _, s := range shares {
			sum += s
		}
		// Shares relative to an equal one average to 1.
		if n := float64(len(shares)); n > 0 && (sum/n < 0.999 || sum/n > 1.001) {
			t.Errorf("%s %s: shares %v average %v, want 1", r.Model, r.Mode, shares, sum/n)
		}
	}
}
