package tune

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/netvet/netvet/analyze"
)

// RollbackFormat names the rollback file's format.
const RollbackFormat = "netvet-rollback/1"

// Rollback is what a rollback file holds: the value of every setting apply
// was about to change, read just before, in the order apply changes them.
// Restoring writes them back in the reverse order.
type Rollback struct {
	Format  string    `json:"format"`
	Created time.Time `json:"created"`
	// Where the values belong: restoring them on another host, after a
	// reboot or in another network namespace would write the wrong things.
	Host   string  `json:"host"`
	BootID string  `json:"boot_id"`
	NetNS  string  `json:"netns"` // "net:[4026531840]": the namespace sysctls and devices belong to
	Root   string  `json:"root"`
	Steps  []Saved `json:"steps"`
}

// Saved is one setting's value before apply changed it.
type Saved struct {
	Finding  string         `json:"finding,omitempty"`
	Change   analyze.Change `json:"change"` // what apply set (the IRQ number as found at apply time)
	Previous string         `json:"previous"`
	// Features holds all of the device's features before a feature change:
	// the kernel turns dependent features off with the one asked for
	// (tx-tcp-mangleid-segmentation follows TSO), and a rollback restores
	// every feature that moved.
	Features map[string]bool `json:"features,omitempty"`
}

// identity is the host, boot and network namespace the target is in now.
func (t *Target) identity() (host, boot, netns string) {
	read := func(rel string) string {
		b, err := os.ReadFile(t.path(rel))
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	host = read("proc/sys/kernel/hostname")
	boot = read("proc/sys/kernel/random/boot_id")
	// The calling thread's namespace: apply may run on a thread that
	// joined one (tests do), and sysctls and devices follow the thread.
	netns, _ = os.Readlink("/proc/thread-self/ns/net")
	return host, boot, netns
}

func (t *Target) root() string {
	if t.Root == "" {
		return "/"
	}
	return t.Root
}

// WriteRollback writes r to path atomically: a temporary file in the same
// folder, synced, renamed over path, and the folder synced, so a crash
// leaves either no file or a whole one, never half of the old values.
func WriteRollback(path string, r *Rollback) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("rollback file: %w", err)
	}
	f, err := os.CreateTemp(dir, ".netvet-rollback-*.tmp")
	if err != nil {
		return fmt.Errorf("rollback file: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write rollback file %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write rollback file %s: %w", path, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// LoadRollback reads and checks a rollback file: its format, every change
// (the same checks as a plan's), and every previous value. A file that
// fails any of them is refused whole: restoring half of it would leave a
// state nobody asked for.
func LoadRollback(path string) (*Rollback, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rollback file: %w", err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("rollback file %s: %s", path, fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r Rollback
	if err := dec.Decode(&r); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
			return nil, bad("line %d: not valid JSON: %v", line, err)
		}
		return nil, bad("not a netvet rollback file: %v", err)
	}
	if dec.More() {
		return nil, bad("text after the JSON object")
	}
	if r.Format != RollbackFormat {
		return nil, bad("format %q, want %q", r.Format, RollbackFormat)
	}
	if len(r.Steps) == 0 {
		return nil, bad("holds no steps")
	}
	for i, s := range r.Steps {
		if err := Validate(s.Change); err != nil {
			return nil, bad("step %d: %v", i+1, err)
		}
		if err := validPrevious(s.Change, s.Previous); err != nil {
			return nil, bad("step %d: %v", i+1, err)
		}
		for name := range s.Features {
			if !feature.MatchString(name) {
				return nil, bad("step %d: %q is not a feature name", i+1, name)
			}
		}
	}
	return &r, nil
}
