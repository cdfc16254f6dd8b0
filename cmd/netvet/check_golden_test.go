package main

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/fixtures"
)

// TestCheckRecordingJSONGolden is the end-to-end path of issue 3: a
// recording made by `netvet record` on a real kernel
// (fixtures/recordings/listen-overflow, see its NOTES.md), read back with
// `netvet check --root`, gives exactly the reviewed netvet.check/v1 JSON.
// Collector durations and the fixture's absolute path are the only fields
// that vary between runs; they are normalised.
func TestCheckRecordingJSONGolden(t *testing.T) {
	dir := fixtures.Path("recordings", "listen-overflow")
	code, stdout, stderr := runCLI(t, "check", "--root", dir, "--format", "json")
	if code != 2 {
		t.Fatalf("exit %d, want 2 (critical); stderr %s", code, stderr)
	}
	got := normaliseCheckJSON(t, stdout, dir)
	golden := fixtures.Path("golden", "check-json", "recordings_listen-overflow.json")
	if *updateGolden {
		if err := os.MkdirAll(fixtures.Path("golden", "check-json"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/netvet -run Golden -update, then review)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("check JSON differs from %s (-want +got):\n%s", golden, d)
	}
}

var durationMS = regexp.MustCompile(`"duration_ms": [0-9.e+-]+`)

func normaliseCheckJSON(t *testing.T, out, dir string) string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	v["source"] = "recording FIXTURE"
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return durationMS.ReplaceAllString(string(b), `"duration_ms": 0`) + "\n"
}
