package collect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// reader reads through a Source with one reusable buffer, so sampling a big
// host every second does not allocate a fresh copy of /proc/interrupts each
// time. Bytes returned by readFile are valid until the next readFile.
type reader struct {
	fsys fs.FS
	buf  []byte
}

// maxFile bounds what one kernel file may hold. /proc/interrupts of a
// 256-CPU, 1,000-vector host is ~3 MB; 64 MiB leaves room for 8192 CPUs and
// still stops a runaway (a FIFO, a hostile fixture) from eating memory.
const maxFile = 64 << 20

// minFirstRead is the buffer the first read of a file gets (see readFile).
const minFirstRead = 4096

// readFile returns the whole file in the reader's buffer.
func (r *reader) readFile(name string) ([]byte, error) {
	f, err := r.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The first read must be able to take the whole of a small file:
	// proc/sys files answer only a read at offset 0 (proc_dointvec and
	// friends return 0 bytes at any other offset), so a short first read
	// silently truncates "4096\t131072\t6291456". A page is what the kernel
	// fills per read anyway.
	if cap(r.buf) < minFirstRead {
		r.buf = make([]byte, 0, minFirstRead)
	}
	r.buf = r.buf[:0]
	sized := false // the buffer was grown to the file's size once
	for {
		if len(r.buf) == cap(r.buf) {
			r.grow(f, !sized)
			sized = true
		}
		n, err := f.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+n]
		if err == io.EOF {
			return r.buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if len(r.buf) > maxFile {
			return nil, fmt.Errorf("read %s: larger than %d bytes", name, maxFile)
		}
	}
}

// grow makes room in the full buffer for more of f. A regular file that
// states its size (a recording on disk) gets room for all of it at once,
// plus a byte for the read that meets EOF; proc files state 0 and grow by
// doubling, so a 3 MB /proc/interrupts read into a fresh buffer copies
// ~2× its size rather than growing step by step. Stat is asked only here,
// when a file outgrows the buffer (rarely, as the buffer is kept), not for
// every small sysfs file.
func (r *reader) grow(f fs.File, stat bool) {
	want := 2 * cap(r.buf)
	if stat {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() >= int64(len(r.buf)) && fi.Size() < maxFile {
			want = max(int(fi.Size())+1, len(r.buf)+minFirstRead)
		}
	}
	want = min(want, maxFile+1)
	buf := make([]byte, len(r.buf), want)
	copy(buf, r.buf)
	r.buf = buf
}

// readString returns the file's text without surrounding white space.
func (r *reader) readString(name string) (string, error) {
	b, err := r.readFile(name)
	if err != nil {
		return "", err
	}
	return string(bytes.TrimSpace(b)), nil
}

// readDir lists a directory, leaving out the recording's helper files:
// "*.symlink" (a symlink's target, see readLink) and "_void" (placeholders
// that keep empty folders in git).
func (r *reader) readDir(name string) ([]fs.DirEntry, error) {
	ents, err := fs.ReadDir(r.fsys, name)
	if err != nil {
		return nil, err
	}
	out := ents[:0]
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), symlinkSuffix) || e.Name() == "_void" {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// symlinkSuffix names the text files that stand for symlinks in recordings
// (DESIGN.md: recordings survive git and module zips).
const symlinkSuffix = ".symlink"

// readLink returns a symlink's target: from the Source when it can read links
// (the live host), else from NAME.symlink (a recording or fixture).
func (r *reader) readLink(name string) (string, error) {
	if target, err := fs.ReadLink(r.fsys, name); err == nil {
		return target, nil
	} else if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errors.ErrUnsupported) && !isNotLink(err) {
		return "", err
	}
	s, err := r.readString(name + symlinkSuffix)
	if err != nil {
		return "", err
	}
	return s, nil
}

// isNotLink reports the error os.Readlink gives for a path that exists but is
// not a symlink (EINVAL), which for us means "no link here".
func isNotLink(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "invalid argument")
}

// resolveLink joins a relative symlink target onto the link's directory and
// cleans it, so "sys/class/net/eth0" + "../../devices/pci0000:00/…/net/eth0"
// becomes "sys/devices/pci0000:00/…/net/eth0". Targets that would leave the
// root are reported with ok=false.
func resolveLink(link, target string) (string, bool) {
	if path.IsAbs(target) {
		target = strings.TrimPrefix(path.Clean(target), "/")
		return target, fs.ValidPath(target)
	}
	p := path.Join(path.Dir(link), target)
	return p, fs.ValidPath(p) && !strings.HasPrefix(p, "..")
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
