package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// RecordingFormat is the format this netvet reads and writes (DESIGN.md
// "Recording format").
const RecordingFormat = "netvet-recording/1"

// metaFile names a recording's index.
const metaFile = "meta.json"

// recordingMeta is DIR/meta.json. Fields other tools add ("note") are
// ignored.
type recordingMeta struct {
	Format     string         `json:"format"`
	Host       string         `json:"host,omitempty"`
	Kernel     string         `json:"kernel,omitempty"`
	IntervalMs int64          `json:"interval_ms"`
	Snapshots  []metaSnapshot `json:"snapshots"`
}

// metaSnapshot is one entry of meta.json's snapshots.
type metaSnapshot struct {
	Dir  string `json:"dir"`
	Time string `json:"time,omitempty"` // RFC 3339; absent when unknown
	// Config says whether the snapshot holds the configuration files.
	// Absent means true (recordings made before the flag existed, and
	// hand-made ones, hold everything they hold); false marks a fast
	// snapshot whose configuration is carried from the one before.
	Config *bool `json:"config,omitempty"`
}

// full reports the snapshot's config flag (absent = true).
func (m metaSnapshot) full() bool { return m.Config == nil || *m.Config }

// recording is an Origin over a recording folder.
type recording struct {
	dir   string
	root  *os.Root
	meta  recordingMeta
	times []time.Time
}

// OpenRecording opens a recording folder (one with meta.json).
func OpenRecording(dir string) (Origin, error) {
	name := filepath.Join(dir, metaFile)
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("open recording: %w", err)
	}
	m, times, err := parseMeta(name, b)
	if err != nil {
		return nil, err
	}
	for i, s := range m.Snapshots {
		fi, err := os.Stat(filepath.Join(dir, s.Dir))
		if err != nil {
			return nil, fmt.Errorf("%s: snapshots[%d]: %w", name, i, err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("%s: snapshots[%d]: %s is not a folder", name, i, s.Dir)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open recording: %w", err)
	}
	return &recording{dir: dir, root: root, meta: m, times: times}, nil
}

// parseMeta reads and checks meta.json; name is the path used in errors.
func parseMeta(name string, b []byte) (recordingMeta, []time.Time, error) {
	var m recordingMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return m, nil, jsonErr(name, b, err)
	}
	bad := func(format string, args ...any) (recordingMeta, []time.Time, error) {
		return m, nil, &ParseError{Path: name, Err: fmt.Errorf(format, args...)}
	}
	switch m.Format {
	case RecordingFormat:
	case "":
		return bad("no \"format\": want %q", RecordingFormat)
	default:
		return bad("format %q is not supported (this netvet reads %q)", m.Format, RecordingFormat)
	}
	if m.IntervalMs < 0 {
		return bad("interval_ms %d is negative", m.IntervalMs)
	}
	if len(m.Snapshots) == 0 {
		return bad("no snapshots")
	}
	times := make([]time.Time, len(m.Snapshots))
	seen := make(map[string]bool, len(m.Snapshots))
	for i, s := range m.Snapshots {
		if s.Dir == "" || s.Dir == "." || s.Dir == ".." || !fs.ValidPath(s.Dir) || filepath.Base(s.Dir) != s.Dir {
			return bad("snapshots[%d]: dir %q is not a folder name", i, s.Dir)
		}
		if seen[s.Dir] {
			return bad("snapshots[%d]: dir %q is listed twice", i, s.Dir)
		}
		seen[s.Dir] = true
		if s.Time != "" {
			t, err := time.Parse(time.RFC3339Nano, s.Time)
			if err != nil {
				return bad("snapshots[%d]: time %q is not RFC 3339", i, s.Time)
			}
			times[i] = t
		}
	}
	return m, times, nil
}

func (r *recording) Kind() Kind   { return KindRecording }
func (r *recording) Path() string { return r.dir }
func (r *recording) Len() int     { return len(r.meta.Snapshots) }
func (r *recording) Close() error { return r.root.Close() }

func (r *recording) Interval() time.Duration {
	return time.Duration(r.meta.IntervalMs) * time.Millisecond
}

// Source returns snapshot i. full is ignored: the recording says in
// Moment.Full whether the snapshot holds the configuration.
func (r *recording) Source(ctx context.Context, i int, full bool) (Source, Moment, error) {
	if err := ctx.Err(); err != nil {
		return nil, Moment{}, err
	}
	if i < 0 || i >= len(r.meta.Snapshots) {
		return nil, Moment{}, fmt.Errorf("recording %s: no snapshot %d (it has %d)", r.dir, i, len(r.meta.Snapshots))
	}
	s := r.meta.Snapshots[i]
	fsys, err := subFolder(r.root, s.Dir)
	if err != nil {
		return nil, Moment{}, fmt.Errorf("recording %s: %w", r.dir, err)
	}
	t := r.times[i]
	if t.IsZero() {
		t = hostTime(fsys) // recordings made by hand may say it only there
	}
	return fsys, Moment{Index: i, Time: t, Full: s.full()}, nil
}
