package collect

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// The virtual netvet/ files (DESIGN.md "Source"): data that is not a file
// on the host (ioctls, netlink, sosreport command output) shown as JSON
// files. Each is built when first opened and then kept, so one Source is one
// moment however often a collector reads it.

const (
	virtualDir = "netvet"
	hostFile   = "netvet/host.json"
)

// virtualFiles builds and keeps the netvet/ files of one Source. Producers
// return fs.ErrNotExist (or an error wrapping it, or a permission error)
// when the file cannot be made here; the collector then says "not
// available".
type virtualFiles struct {
	top     map[string]func() ([]byte, error) // "host.json" -> its producer
	ifaces  func() ([]string, error)          // interfaces of netvet/ethtool; nil: no such folder
	ethtool func(ifname string) ([]byte, error)

	mu   sync.Mutex
	done map[string]vresult
}

type vresult struct {
	data []byte
	err  error
}

// get returns the built file at name ("netvet/host.json").
func (v *virtualFiles) get(name string) ([]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if r, ok := v.done[name]; ok {
		return r.data, r.err
	}
	var r vresult
	rel := strings.TrimPrefix(name, virtualDir+"/")
	if p, ok := v.top[rel]; ok {
		r.data, r.err = p()
	} else if ifname, ok := strings.CutPrefix(rel, "ethtool/"); ok && v.ethtool != nil &&
		strings.HasSuffix(ifname, ".json") && !strings.Contains(ifname, "/") && len(ifname) > len(".json") {
		r.data, r.err = v.ethtool(strings.TrimSuffix(ifname, ".json"))
	} else {
		r.err = fs.ErrNotExist
	}
	if v.done == nil {
		v.done = map[string]vresult{}
	}
	v.done[name] = r
	return r.data, r.err
}

func (v *virtualFiles) isDir(name string) bool {
	return name == virtualDir || (name == virtualDir+"/ethtool" && v.ifaces != nil)
}

// readDir lists netvet/ or netvet/ethtool/: the files that could be built.
func (v *virtualFiles) readDir(name string) ([]fs.DirEntry, error) {
	var names []string
	switch {
	case name == virtualDir:
		for n := range v.top {
			names = append(names, n)
		}
	case v.isDir(name):
		ifs, err := v.ifaces()
		if err != nil {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
		}
		for _, n := range ifs {
			names = append(names, n+".json")
		}
	default:
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	out := make([]fs.DirEntry, 0, len(names)+1)
	if name == virtualDir && v.ifaces != nil {
		out = append(out, fs.FileInfoToDirEntry(virtInfo{name: "ethtool", dir: true}))
	}
	for _, n := range names {
		if b, err := v.get(path.Join(name, n)); err == nil {
			out = append(out, fs.FileInfoToDirEntry(virtInfo{name: n, size: int64(len(b))}))
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

func (v *virtualFiles) open(name string) (fs.File, error) {
	if v.isDir(name) {
		ents, err := v.readDir(name)
		if err != nil {
			return nil, err
		}
		return &memDir{info: virtInfo{name: path.Base(name), dir: true}, ents: ents}, nil
	}
	b, err := v.get(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &memFile{Reader: bytes.NewReader(b), info: virtInfo{name: path.Base(name), size: int64(len(b))}}, nil
}

func (v *virtualFiles) stat(name string) (fs.FileInfo, error) {
	if v.isDir(name) {
		return virtInfo{name: path.Base(name), dir: true}, nil
	}
	b, err := v.get(name)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return virtInfo{name: path.Base(name), size: int64(len(b))}, nil
}

// memFile is an open virtual file.
type memFile struct {
	*bytes.Reader
	info virtInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

// memDir is an open virtual folder.
type memDir struct {
	info fs.FileInfo
	ents []fs.DirEntry
	off  int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Close() error               { return nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: fs.ErrInvalid}
}

// ReadDir follows fs.ReadDirFile: n <= 0 returns the rest.
func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.ents[d.off:]
	if n <= 0 {
		d.off = len(d.ents)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.off += len(rest)
	return rest, nil
}

// virtInfo describes a virtual file or folder.
type virtInfo struct {
	name string
	size int64
	dir  bool
}

func (i virtInfo) Name() string       { return i.name }
func (i virtInfo) Size() int64        { return i.size }
func (i virtInfo) ModTime() time.Time { return time.Time{} }
func (i virtInfo) IsDir() bool        { return i.dir }
func (i virtInfo) Sys() any           { return nil }
func (i virtInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
