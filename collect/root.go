package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// errNoRoot is wrapped by OpenRoot when a folder is none of the known kinds.
var errNoRoot = errors.New("not a recording (meta.json), a snapshot (proc/, sys/ or netvet/) or a sosreport (sos_commands/)")

// OpenRoot opens what --root names, by what the folder holds: a recording
// (meta.json), a sosreport (sos_commands/; it also has proc/ and sys/), or a
// single snapshot (proc/, sys/ or netvet/ at its top).
func OpenRoot(dir string) (Origin, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("open root: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("open root %s: not a folder", dir)
	}
	has := func(name string, wantDir bool) bool {
		fi, err := os.Stat(filepath.Join(dir, name))
		return err == nil && fi.IsDir() == wantDir
	}
	switch {
	case has(metaFile, false):
		return OpenRecording(dir)
	case has("sos_commands", true):
		return OpenSosreport(dir)
	case has("proc", true), has("sys", true), has("netvet", true):
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, fmt.Errorf("open root: %w", err)
		}
		return &snapshotDir{dir: dir, root: root}, nil
	}
	return nil, fmt.Errorf("open root %s: %w", dir, errNoRoot)
}

// snapshotDir is a folder holding one snapshot: counters are totals since
// boot, and everything it holds counts as configuration (Full).
type snapshotDir struct {
	dir  string
	root *os.Root
}

func (s *snapshotDir) Kind() Kind              { return KindSnapshot }
func (s *snapshotDir) Path() string            { return s.dir }
func (s *snapshotDir) Len() int                { return 1 }
func (s *snapshotDir) Interval() time.Duration { return 0 }
func (s *snapshotDir) Close() error            { return s.root.Close() }

func (s *snapshotDir) Source(ctx context.Context, i int, full bool) (Source, Moment, error) {
	if err := ctx.Err(); err != nil {
		return nil, Moment{}, err
	}
	if i != 0 {
		return nil, Moment{}, fmt.Errorf("snapshot %s: no moment %d (a snapshot folder has one)", s.dir, i)
	}
	fsys, err := subFolder(s.root, ".")
	if err != nil {
		return nil, Moment{}, err
	}
	return fsys, Moment{Index: 0, Time: hostTime(fsys), Full: true}, nil
}

// hostTime returns the time in netvet/host.json, zero when the file or the
// field is absent or unreadable (the host collector reports problems).
func hostTime(fsys fs.FS) time.Time {
	b, err := fs.ReadFile(fsys, hostFile)
	if err != nil {
		return time.Time{}
	}
	var h struct {
		Time time.Time `json:"time"`
	}
	if json.Unmarshal(b, &h) != nil {
		return time.Time{}
	}
	return h.Time
}
