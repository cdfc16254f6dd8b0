package collect

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seedEthtool adds the testdata files whose names end in suffix, cut to
// their first 2 KiB: the fuzzer spends its time minimising big inputs
// (a 680-line -S) instead of exploring, and the start of each file has all
// of its line shapes.
func seedEthtool(f *testing.F, suffix string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "ethtool", "*"+suffix))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 2048)])
	}
}

// checkParseErr fails unless err is nil or a ParseError naming "f" with a
// line inside the input.
func checkParseErr(t *testing.T, err error, data []byte) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != "f" || pe.Line < 1 || pe.Line > strings.Count(string(data), "\n")+1 {
		t.Fatalf("err = %v, want a ParseError on f within the input", err)
	}
}

func FuzzParseEthtoolStats(f *testing.F) {
	seedEthtool(f, ".S")
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := parseEthtoolStats("f", data)
		checkParseErr(t, err, data)
		for _, s := range st {
			if s.Name == "" || strings.ContainsAny(s.Name, "\n") {
				t.Fatalf("bad name %q", s.Name)
			}
		}
		// What was read survives the JSON form.
		b, _ := json.Marshal(st)
		var back Stats
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if len(st) > 0 && !cmp.Equal(st, back) {
			t.Fatalf("JSON round trip changed the stats")
		}
	})
}

func FuzzParseEthtoolRings(f *testing.F) {
	seedEthtool(f, ".g")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseEthtoolRings("f", data)
		checkParseErr(t, err, data)
	})
}

func FuzzParseEthtoolChannels(f *testing.F) {
	seedEthtool(f, ".l")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseEthtoolChannels("f", data)
		checkParseErr(t, err, data)
	})
}

func FuzzParseEthtoolInfo(f *testing.F) {
	seedEthtool(f, ".i")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := parseEthtoolInfo("f", data)
		checkParseErr(t, err, data)
	})
}

func FuzzParseEthtoolFeatures(f *testing.F) {
	seedEthtool(f, ".k")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseEthtoolFeatures("f", data)
		checkParseErr(t, err, data)
	})
}

// FuzzParseEthtoolJSON feeds netvet/ethtool/<if>.json files: no panic, a
// ParseError or plain error naming the file, and a clean parse re-encodes
// to the same Ethtool.
func FuzzParseEthtoolJSON(f *testing.F) {
	files := sharedSeeds("*", "netvet", "ethtool", "*.json")
	for _, name := range files[:min(len(files), 40)] {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Add([]byte(`{"driver":"x","stats":[["a",1],["b",-1],["c",[1]],{"d":2}],"errors":["e"]}`))
	f.Add([]byte(`{"rings":{"rx":1,"rx_max":2,"tx":3,"tx_max":4},"channels":{"combined":8},"features":{"rx-gro":true}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := parseEthtoolJSON("f", data)
		if err != nil && !strings.HasPrefix(err.Error(), "f") {
			t.Fatalf("error does not name the file: %v", err)
		}
		if err != nil || e == nil {
			return
		}
		back, err := parseEthtoolJSON("f", encodeEthtool(e))
		if err != nil {
			t.Fatalf("re-encoded file does not parse: %v", err)
		}
		if e.Stats != nil && len(e.Stats) == 0 {
			e.Stats = nil // [] and absent encode alike
		}
		if !cmp.Equal(e, back) {
			t.Fatalf("re-encode changed the data:\n%s", cmp.Diff(e, back))
		}
	})
}

func FuzzParseMeta(f *testing.F) {
	files := sharedSeeds("*", "meta.json")
	for _, name := range files {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Add([]byte(`{"format":"netvet-recording/1","interval_ms":1000,"snapshots":[{"dir":"0000","time":"2026-11-22T10:00:00.000Z","config":false}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, times, err := parseMeta("f", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Path != "f" {
				t.Fatalf("err = %v, want a ParseError on f", err)
			}
			return
		}
		if m.Format != RecordingFormat || len(m.Snapshots) == 0 || len(times) != len(m.Snapshots) {
			t.Fatalf("accepted %+v", m)
		}
		for _, s := range m.Snapshots {
			if !filepath.IsLocal(s.Dir) || strings.Contains(s.Dir, "/") {
				t.Fatalf("accepted dir %q", s.Dir)
			}
		}
	})
}

// sharedSeeds lists the files of shared/realworld-snapshots matching the
// pattern's elements, or none when the folder is absent (the seeds written
// in the test are then used alone).
func sharedSeeds(pattern ...string) []string {
	root, ok := findShared("realworld-snapshots")
	if !ok {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(append([]string{root}, pattern...)...))
	return files
}
