package synthhost

import (
	"bytes"
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"
)

// TestFS checks the indexed in-memory FS with the standard library's
// conformance test, and that it holds exactly the MapFS's files.
func TestFS(t *testing.T) {
	h := mustNew(t, small())
	fsys, mfs := h.FS(), h.MapFS()
	if err := fstest.TestFS(fsys, "proc/interrupts", "sys/class/net/eth0/device.symlink", "netvet/ethtool/eth2.json"); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if f, ok := mfs[name]; !ok || !bytes.Equal(f.Data, data) {
			t.Errorf("%s differs from the MapFS", name)
		}
		return nil
	})
	if err != nil || n != len(mfs) {
		t.Errorf("walked %d files (MapFS has %d): %v", n, len(mfs), err)
	}
	if _, err := fsys.Open("proc/nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}
