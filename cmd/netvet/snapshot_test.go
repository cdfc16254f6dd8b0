package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/netvet/netvet/fixtures"
)

// TestSnapshotEveryRealWorldFolder is issue 2's "done when": `netvet
// snapshot --root X --format json` succeeds on every real-world folder —
// the repository's copies, and the shared originals when they are beside
// the checkout (they include the GPL sysstat tree the repository leaves out).
func TestSnapshotEveryRealWorldFolder(t *testing.T) {
	var dirs []string
	names, err := fixtures.RealWorld()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		dirs = append(dirs, fixtures.Path("realworld", n))
	}
	shared := filepath.Join(fixtures.Dir(), "..", "..", "shared", "realworld-snapshots")
	if v := os.Getenv("NETVET_SHARED"); v != "" {
		shared = filepath.Join(v, "realworld-snapshots")
	}
	if ents, err := os.ReadDir(shared); err == nil {
		for _, e := range ents {
			if e.IsDir() {
				dirs = append(dirs, filepath.Join(shared, e.Name()))
			}
		}
	} else {
		t.Logf("shared real-world snapshots not found (%v): testing the repository's copies only", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "snapshot", "--root", dir, "--format", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var v struct {
				Status []struct{ Name, State, Err string }
			}
			if err := json.Unmarshal([]byte(stdout), &v); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			ok := 0
			for _, st := range v.Status {
				if st.State == "ok" {
					ok++
				}
			}
			if ok == 0 {
				t.Errorf("no collector found anything: %+v", v.Status)
			}
			// The table form must work too.
			if code, _, stderr := runCLI(t, "snapshot", "--root", dir); code != 0 {
				t.Errorf("table: exit %d: %s", code, stderr)
			}
		})
	}
}
