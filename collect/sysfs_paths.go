package collect

import (
	"errors"
	"io/fs"
	"path"
	"sort"
	"strings"
	"syscall"
)

// Helpers shared by the sysfs collectors (links, nics, bonding, topology):
// finding interface directories and following symlinks that a recording
// stores as NAME.symlink text files.

// classNet is where the kernel lists the network interfaces of the netns that
// mounted sysfs (net/core/net-sysfs.c).
const classNet = "sys/class/net"

// maxLinkHops bounds how many recorded symlinks one path may go through; the
// kernel's own limit is 40 (MAXSYMLINKS). A link chain pointing at itself
// ends here instead of spinning.
const maxLinkHops = 40

// netDev is one interface and the directory its attributes are read from.
type netDev struct {
	name string
	dir  string
}

// netDevs lists sys/class/net. On the live host the entries are symlinks
// into sys/devices and are read through as they are; in a recording they are
// directories. A fixture may hold only NAME.symlink (no directory): then the
// link is resolved once here, so per-attribute reads need no fallback (this
// runs every second for the links collector). bonding_masters is a file of
// the bonding driver, not an interface.
func (r *reader) netDevs() ([]netDev, error) {
	ents, err := fs.ReadDir(r.fsys, classNet)
	if err != nil {
		return nil, err
	}
	devs := make([]netDev, 0, len(ents))
	have := make(map[string]bool, len(ents))
	for _, e := range ents {
		if e.IsDir() || e.Type()&fs.ModeSymlink != 0 {
			devs = append(devs, netDev{name: e.Name(), dir: classNet + "/" + e.Name()})
			have[e.Name()] = true
		}
	}
	for _, e := range ents {
		name, isLink := strings.CutSuffix(e.Name(), symlinkSuffix)
		if !isLink || !e.Type().IsRegular() || have[name] || name == "bonding_masters" {
			continue
		}
		target, err := r.readString(classNet + "/" + e.Name())
		if err != nil {
			continue
		}
		if dir, ok := resolveLink(classNet+"/"+name, target); ok {
			devs = append(devs, netDev{name: name, dir: dir})
		}
	}
	sort.Slice(devs, func(i, j int) bool { return devs[i].name < devs[j].name })
	return devs, nil
}

// entryNames lists a directory by name, counting a recording's NAME.symlink
// as the entry NAME, so "which lower_* links does this interface have" or
// "is there a cpuN/nodeX link" has one answer for the live host and a
// recording.
func (r *reader) entryNames(dir string) (map[string]bool, error) {
	ents, err := fs.ReadDir(r.fsys, dir)
	if err != nil {
		return nil, err
	}
	names := make(map[string]bool, len(ents))
	for _, e := range ents {
		n := e.Name()
		if t, ok := strings.CutSuffix(n, symlinkSuffix); ok && !e.IsDir() {
			n = t
		}
		if n != "_void" {
			names[n] = true
		}
	}
	return names, nil
}

// errLinkLoop is what a chain of more than maxLinkHops links reports, as the
// kernel does (ELOOP). It is bad data, not "unavailable".
var errLinkLoop = syscall.ELOOP

// follow resolves name through recorded symlinks: where a component is
// absent from the Source but a link for it exists (COMPONENT.symlink, or a
// real link whose target the FS cannot open), the component is replaced by
// the link's target and the walk starts over. On the live host the kernel
// follows links itself, so this is only needed after a plain read failed.
func (r *reader) follow(name string) (string, error) {
	parts := strings.Split(name, "/")
	hops := 0
	cur := ""
	for i := 0; i < len(parts); i++ {
		next := path.Join(cur, parts[i])
		_, err := fs.Stat(r.fsys, next)
		if err == nil {
			cur = next
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		target, lerr := r.readLink(next)
		if lerr != nil {
			return "", &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		if hops++; hops > maxLinkHops {
			return "", &fs.PathError{Op: "open", Path: name, Err: errLinkLoop}
		}
		resolved, ok := resolveLink(next, target)
		if !ok {
			return "", &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		parts = append(strings.Split(resolved, "/"), parts[i+1:]...)
		cur, i = "", -1
	}
	return cur, nil
}

// readVia reads name, following recorded symlinks when the plain read finds
// nothing. The error is the plain read's unless following failed for a
// reason of its own (a loop).
func (r *reader) readVia(name string) ([]byte, error) {
	b, err := r.readFile(name)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	p, ferr := r.follow(name)
	if ferr != nil {
		if errors.Is(ferr, errLinkLoop) {
			return nil, ferr
		}
		return nil, err
	}
	if p == name {
		return nil, err
	}
	return r.readFile(p)
}

// readStringVia is readVia with surrounding white space removed.
func (r *reader) readStringVia(name string) (string, error) {
	b, err := r.readVia(name)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// attrAbsent reports whether reading a sysfs attribute failed because the
// value is not there rather than because the data is bad: the file is
// missing or unreadable, or the kernel refused it. net-sysfs returns EINVAL
// for carrier, speed and duplex of an interface that is down, and xps_cpus
// gives ENOENT or EINVAL on single-queue devices; ENODEV and EOPNOTSUPP come
// from devices going away or drivers without the operation.
func attrAbsent(err error) bool {
	return IsUnavailable(err) || errors.Is(err, syscall.EINVAL) ||
		errors.Is(err, syscall.ENODEV) || errors.Is(err, syscall.EOPNOTSUPP)
}

// validIfName reports whether s can be a network interface name: what
// dev_valid_name (net/core/dev.c) accepts: 1 to 15 bytes (IFNAMSIZ-1),
// not "." or "..", no '/', ':' or white space.
func validIfName(s string) bool {
	if s == "" || len(s) > 15 || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '/', ':', ' ', '\t', '\n', '\v', '\f', '\r':
			return false
		}
	}
	return true
}
