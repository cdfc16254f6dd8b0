package tune

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const validRollback = `{"format":"netvet-rollback/1","created":"2026-11-22T10:00:00Z","host":"h","boot_id":"b","netns":"net:[1]","root":"/",
"steps":[{"finding":"tcp.syncookies_off","change":{"kind":"sysctl","target":"net.ipv4.tcp_syncookies","value":"1"},"previous":"0"},
{"change":{"kind":"feature","device":"eth0","target":"rx-gro","value":"on"},"previous":"off","features":{"rx-gro":false,"tx-tcp-segmentation":true}},
{"change":{"kind":"irq_affinity","irq":42,"vector":"eth0-TxRx-0","value":"3"},"previous":"0-7"}]}`

// FuzzLoadRollback: whatever the file holds, loading it never panics, and
// a file it accepts holds only changes and previous values netvet would
// write, and survives being written again unchanged.
func FuzzLoadRollback(f *testing.F) {
	f.Add([]byte(validRollback))
	f.Add([]byte(`{"format":"netvet-rollback/1","steps":[]}`))
	f.Add([]byte(`{"format":"netvet-rollback/1","steps":[{"change":{"kind":"sysfs","device":"eth0","target":"queues/rx-0/rps_cpus","value":"ff"},"previous":"00"}]}`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := LoadRollback(path)
		if err != nil {
			return
		}
		for i, s := range r.Steps {
			if err := Validate(s.Change); err != nil {
				t.Fatalf("accepted step %d: %v", i+1, err)
			}
			if err := validPrevious(s.Change, s.Previous); err != nil {
				t.Fatalf("accepted step %d: %v", i+1, err)
			}
		}
		out := filepath.Join(dir, "out.json")
		if err := WriteRollback(out, r); err != nil {
			t.Fatal(err)
		}
		r2, err := LoadRollback(out)
		if err != nil {
			t.Fatalf("rewritten file refused: %v", err)
		}
		if d := cmp.Diff(r, r2); d != "" {
			t.Fatalf("rewritten file differs:\n%s", d)
		}
	})
}

// FuzzReadPlan: a plan file never panics the reader, and a plan it
// accepts has only changes that pass Validate and renders as a script.
func FuzzReadPlan(f *testing.F) {
	res, last := analyzeFixture(f, "recordings/softnet-drops")
	b, err := json.Marshal(New(MetaOf(last, "recording softnet-drops"), res.Findings))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"schema":"netvet.plan/v1","source":"x","blocks":[{"finding":"a","severity":"info","subject":"s","summary":"t","changes":[{"kind":"ring","device":"eth0","target":"rx","value":"4096"}]}]}`))
	f.Add([]byte(`{"schema":"netvet.plan/v1","blocks":null}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "plan.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := ReadPlan(path)
		if err != nil {
			return
		}
		for _, s := range p.Steps() {
			if err := Validate(s.Change); err != nil {
				t.Fatalf("accepted %s: %v", s, err)
			}
		}
		if err := WriteScript(discard{}, p); err != nil {
			t.Fatal(err)
		}
	})
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
