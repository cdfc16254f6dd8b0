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

// sharedDir finds the project's shared/ folder (real-world data) beside the
// repository or a worktree of it, or skips the test. NETVET_SHARED names it
// explicitly.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	if d := os.Getenv("NETVET_SHARED"); d != "" {
		return filepath.Join(d, sub)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", sub)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p
		}
		if filepath.Dir(d) == d {
			t.Skipf("shared/%s not found above %s (set NETVET_SHARED)", sub, wd)
		}
	}
}

// readAll reads a whole file through fsys.
func readAll(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }

// newDirFS serves dir as a snapshot folder, without an os.Root (tests).
func newDirFS(dir string) *dirFS { return &dirFS{fsys: os.DirFS(dir)} }
