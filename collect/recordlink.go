package collect

import (
	"bytes"
	"errors"
	"os"
	"sync"
	"syscall"
)

// keptFiles remembers, for every path a Recorder has written, where its
// latest copy is and what it holds. A file that reads the same as its last
// copy (most of sys/class/net/*/statistics on a quiet interface, the
// sysctls at each configuration read, the .error and .symlink files) is
// hard-linked to that copy instead of written again.
//
// A second of recording is mostly unchanged small files, and a new inode is
// the expensive part of writing one: it costs the file system an inode and
// a block (4 KiB on ext4 for "0\n"), and on some file systems far more CPU
// than the read it records (ext4 without a journal scans for recently freed
// inodes on every allocation). A link costs a directory entry only.
//
// Every snapshot folder still holds every file it read; copies made with
// cp -r, tar without -h, git or a Go module zip are plain files again. A
// recording's files are not meant to be edited in place, and with links an
// edit in place would show in every snapshot sharing the file: copy the
// recording first.
type keptFiles struct {
	mu    sync.Mutex
	last  map[string]keptFile // by path under the snapshot root
	links bool                // false once the file system refused a link
}

type keptFile struct {
	path string // the copy on disk
	data []byte // what it holds (not modified after it is kept)
}

func newKeptFiles() *keptFiles {
	return &keptFiles{last: map[string]keptFile{}, links: true}
}

// store puts data at path p, the recorded copy of name: a link to the last
// copy of name when that holds the same bytes, else a new file. data must
// not be modified afterwards.
func (k *keptFiles) store(name, p string, data []byte) error {
	k.mu.Lock()
	last, ok := k.last[name]
	links := k.links
	k.mu.Unlock()
	if ok && links && bytes.Equal(last.data, data) {
		err := os.Link(last.path, p)
		if err == nil {
			return nil
		}
		// The copy may have as many links as the file system allows
		// (EMLINK: 65,000 on ext4, 18 hours of one-second snapshots) or
		// be gone (ENOENT): then this file becomes the copy to link to.
		// Any other refusal means no links here (EPERM on vfat, EXDEV):
		// stop trying.
		if !errors.Is(err, syscall.EMLINK) && !errors.Is(err, os.ErrNotExist) {
			k.mu.Lock()
			k.links = false
			k.mu.Unlock()
		}
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	k.mu.Lock()
	k.last[name] = keptFile{path: p, data: data}
	k.mu.Unlock()
	return nil
}
