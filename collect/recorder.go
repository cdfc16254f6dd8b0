package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Recorder writes a recording (DESIGN.md "Recording format") of the Sources
// of another Origin, usually the live host. Each Source it hands out is a
// wrapper that copies what a collector reads into DIR/NNNN/ — the files, the
// folder listings, the symlinks — so the recording holds exactly what the
// collectors needed and replays byte for byte. See recordfs.go for how
// failures and listings are kept. A file that has not changed since the
// last snapshot that read it is a hard link to that copy (recordlink.go).
//
// A snapshot is finished by Commit, or by the next Source or Close; each
// finish rewrites DIR/meta.json atomically (temp file + rename), so a
// recording cut short holds every finished snapshot. Read a Source
// completely before asking for the next one.
type Recorder struct {
	dir      string
	inner    Origin
	interval time.Duration

	mu   sync.Mutex
	meta recordingMeta
	next int
	cur  *recordFS
	cm   metaSnapshot
	kept *keptFiles
}

// Record starts a recording of o in dir, which must not exist or be empty.
// interval is the sampling interval written to meta.json (0: unknown).
func Record(dir string, o Origin, interval time.Duration) (*Recorder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	if len(ents) > 0 {
		return nil, fmt.Errorf("record: %s is not empty", dir)
	}
	return &Recorder{
		dir: dir, inner: o, interval: interval,
		meta: recordingMeta{Format: RecordingFormat, IntervalMs: interval.Milliseconds()},
		kept: newKeptFiles(),
	}, nil
}

func (r *Recorder) Kind() Kind   { return r.inner.Kind() }
func (r *Recorder) Path() string { return r.inner.Path() }
func (r *Recorder) Len() int     { return r.inner.Len() }

// Dir is the recording's folder.
func (r *Recorder) Dir() string { return r.dir }

func (r *Recorder) Interval() time.Duration {
	if r.interval > 0 {
		return r.interval
	}
	return r.inner.Interval()
}

// Source finishes the snapshot in progress, then returns the inner Origin's
// moment i wrapped so that what is read from it is written to the next
// snapshot folder.
func (r *Recorder) Source(ctx context.Context, i int, full bool) (Source, Moment, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.commitLocked(); err != nil {
		return nil, Moment{}, err
	}
	src, m, err := r.inner.Source(ctx, i, full)
	if err != nil {
		return nil, Moment{}, err
	}
	name := fmt.Sprintf("%04d", r.next)
	dir := filepath.Join(r.dir, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, Moment{}, fmt.Errorf("record: %w", err)
	}
	r.next++
	r.cur = &recordFS{inner: src, dir: dir, kept: r.kept, written: map[string]bool{}}
	r.cm = metaSnapshot{Dir: name}
	if !m.Time.IsZero() {
		r.cm.Time = m.Time.UTC().Format(hostTimeLayout)
	}
	if !m.Full {
		f := false
		r.cm.Config = &f
	}
	return r.cur, m, nil
}

// Commit finishes the snapshot in progress: empty folders get a _void
// marker and meta.json is rewritten with it. It returns the first error met
// while writing the snapshot; the snapshot is listed anyway (what was
// written is usable).
func (r *Recorder) Commit() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.commitLocked()
}

func (r *Recorder) commitLocked() error {
	cur := r.cur
	if cur == nil {
		return nil
	}
	r.cur = nil
	werr := cur.firstErr()
	if err := markEmpty(cur.dir); err != nil && werr == nil {
		werr = err
	}
	if r.meta.Host == "" && r.meta.Kernel == "" {
		if h, err := readHostJSON(filepath.Join(cur.dir, filepath.FromSlash(hostFile))); err == nil {
			r.meta.Host, r.meta.Kernel = h.Hostname, h.Kernel
		}
	}
	r.meta.Snapshots = append(r.meta.Snapshots, r.cm)
	if err := writeMeta(r.dir, &r.meta); err != nil {
		return err
	}
	if werr != nil {
		return fmt.Errorf("record %s: %w", cur.dir, werr)
	}
	return nil
}

// Close finishes the snapshot in progress and closes the inner Origin.
func (r *Recorder) Close() error {
	err := r.Commit()
	return errors.Join(err, r.inner.Close())
}

// writeMeta replaces DIR/meta.json atomically.
func writeMeta(dir string, m *recordingMeta) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".meta-*.json")
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("record: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("record: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, metaFile)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("record: %w", err)
	}
	return nil
}

// markEmpty puts a _void file in every empty folder under dir, so folders
// that were listed empty (no bonds in proc/net/bonding) survive git.
func markEmpty(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			return err
		}
		if len(ents) == 0 {
			return os.WriteFile(filepath.Join(p, voidName), nil, 0o644)
		}
		return nil
	})
}

// readHostJSON reads the hostname and kernel of a recorded host.json.
func readHostJSON(name string) (hostJSON, error) {
	var h hostJSON
	b, err := os.ReadFile(name)
	if err != nil {
		return h, err
	}
	err = json.Unmarshal(b, &h)
	return h, err
}
