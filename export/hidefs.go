package export

import (
	"io/fs"
	"path"
	"slices"
)

// remotesFile is the per-destination connection count the live host makes
// from an inet_diag dump of every TCP socket. No series uses it (only the
// analyzer's tcp.ephemeral_ports does, from the background sampler), and
// on a proxy with 100,000 connections the dump is the costliest read of a
// snapshot; so scrapes do not make it.
const remotesFile = "netvet/tcp_remotes.json"

// scrapeSkips are the collectors whose files scrapes hide: their status is
// not exported either, since "unavailable" would be a lie about the host.
var scrapeSkips = map[string]bool{"tcp_remotes": true}

// hideFS is a Source without one file: opening it says "not exist", and
// its folder's listing leaves it out. Everything else, the optional
// interfaces the collectors use included (ReadDir, Stat, ReadLink, Lstat),
// goes to the Source unchanged.
type hideFS struct {
	fs.FS
	hidden string
}

func (h hideFS) notExist(op, name string) error {
	return &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
}

func (h hideFS) Open(name string) (fs.File, error) {
	if name == h.hidden {
		return nil, h.notExist("open", name)
	}
	f, err := h.FS.Open(name)
	if err != nil || name != path.Dir(h.hidden) {
		return f, err
	}
	if d, ok := f.(fs.ReadDirFile); ok {
		return hiddenDir{ReadDirFile: d, hide: path.Base(h.hidden)}, nil
	}
	return f, nil
}

// hiddenDir is the hidden file's folder, opened: its listing leaves the
// file out.
type hiddenDir struct {
	fs.ReadDirFile
	hide string
}

func (d hiddenDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if n <= 0 {
		ents, err := d.ReadDirFile.ReadDir(n)
		return slices.DeleteFunc(ents, d.hidden), err
	}
	// n > 0: up to n entries, never an empty batch before the end.
	for {
		ents, err := d.ReadDirFile.ReadDir(n)
		ents = slices.DeleteFunc(ents, d.hidden)
		if len(ents) > 0 || err != nil {
			return ents, err
		}
	}
}

func (d hiddenDir) hidden(e fs.DirEntry) bool { return e.Name() == d.hide }

func (h hideFS) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := fs.ReadDir(h.FS, name)
	if err != nil || name != path.Dir(h.hidden) {
		return ents, err
	}
	return slices.DeleteFunc(ents, hiddenDir{hide: path.Base(h.hidden)}.hidden), nil
}

func (h hideFS) Stat(name string) (fs.FileInfo, error) {
	if name == h.hidden {
		return nil, h.notExist("stat", name)
	}
	return fs.Stat(h.FS, name)
}

func (h hideFS) ReadLink(name string) (string, error) {
	if name == h.hidden {
		return "", h.notExist("readlink", name)
	}
	return fs.ReadLink(h.FS, name)
}

func (h hideFS) Lstat(name string) (fs.FileInfo, error) {
	if name == h.hidden {
		return nil, h.notExist("lstat", name)
	}
	return fs.Lstat(h.FS, name)
}
