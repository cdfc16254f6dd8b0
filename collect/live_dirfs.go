package collect

import (
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// liveDirFS is os.DirFS(root) with a cheaper Open. os.Open offers every
// file to the runtime's poller: it makes the descriptor non-blocking (two
// fcntl) and tries epoll_ctl ADD; sysfs files accept (and cost an epoll_ctl
// DEL at close), most proc files refuse (and cost two more fcntl to undo
// non-blocking). That is 3 to 5 system calls more than the open, read and
// close themselves, for files that never block. A sample of the live host opens a few hundred of them, so
// Open here takes the descriptor with open(2) and wraps it with os.NewFile,
// which leaves a blocking descriptor out of the poller. The other methods
// are os.DirFS's.
type liveDirFS struct {
	root string
	dir  fs.FS // os.DirFS(root)
}

func newLiveDirFS(root string) liveDirFS {
	return liveDirFS{root: root, dir: os.DirFS(root)}
}

// Open opens name (slash-separated, under root) read-only. Errors are
// *fs.PathError holding the errno, as os.DirFS gives.
func (l liveDirFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	full := filepath.Join(l.root, filepath.FromSlash(name))
	for {
		fd, err := unix.Open(full, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return os.NewFile(uintptr(fd), full), nil
	}
}

func (l liveDirFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(l.dir, name) }
func (l liveDirFS) Stat(name string) (fs.FileInfo, error)      { return fs.Stat(l.dir, name) }
func (l liveDirFS) Lstat(name string) (fs.FileInfo, error)     { return fs.Lstat(l.dir, name) }
func (l liveDirFS) ReadLink(name string) (string, error)       { return fs.ReadLink(l.dir, name) }
