package collect

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
)

// recordFS is the Source a Recorder hands out: it serves the inner Source
// unchanged and writes what is read into one snapshot folder.
//
//   - A file read (Open, Read, Close) is written whole at Close: what the
//     collector did not read is read to the end first, so the recorded copy
//     is the complete file as of this moment.
//   - A folder listed (ReadDir) is created, with every sub-folder in the
//     listing (symlinks to folders too: sys/class/net/eth0), so a listing
//     replays with its folders even when nothing in them was read; empty
//     folders get a _void marker at Commit. Regular files that were listed
//     but never opened are not copied and are absent on replay: no
//     collector needs them.
//   - A symlink read (ReadLink) is written as NAME.symlink holding the target.
//   - A file that holds what it held in the last snapshot that read it is a
//     hard link to that copy (see keptFiles).
//   - A file opened again in the same snapshot is served from its recorded
//     copy, so every reader of the moment sees the same bytes.
//   - A failure with an errno — open refused (EACCES), read refused
//     (EINVAL on the carrier of a down interface) — is written as
//     NAME.error ("read: EINVAL"), which dirFS replays as the same error at
//     the same step, so it stays a failure and never reads as an empty file.
//     "Does not exist" is not written: absence replays as absence.
//
// Stat and Lstat pass through and are not recorded.
type recordFS struct {
	inner fs.FS
	dir   string
	kept  *keptFiles // the Recorder's: unchanged files are linked (recordlink.go)

	mu      sync.Mutex
	written map[string]bool // paths written in this snapshot, first read wins
	made    map[string]bool // folders made in this snapshot (on-disk paths)
	err     error           // first write error
}

func (r *recordFS) firstErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// local is the on-disk path of name in the snapshot folder.
func (r *recordFS) local(name string) string {
	return filepath.Join(r.dir, filepath.FromSlash(name))
}

// write stores data at name once per snapshot.
func (r *recordFS) write(name string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.written[name] {
		return
	}
	r.written[name] = true
	p := r.local(name)
	err := r.makeDirLocked(filepath.Dir(p))
	if err == nil {
		err = r.kept.store(name, p, data)
	}
	if err != nil && r.err == nil {
		r.err = err
	}
}

func (r *recordFS) mkdir(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.makeDirLocked(r.local(name)); err != nil && r.err == nil {
		r.err = err
	}
}

// makeDirLocked makes the folder p once per snapshot: a sample writes a
// hundred files into a dozen folders, and MkdirAll costs a stat each time.
func (r *recordFS) makeDirLocked(p string) error {
	if r.made[p] {
		return nil
	}
	if err := os.MkdirAll(p, 0o755); err != nil {
		return err
	}
	if r.made == nil {
		r.made = map[string]bool{}
	}
	r.made[p] = true
	return nil
}

// fail records a failure of op ("open", "read") on name.
func (r *recordFS) fail(op, name string, err error) {
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if text := formatRecordedError(op, err); text != "" {
		r.write(name+errorSuffix, []byte(text))
	}
}

func (r *recordFS) Open(name string) (fs.File, error) {
	// A snapshot is one moment: a file read twice in it (a collector and a
	// probe, two collectors) gives the bytes recorded the first time, so
	// the live Snapshot and its replay agree.
	r.mu.Lock()
	done := r.written[name]
	r.mu.Unlock()
	if done {
		return os.Open(r.local(name))
	}
	f, err := r.inner.Open(name)
	if err != nil {
		r.fail("open", name, err)
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		r.mkdir(name)
		return f, nil
	}
	return &teeFile{File: f, name: name, rec: r}, nil
}

func (r *recordFS) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := fs.ReadDir(r.inner, name)
	if err != nil {
		r.fail("open", name, err)
		return nil, err
	}
	r.mkdir(name)
	for _, e := range ents {
		sub := path.Join(name, e.Name())
		switch {
		case e.IsDir():
			r.mkdir(sub)
		case e.Type()&fs.ModeSymlink != 0:
			if fi, err := fs.Stat(r.inner, sub); err == nil && fi.IsDir() {
				r.mkdir(sub)
			}
		}
	}
	return ents, nil
}

func (r *recordFS) ReadLink(name string) (string, error) {
	target, err := fs.ReadLink(r.inner, name)
	if err == nil {
		r.write(name+symlinkSuffix, []byte(target+"\n"))
	}
	return target, err
}

func (r *recordFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(r.inner, name) }
func (r *recordFS) Stat(name string) (fs.FileInfo, error)  { return fs.Stat(r.inner, name) }

// teeFile keeps what is read from a file and writes it at Close.
type teeFile struct {
	fs.File
	name    string
	rec     *recordFS
	buf     []byte
	eof     bool
	readErr error
}

func (t *teeFile) Read(p []byte) (int, error) {
	n, err := t.File.Read(p)
	t.buf = append(t.buf, p[:n]...)
	switch {
	case err == io.EOF:
		t.eof = true
	case err != nil && t.readErr == nil:
		t.readErr = err
	}
	return n, err
}

func (t *teeFile) Close() error {
	if t.readErr == nil && !t.eof {
		// Read the rest so the copy is the whole file, bounded like
		// reader.readFile.
		rest, err := io.ReadAll(io.LimitReader(t.File, maxFile-int64(len(t.buf))))
		t.buf = append(t.buf, rest...)
		t.readErr = err
	}
	if t.readErr != nil {
		t.rec.fail("read", t.name, t.readErr)
	} else {
		t.rec.write(t.name, t.buf)
	}
	return t.File.Close()
}
