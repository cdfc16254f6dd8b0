package collect

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A snapshot folder on disk (a recording's DIR/NNNN, or a --root folder)
// mirrors the host's paths, with three kinds of helper files that the
// recorder writes and dirFS hides from listings:
//
//	NAME.symlink  the target of the symlink NAME (survives git and module zips)
//	NAME.error    NAME could not be read on the host: "open: EACCES" or
//	              "read: EINVAL"; it replays as the same error, so a down
//	              interface's carrier still fails instead of reading as empty
//	_void         keeps a folder that was listed but empty, for git
const (
	errorSuffix = ".error"
	voidName    = "_void"
)

// dirFS serves one snapshot folder. It implements fs.ReadDirFS, fs.StatFS and
// fs.ReadLinkFS.
type dirFS struct {
	// fsys is the folder through an os.Root, which every on-disk Origin
	// opens once and keeps until its Close, so a symlink in a sosreport or
	// in a recording made elsewhere cannot lead outside the folder to the
	// files of the host doing the analysis.
	fsys fs.FS
}

// subFolder serves the folder name inside root.
func subFolder(root *os.Root, name string) (*dirFS, error) {
	if name == "." {
		return &dirFS{fsys: root.FS()}, nil
	}
	sub, err := fs.Sub(root.FS(), name)
	if err != nil {
		return nil, err
	}
	return &dirFS{fsys: sub}, nil
}

func (d *dirFS) Open(name string) (fs.File, error) {
	f, err := d.fsys.Open(name)
	if err == nil {
		fi, serr := f.Stat()
		if serr != nil || !fi.IsDir() {
			return f, nil
		}
		// A folder lists without the helper files, as ReadDir does.
		f.Close()
		ents, err := d.ReadDir(name)
		if err != nil {
			return nil, err
		}
		return &memDir{info: fi, ents: ents}, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, hostErr(err)
	}
	if rec, ok := d.recordedErr(name); ok {
		if rec.op == "open" {
			return nil, &fs.PathError{Op: "open", Path: name, Err: rec.err}
		}
		return &failingFile{name: name, err: rec.err}, nil
	}
	return nil, hostErr(err)
}

// hostErr words an os.Root error as the live host's os.DirFS would
// ("openat" → "open"), so a replayed collector status reads exactly like the
// recorded one.
func hostErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if op, ok := strings.CutSuffix(pe.Op, "at"); ok && op != "" {
			return &fs.PathError{Op: op, Path: pe.Path, Err: pe.Err}
		}
	}
	return err
}

func (d *dirFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := fs.Stat(d.fsys, name)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return fi, hostErr(err)
	}
	if rec, ok := d.recordedErr(name); ok {
		if rec.op == "open" {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: rec.err}
		}
		return helperInfo{name: path.Base(name), mode: 0o444}, nil
	}
	return nil, err
}

// ReadDir lists a folder without the helper files; a recorded failure shows
// as the file it stands for, as the host listed it.
func (d *dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := fs.ReadDir(d.fsys, name)
	if err != nil {
		if rec, ok := d.recordedErr(name); ok && errors.Is(err, fs.ErrNotExist) {
			return nil, &fs.PathError{Op: "open", Path: name, Err: rec.err}
		}
		return nil, hostErr(err)
	}
	out := make([]fs.DirEntry, 0, len(ents))
	var failed, links []string
	for _, e := range ents {
		n := e.Name()
		switch {
		case n == voidName:
		case strings.HasSuffix(n, symlinkSuffix) && !e.IsDir():
			links = append(links, strings.TrimSuffix(n, symlinkSuffix))
		case strings.HasSuffix(n, errorSuffix) && !e.IsDir():
			failed = append(failed, strings.TrimSuffix(n, errorSuffix))
		default:
			out = append(out, e)
		}
	}
	// A recorded symlink lists as a symlink, as on the host, also when the
	// folder it points to was recorded under its name (sys/class/net/eth0).
	for _, n := range links {
		if n == "" {
			continue
		}
		e := fs.FileInfoToDirEntry(helperInfo{name: n, mode: fs.ModeSymlink | 0o777})
		if i := slices.IndexFunc(out, func(e fs.DirEntry) bool { return e.Name() == n }); i >= 0 {
			out[i] = e
		} else {
			out = append(out, e)
		}
	}
	for _, n := range failed {
		if n == "" || slices.ContainsFunc(out, func(e fs.DirEntry) bool { return e.Name() == n }) {
			continue
		}
		out = append(out, fs.FileInfoToDirEntry(helperInfo{name: n, mode: 0o444}))
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// ReadLink returns the target recorded in NAME.symlink, or of a real
// symlink in the folder (hand-made fixtures, unpacked sosreports).
func (d *dirFS) ReadLink(name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	b, err := fs.ReadFile(d.fsys, name+symlinkSuffix)
	if err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	target, err := fs.ReadLink(d.fsys, name)
	return target, hostErr(err)
}

// Lstat describes a recorded symlink as a symlink.
func (d *dirFS) Lstat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrInvalid}
	}
	if _, err := fs.Stat(d.fsys, name+symlinkSuffix); err == nil {
		return helperInfo{name: path.Base(name), mode: fs.ModeSymlink | 0o777}, nil
	}
	fi, err := fs.Lstat(d.fsys, name)
	if err != nil && errors.Is(err, fs.ErrNotExist) {
		if _, ok := d.recordedErr(name); ok {
			return d.Stat(name)
		}
	}
	return fi, hostErr(err)
}

// recordedError is the content of a NAME.error file.
type recordedError struct {
	op  string // "open" or "read"
	err error
}

func (d *dirFS) recordedErr(name string) (recordedError, bool) {
	if !fs.ValidPath(name) || name == "." {
		return recordedError{}, false
	}
	b, err := fs.ReadFile(d.fsys, name+errorSuffix)
	if err != nil {
		return recordedError{}, false
	}
	return parseRecordedError(string(b)), true
}

// parseRecordedError reads "op: ENAME". An errno name this system does not
// know, or text that is not an errno name, replays as EIO: a failure, never
// a present-but-empty file.
func parseRecordedError(s string) recordedError {
	op, text, ok := strings.Cut(strings.TrimSpace(s), ":")
	op = strings.TrimSpace(op)
	if !ok || (op != "open" && op != "read") {
		return recordedError{op: "read", err: syscall.EIO}
	}
	if e, ok := errnoByName(strings.TrimSpace(text)); ok {
		return recordedError{op: op, err: e}
	}
	return recordedError{op: op, err: syscall.EIO}
}

// errnoByName maps "EINVAL" back to the errno (unix.ErrnoName the other way).
func errnoByName(name string) (syscall.Errno, bool) {
	for e := syscall.Errno(1); e < 4096; e++ {
		if unix.ErrnoName(e) == name {
			return e, true
		}
	}
	return 0, false
}

// formatRecordedError is what the recorder writes for a failure, or "" when
// the failure is not a plain errno (those are left out: absent on replay).
func formatRecordedError(op string, err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return ""
	}
	name := unix.ErrnoName(errno)
	if name == "" {
		return ""
	}
	return op + ": " + name + "\n"
}

// failingFile replays a file that opened on the host but failed to read.
type failingFile struct {
	name string
	err  error
}

func (f *failingFile) Stat() (fs.FileInfo, error) {
	return helperInfo{name: path.Base(f.name), mode: 0o444}, nil
}
func (f *failingFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: f.name, Err: f.err}
}
func (f *failingFile) Close() error { return nil }

// helperInfo describes a file that the folder holds only as a helper file.
type helperInfo struct {
	name string
	mode fs.FileMode
}

func (i helperInfo) Name() string       { return i.name }
func (i helperInfo) Size() int64        { return 0 }
func (i helperInfo) Mode() fs.FileMode  { return i.mode }
func (i helperInfo) ModTime() time.Time { return time.Time{} }
func (i helperInfo) IsDir() bool        { return i.mode.IsDir() }
func (i helperInfo) Sys() any           { return nil }
