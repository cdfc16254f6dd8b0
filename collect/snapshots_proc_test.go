package collect

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// procCollectorNames are the collectors this file's tests judge; the others
// belong to other files and may be stubs.
var procCollectorNames = []string{"host", "softirqs", "softnet", "netstat", "snmp", "netdev", "sockstat", "sysctls"}

// checkProcSnapshot runs a full Collect on one snapshot folder and requires each
// of procCollectorNames to be ok or unavailable (never an error), and returns
// the snapshot.
func checkProcSnapshot(t *testing.T, dir string) *Snapshot {
	t.Helper()
	s := NewCollector().Collect(context.Background(), os.DirFS(dir), nil, true)
	for _, name := range procCollectorNames {
		st, ok := s.StatusOf(name)
		if !ok {
			t.Fatalf("%s: collector %s did not run", dir, name)
		}
		if st.State == StateError {
			t.Errorf("%s: %s: %s", dir, name, st.Err)
		}
	}
	return s
}

// TestCollectRealTrees runs the collectors on the testdata trees laid out
// like a root (proc/...), and checks what each holds. (A host with CPU6
// offline is TestCollectOfflineHost, and sysstat's tree TestSysstatCollect.)
func TestCollectRealTrees(t *testing.T) {
	laptop := checkProcSnapshot(t, filepath.Join(procRealworldDir, "node_exporter/laptop-4cpu-softnet-drops"))
	if len(laptop.Softnet) != 4 || laptop.Softnet[1].Dropped != 0x29 || !laptop.Softnet[1].HasFlowLimit() {
		t.Errorf("laptop softnet: %+v", laptop.Softnet)
	}
	if v, ok := laptop.Netstat.Get("TcpExt.TCPRcvQDrop"); !ok || v != 131 {
		t.Errorf("laptop TCPRcvQDrop = %d, %v", v, ok)
	}
}

// TestCollectSharedSnapshots runs every shared real-world snapshot and
// recording moment through Collect, when the folder is present.
func TestCollectSharedSnapshots(t *testing.T) {
	shared := sharedDir(t, "realworld-snapshots")
	ents, err := os.ReadDir(shared)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		dir := filepath.Join(shared, e.Name())
		if _, err := os.Stat(filepath.Join(dir, "meta.json")); err == nil {
			subs, _ := filepath.Glob(filepath.Join(dir, "[0-9][0-9][0-9][0-9]"))
			for _, sub := range subs {
				checkProcSnapshot(t, sub)
				n++
			}
			continue
		}
		checkProcSnapshot(t, dir)
		n++
	}
	t.Logf("%d snapshots", n)
}

// TestRealworldCopiesMatchShared guards the testdata copies against drift
// from shared/realworld when it is present.
func TestRealworldCopiesMatchShared(t *testing.T) {
	shared := sharedDir(t, "realworld")
	err := filepath.WalkDir(procRealworldDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "PROVENANCE.md" {
			return err
		}
		rel, _ := filepath.Rel(procRealworldDir, p)
		ours, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		theirs, err := os.ReadFile(filepath.Join(shared, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		if !bytes.Equal(ours, theirs) {
			t.Errorf("%s differs from the shared copy", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
