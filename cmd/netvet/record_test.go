package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netvet/netvet/collect"
)

// TestRecordThenSnapshotRoot is issue 2's "done when": netvet record, then
// netvet snapshot --root of it, gives the same data as the live snapshot
// taken while recording (the same moments, so the same bytes).
func TestRecordThenSnapshotRoot(t *testing.T) {
	if _, err := os.Stat("/proc/interrupts"); err != nil {
		t.Skip("no /proc here")
	}
	dir := filepath.Join(t.TempDir(), "rec")
	ctx := context.Background()
	res, err := record(ctx, dir, sampleOpts{duration: 20 * time.Millisecond, interval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.snapshots != 3 {
		t.Errorf("snapshots = %d, want 3 (one at the start and one per interval)", res.snapshots)
	}
	replayed, o, err := lastSnapshot(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if o.Kind() != collect.KindRecording {
		t.Errorf("kind = %s, want recording", o.Kind())
	}
	if d := cmp.Diff(res.last, replayed, cmpopts.IgnoreFields(collect.CollectorStatus{}, "Duration"), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("live vs replayed last snapshot (-live +replay):\n%s", d)
	}
	if res.last.Interrupts == nil || res.last.Softnet == nil || res.last.Netstat == nil {
		t.Errorf("live snapshot lacks core counters: %+v", res.last.Status)
	}
}

func TestCommandErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	notRoot := t.TempDir()
	os.WriteFile(filepath.Join(notRoot, "random.txt"), []byte("x"), 0o644)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"record"}, 1, "-o DIR is required"},
		{[]string{"record", "-o", t.TempDir(), "--interval", "0s"}, 1, "--interval must be > 0"},
		{[]string{"snapshot", "--format", "yaml"}, 1, `--format "yaml"`},
		{[]string{"snapshot", "--root", missing}, 1, missing},
		{[]string{"snapshot", "--root", notRoot}, 1, notRoot},
		{[]string{"bench", "nonesuch"}, 1, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

// TestCPUProfileFlag checks the hidden --cpuprofile used to measure netvet's
// own cost writes a profile.
func TestCPUProfileFlag(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	if code, _, stderr := runCLI(t, "version", "--cpuprofile", prof); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Errorf("profile %s: %v (size %v)", prof, err, fi)
	}
}
