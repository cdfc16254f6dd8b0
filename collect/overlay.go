package collect

import (
	"io/fs"
	"slices"
	"strings"
)

// overlayFS is a Source made of a folder tree (the live host's root, an
// unpacked sosreport) and the virtual netvet/ files. Only the top-level
// folders in top are visible from the tree (nil: all of it), so the live
// Source is proc/, sys/ and netvet/ and nothing else of the host.
type overlayFS struct {
	base fs.FS
	top  []string
	virt *virtualFiles
}

// route says whether name is virtual, or the error for a name that is
// invalid or outside the visible tree.
func (o *overlayFS) route(op, name string) (virtual bool, err error) {
	if !fs.ValidPath(name) {
		return false, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	first, _, _ := strings.Cut(name, "/")
	switch {
	case first == virtualDir:
		return true, nil
	case name == "." || o.top == nil || slices.Contains(o.top, first):
		return false, nil
	}
	return false, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
}

func (o *overlayFS) Open(name string) (fs.File, error) {
	virtual, err := o.route("open", name)
	switch {
	case err != nil:
		return nil, err
	case virtual:
		return o.virt.open(name)
	case name == ".":
		ents, err := o.ReadDir(".")
		if err != nil {
			return nil, err
		}
		return &memDir{info: virtInfo{name: ".", dir: true}, ents: ents}, nil
	}
	return o.base.Open(name)
}

func (o *overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	virtual, err := o.route("readdir", name)
	switch {
	case err != nil:
		return nil, err
	case virtual:
		return o.virt.readDir(name)
	case name != ".":
		return fs.ReadDir(o.base, name)
	}
	ents, err := fs.ReadDir(o.base, ".")
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, 0, len(o.top)+1)
	for _, e := range ents {
		if e.Name() != virtualDir && (o.top == nil || slices.Contains(o.top, e.Name())) {
			out = append(out, e)
		}
	}
	out = append(out, fs.FileInfoToDirEntry(virtInfo{name: virtualDir, dir: true}))
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

func (o *overlayFS) Stat(name string) (fs.FileInfo, error) {
	virtual, err := o.route("stat", name)
	switch {
	case err != nil:
		return nil, err
	case virtual:
		return o.virt.stat(name)
	case name == ".":
		return virtInfo{name: ".", dir: true}, nil
	}
	return fs.Stat(o.base, name)
}

func (o *overlayFS) ReadLink(name string) (string, error) {
	virtual, err := o.route("readlink", name)
	switch {
	case err != nil:
		return "", err
	case virtual, name == ".":
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	return fs.ReadLink(o.base, name)
}

func (o *overlayFS) Lstat(name string) (fs.FileInfo, error) {
	virtual, err := o.route("lstat", name)
	switch {
	case err != nil:
		return nil, err
	case virtual, name == ".":
		return o.Stat(name)
	}
	return fs.Lstat(o.base, name)
}
