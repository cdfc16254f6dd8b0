package collect

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp/cmpopts"
)

// Real files from shared/realworld are copied byte for byte under
// testdata/realworld (same paths; see testdata/realworld/PROVENANCE.md), so
// the tests run on a fresh clone. When the shared folder is present, tests
// also walk it to catch files added there later.
const (
	realworldDir    = "testdata/realworld"
	sharedRealworld = "/work/shared/realworld"
	sharedSnapshots = "/work/shared/realworld-snapshots"
)

// realFile returns a file of testdata/realworld.
func realFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(realworldDir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// realFiles lists the testdata/realworld files whose base name matches.
func realFiles(t testing.TB, match func(base string) bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(realworldDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && match(d.Name()) {
			rel, _ := filepath.Rel(realworldDir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no real files matched")
	}
	return out
}

// errFS answers Open with a fixed error for the listed paths.
type errFS struct {
	fs.FS
	errs map[string]error
}

func (e errFS) Open(name string) (fs.File, error) {
	if err, ok := e.errs[name]; ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return e.FS.Open(name)
}

// run runs one collector function on fsys and returns the snapshot and error.
func run(fsys fs.FS, fn func(*Collector, *Snapshot) error) (*Snapshot, error) {
	c := NewCollector()
	c.r.fsys = fsys
	s := &Snapshot{Config: &Config{}}
	return s, fn(c, s)
}

// mapFS builds a MapFS from path/content pairs.
func mapFS(kv ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = &fstest.MapFile{Data: []byte(kv[i+1])}
	}
	return m
}

// wantParseError checks that err is a *ParseError for path at line whose
// message contains want.
func wantParseError(t *testing.T, err error, path string, line int, want string) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want a *ParseError", err, err)
	}
	if pe.Path != path || pe.Line != line || !strings.Contains(pe.Error(), want) {
		t.Fatalf("error %q (path %q line %d), want path %q line %d containing %q", pe.Error(), pe.Path, pe.Line, path, line, want)
	}
}

// liveFS is this machine's root, for tests that check structure (not
// values) of the running kernel's files.
func liveFS(t *testing.T) fs.FS {
	t.Helper()
	if _, err := os.Stat("/proc/net/dev"); err != nil {
		t.Skip("no /proc here:", err)
	}
	return os.DirFS("/")
}

// cmpSorted compares string slices as sets.
var cmpSorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })
