package collect

import (
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/internal/cpumask"
)

// Test helpers for the sysfs collectors: trees in memory, real-data trees
// loaded from testdata, and a Source that fails chosen files the way the
// kernel does.

// sysfile is a MapFS file with the given content.
func sysfile(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// sysdir is an explicit (possibly empty) MapFS directory.
func sysdir() *fstest.MapFile { return &fstest.MapFile{Mode: fs.ModeDir | 0o555} }

// loadTree reads testdata/realworld/<name> into a MapFS. Path elements are
// unescaped ("%3A" -> ":", see testdata/realworld/PROVENANCE.md).
func loadTree(t testing.TB, name string) fstest.MapFS {
	t.Helper()
	return loadTreeDir(t, filepath.Join("testdata", "realworld", name))
}

// loadTreeDir reads the folder root into a MapFS, unescaping path elements
// as loadTree does.
func loadTreeDir(t testing.TB, root string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		elems := strings.Split(filepath.ToSlash(rel), "/")
		for i, e := range elems {
			if elems[i], err = url.PathUnescape(e); err != nil {
				return err
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		m[strings.Join(elems, "/")] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatalf("load %s: %v", root, err)
	}
	return m
}

// faultFS serves fsys but fails chosen paths: open[p] is returned by Open
// (fs.ErrPermission for an unreadable file), read[p] by the first Read of an
// opened file (sysfs refuses a value at read time: EINVAL for the speed of a
// down link). It deliberately does not implement ReadLinkFS, so links come
// from NAME.symlink files as in a recording.
type faultFS struct {
	fsys fs.FS
	open map[string]error
	read map[string]error
}

func (f faultFS) Open(name string) (fs.File, error) {
	if err, ok := f.open[name]; ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if err, ok := f.read[name]; ok {
		return &errFile{name: name, err: err}, nil
	}
	return f.fsys.Open(name)
}

type errFile struct {
	name string
	err  error
}

func (e *errFile) Stat() (fs.FileInfo, error) { return errInfo{path: e.name}, nil }
func (e *errFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: e.name, Err: e.err}
}
func (e *errFile) Close() error { return nil }

type errInfo struct{ path string }

func (i errInfo) Name() string       { return i.path[strings.LastIndex(i.path, "/")+1:] }
func (i errInfo) Size() int64        { return 4096 }
func (i errInfo) Mode() fs.FileMode  { return 0o444 }
func (i errInfo) ModTime() time.Time { return time.Time{} }
func (i errInfo) IsDir() bool        { return false }
func (i errInfo) Sys() any           { return nil }

var _ io.Reader = (*errFile)(nil)

// collectorOn returns a Collector reading fsys, as Collect would set it up.
func collectorOn(fsys fs.FS) *Collector {
	c := NewCollector()
	c.r.fsys = fsys
	return c
}

// emptySnapshot is an empty Snapshot with a Config, as Collect makes one.
func emptySnapshot() *Snapshot {
	return &Snapshot{Config: &Config{Status: map[string]CollectorStatus{}}}
}

// cpuSetCmp compares cpumask.Sets by their members.
var cpuSetCmp = cmp.Comparer(func(a, b cpumask.Set) bool { return a.Equal(b) })

// sysfsCmp are the options every collector test compares with. nil and empty
// are not equated: an absent map or list is different from an empty one.
var sysfsCmp = []cmp.Option{cpuSetCmp}

// wantParseError checks that err is a *ParseError for path (and line, when
// line >= 0).
func wantParseError(t *testing.T, err error, path string, line int) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v (%T), want a *ParseError for %s", err, err, path)
	}
	if pe.Path != path || (line >= 0 && pe.Line != line) {
		t.Fatalf("ParseError at %s:%d (%v), want %s:%d", pe.Path, pe.Line, pe.Err, path, line)
	}
}
