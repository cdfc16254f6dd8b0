package collect

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Real files from shared/realworld are copied byte for byte under
// testdata/proc-realworld (same paths; see testdata/proc-realworld/PROVENANCE.md), so
// the tests run on a fresh clone. When the shared folder is present
// (findShared), tests also walk it to catch files added there later, and
// read the data whose licence keeps it out of the repository.
const procRealworldDir = "testdata/proc-realworld"

// procRealFile returns a file of testdata/proc-realworld.
func procRealFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(procRealworldDir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// procRealFiles lists the testdata/proc-realworld files whose base name matches.
func procRealFiles(t testing.TB, match func(base string) bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(procRealworldDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && match(d.Name()) {
			rel, _ := filepath.Rel(procRealworldDir, p)
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

// procErrFS answers Open with a fixed error for the listed paths.
type procErrFS struct {
	fs.FS
	errs map[string]error
}

func (e procErrFS) Open(name string) (fs.File, error) {
	if err, ok := e.errs[name]; ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return e.FS.Open(name)
}

// runProc runs one collector function on fsys and returns the snapshot and error.
func runProc(fsys fs.FS, fn func(*Collector, *Snapshot) error) (*Snapshot, error) {
	c := NewCollector()
	c.r.fsys = fsys
	s := &Snapshot{Config: &Config{}}
	return s, fn(c, s)
}

// procMapFS builds a MapFS from path/content pairs.
func procMapFS(kv ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = &fstest.MapFile{Data: []byte(kv[i+1])}
	}
	return m
}

// wantProcParseError checks that err is a *ParseError for path at line whose
// message contains want.
func wantProcParseError(t *testing.T, err error, path string, line int, want string) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T), want a *ParseError", err, err)
	}
	if pe.Path != path || pe.Line != line || !strings.Contains(pe.Error(), want) {
		t.Fatalf("error %q (path %q line %d), want path %q line %d containing %q", pe.Error(), pe.Path, pe.Line, path, line, want)
	}
}

// procLiveFS is this machine's root, for tests that check structure (not
// values) of the running kernel's files.
func procLiveFS(t *testing.T) fs.FS {
	t.Helper()
	if _, err := os.Stat("/proc/net/dev"); err != nil {
		t.Skip("no /proc here:", err)
	}
	return os.DirFS("/")
}

// procSortedStrings compares string slices as sets.
var procSortedStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// checkParsed is the common end of a parser table test: no error when none
// is wanted, else a ParseError on path and line naming wantErr; and the
// parsed value equal to want either way (a bad line loses nothing else).
func checkParsed[T any](t *testing.T, got T, err error, path string, want T, wantLine int, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if err != nil {
			t.Fatal(err)
		}
	} else {
		wantProcParseError(t, err, path, wantLine, wantErr)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
