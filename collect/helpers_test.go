package collect

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// writeTree creates files under dir: path -> content.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// findShared finds the project's shared/ folder (real-world data) beside the
// repository or a worktree of it and returns shared/sub, or false when it is
// not there. NETVET_SHARED names the shared folder explicitly (and is then
// trusted: a missing file in it fails the test rather than skipping it). Data
// that may not be in the repository (sysstat's GPL-2.0 tree) is only read
// from there.
func findShared(sub string) (string, bool) {
	if d := os.Getenv("NETVET_SHARED"); d != "" {
		return filepath.Join(d, sub), true
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", sub)
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// sharedDir is findShared for a test that needs the folder: it skips the
// test when the folder is absent.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	p, ok := findShared(sub)
	if !ok {
		t.Skipf("shared/%s not found above the working directory (set NETVET_SHARED)", sub)
	}
	return p
}

// readAll reads a whole file through fsys.
func readAll(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }

// newDirFS serves dir as a snapshot folder, without an os.Root (tests).
func newDirFS(dir string) *dirFS { return &dirFS{fsys: os.DirFS(dir)} }
