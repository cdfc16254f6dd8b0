package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/netvet/netvet/internal/cpumask"
)

// sosNet is where a sosreport keeps the networking commands' output.
const sosNet = "sos_commands/networking"

// sosEthtool lists the ethtool outputs a sosreport holds per interface, by
// file-name prefix, and the parser for each.
var sosEthtool = []struct {
	prefix string
	apply  func(name string, b []byte, e *Ethtool) error
}{
	{"ethtool_-i_", func(name string, b []byte, e *Ethtool) (err error) {
		e.Driver, e.Bus, err = parseEthtoolInfo(name, b)
		return err
	}},
	{"ethtool_-g_", func(name string, b []byte, e *Ethtool) (err error) {
		e.Rings, err = parseEthtoolRings(name, b)
		return err
	}},
	{"ethtool_-l_", func(name string, b []byte, e *Ethtool) (err error) {
		e.Channels, err = parseEthtoolChannels(name, b)
		return err
	}},
	{"ethtool_-k_", func(name string, b []byte, e *Ethtool) (err error) {
		e.Features, err = parseEthtoolFeatures(name, b)
		return err
	}},
	{"ethtool_-S_", func(name string, b []byte, e *Ethtool) (err error) {
		e.Stats, err = parseEthtoolStats(name, b)
		return err
	}},
}

// sosreport is an Origin over an unpacked sosreport: one moment, its proc/
// and sys/ as they are, and netvet/ made from sos_commands/.
type sosreport struct {
	dir  string
	root *os.Root
}

// OpenSosreport opens an unpacked sosreport folder (one with sos_commands/).
func OpenSosreport(dir string) (Origin, error) {
	fi, err := os.Stat(filepath.Join(dir, "sos_commands"))
	if err != nil {
		return nil, fmt.Errorf("open sosreport: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("open sosreport %s: sos_commands is not a folder", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open sosreport: %w", err)
	}
	return &sosreport{dir: dir, root: root}, nil
}

func (s *sosreport) Kind() Kind              { return KindSosreport }
func (s *sosreport) Path() string            { return s.dir }
func (s *sosreport) Len() int                { return 1 }
func (s *sosreport) Interval() time.Duration { return 0 }
func (s *sosreport) Close() error            { return s.root.Close() }

func (s *sosreport) Source(ctx context.Context, i int, full bool) (Source, Moment, error) {
	if err := ctx.Err(); err != nil {
		return nil, Moment{}, err
	}
	if i != 0 {
		return nil, Moment{}, fmt.Errorf("sosreport %s: no moment %d (a sosreport has one)", s.dir, i)
	}
	base, err := subFolder(s.root, ".")
	if err != nil {
		return nil, Moment{}, err
	}
	v := &virtualFiles{
		top:     map[string]func() ([]byte, error){"host.json": func() ([]byte, error) { return sosHost(base) }},
		ifaces:  func() ([]string, error) { return sosIfaces(base) },
		ethtool: func(ifname string) ([]byte, error) { return sosEthtoolJSON(base, ifname) },
	}
	return &overlayFS{base: base, virt: v}, Moment{Index: 0, Full: true}, nil
}

// sosIfaces lists the interfaces that have ethtool output.
func sosIfaces(fsys fs.FS) ([]string, error) {
	ents, err := fs.ReadDir(fsys, sosNet)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		for _, k := range sosEthtool {
			if ifname, ok := strings.CutPrefix(e.Name(), k.prefix); ok && ifname != "" && !slices.Contains(out, ifname) {
				out = append(out, ifname)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// sosEthtoolJSON builds netvet/ethtool/<if>.json from the ethtool outputs.
// Problems in the text are kept in "errors" with the file and line, and
// everything readable is kept; no output at all is fs.ErrNotExist.
func sosEthtoolJSON(fsys fs.FS, ifname string) ([]byte, error) {
	var e Ethtool
	var problems []string
	found := false
	for _, k := range sosEthtool {
		name := sosNet + "/" + k.prefix + ifname
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			if !IsUnavailable(err) {
				problems = append(problems, err.Error())
			}
			continue
		}
		found = true
		if err := k.apply(name, b, &e); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if !found {
		return nil, fs.ErrNotExist
	}
	return encodeEthtool(&e, problems...), nil
}

// sosHost builds netvet/host.json from the hostname and uname the sosreport
// ran, the boot id and the online CPUs. The sosreport does not say when it
// was taken in a form worth trusting (date's zone names are ambiguous), so
// "time" is left out.
func sosHost(fsys fs.FS) ([]byte, error) {
	var h hostJSON
	for _, name := range []string{"sos_commands/host/hostname", "sos_commands/general/hostname", "hostname"} {
		if b, err := fs.ReadFile(fsys, name); err == nil {
			if f := strings.Fields(string(b)); len(f) > 0 {
				h.Hostname = f[0]
				break
			}
		}
	}
	for _, name := range []string{"sos_commands/kernel/uname_-a", "sos_commands/general/uname_-a", "uname"} {
		// "Linux host 3.10.0-1160.el7.x86_64 #1 SMP … x86_64 GNU/Linux"
		if b, err := fs.ReadFile(fsys, name); err == nil {
			if f := strings.Fields(string(b)); len(f) > 2 && f[0] == "Linux" {
				h.Kernel = f[2]
				break
			}
		}
	}
	if b, err := fs.ReadFile(fsys, "proc/sys/kernel/random/boot_id"); err == nil {
		h.BootID = strings.TrimSpace(string(b))
	}
	if b, err := fs.ReadFile(fsys, "sys/devices/system/cpu/online"); err == nil {
		if set, err := cpumask.ParseList(strings.TrimSpace(string(b))); err == nil {
			h.CPUs = set.Count()
		}
	}
	if h == (hostJSON{}) {
		return nil, fs.ErrNotExist
	}
	return json.MarshalIndent(h, "", "  ")
}
