package tune

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
)

func TestRollbackRoundTrip(t *testing.T) {
	r := &Rollback{
		Format: RollbackFormat, Created: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		Host: "web1", BootID: "b00t", NetNS: "net:[4026531840]", Root: "/",
		Steps: []Saved{
			{Finding: "tcp.syncookies_off", Change: cookies, Previous: "0"},
			{Finding: "x", Change: portRange, Previous: "32768\t60999"},
			{Finding: "y", Change: tsoOff, Previous: "on", Features: map[string]bool{"tx-tcp-segmentation": true, "rx-gro": false}},
		},
	}
	path := filepath.Join(t.TempDir(), "a", "b", "rollback.json")
	if err := WriteRollback(path, r); err != nil {
		t.Fatal(err)
	}
	got, err := LoadRollback(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r, got); d != "" {
		t.Errorf("round trip (-wrote +read):\n%s", d)
	}
	// Writing again replaces the file whole.
	r.Steps = r.Steps[:1]
	if err := WriteRollback(path, r); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadRollback(path); err != nil || len(got.Steps) != 1 {
		t.Errorf("rewritten: %v, %+v", err, got)
	}
}

func TestLoadRollbackRefuses(t *testing.T) {
	valid := `{"format":"netvet-rollback/1","created":"2026-11-22T10:00:00Z","host":"h","boot_id":"b","netns":"net:[1]","root":"/",
"steps":[{"change":{"kind":"sysctl","target":"net.core.somaxconn","value":"8192"},"previous":"4096"}]}`
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", "not a netvet rollback file: EOF"},
		{"not JSON", "{\n\"format\": \"netvet-rollback/1\",\n  oops\n}", "line 3: not valid JSON"},
		{"truncated", valid[:len(valid)/2], "not a netvet rollback file: unexpected EOF"},
		{"another format", strings.Replace(valid, "netvet-rollback/1", "netvet-rollback/9", 1), `format "netvet-rollback/9", want "netvet-rollback/1"`},
		{"a plan, not a rollback", `{"schema":"netvet.plan/v1","blocks":[]}`, `unknown field "schema"`},
		{"no steps", strings.Replace(valid, `"steps":[{"change":{"kind":"sysctl","target":"net.core.somaxconn","value":"8192"},"previous":"4096"}]`, `"steps":[]`, 1), "holds no steps"},
		{"text after it", valid + "\n{}", "text after the JSON object"},
		{"a path outside", strings.Replace(valid, "net.core.somaxconn", "net.core.somaxconn/../../../../etc/shadow", 1), "step 1: sysctl change"},
		{"a kernel sysctl", strings.Replace(valid, "net.core.somaxconn", "kernel.core_pattern", 1), "not a network sysctl"},
		{"a previous value with a newline", strings.Replace(valid, `"previous":"4096"`, `"previous":"4096\nx"`, 1), "step 1: previous value \"4096\\nx\" cannot be written back"},
		{"an unknown kind", strings.Replace(valid, `"kind":"sysctl"`, `"kind":"shell"`, 1), `unknown change kind "shell"`},
		{"a feature value", `{"format":"netvet-rollback/1","steps":[{"change":{"kind":"feature","device":"eth0","target":"rx-gro","value":"on"},"previous":"maybe"}]}`, `previous value "maybe" cannot be written back`},
		{"a bad feature name", `{"format":"netvet-rollback/1","steps":[{"change":{"kind":"feature","device":"eth0","target":"rx-gro","value":"on"},"previous":"off","features":{"rx gro; reboot":true}}]}`, `"rx gro; reboot" is not a feature name`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rollback.json")
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadRollback(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %v, want one naming the file with %q", err, tc.want)
			}
		})
	}
	if _, err := LoadRollback(filepath.Join(t.TempDir(), "missing.json")); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("missing file: %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func TestWriteRollbackFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A folder that is a file: nothing can be written, and nothing is left.
	err := WriteRollback(filepath.Join(file, "rollback.json"), &Rollback{Format: RollbackFormat, Steps: []Saved{{Change: analyze.Change{Kind: analyze.ChangeSysctl}}}})
	if err == nil || !strings.Contains(err.Error(), "rollback file") {
		t.Errorf("error %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
}
