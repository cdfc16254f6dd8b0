package collect

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// recorderFS passes reads through and keeps what a recording would: the
// content of every file read, NAME.symlink for every link read, and every
// directory listed (with its subdirectories, so a queue whose only file the
// kernel refused is still there). It stands in for the recording Source to
// check that these collectors decide only from what gets recorded.
type recorderFS struct {
	fsys fs.FS
	out  fstest.MapFS
}

func (r *recorderFS) Open(name string) (fs.File, error) {
	f, err := r.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		return f, err
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		// The kernel refused the value: the recording has nothing either.
		return &errFile{name: name, err: unwrapPath(err)}, nil
	}
	r.out[name] = &fstest.MapFile{Data: b}
	return r.out.Open(name)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (r *recorderFS) ReadDir(name string) ([]fs.DirEntry, error) {
	ents, err := fs.ReadDir(r.fsys, name)
	if err != nil {
		return nil, err
	}
	r.out[name] = sysdir()
	for _, e := range ents {
		if e.IsDir() {
			r.out[path.Join(name, e.Name())] = sysdir()
		}
	}
	return ents, nil
}

func (r *recorderFS) ReadLink(name string) (string, error) {
	t, err := fs.ReadLink(r.fsys, name)
	if err == nil {
		r.out[name+symlinkSuffix] = sysfile(t)
	}
	return t, err
}

func (r *recorderFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(r.fsys, name) }

// TestSysfsReplay collects through the recorder, replays the recording, and
// expects the same result: on this host and on a tree of virtual devices.
func TestSysfsReplay(t *testing.T) {
	sources := map[string]fs.FS{"virtual kinds": virtualTree(), "pci": ixgbeTree(), "virtio": virtioTree()}
	if _, err := os.Stat("/sys/class/net"); err == nil {
		sources["this host"] = os.DirFS("/")
	}
	collectAll := func(fsys fs.FS) *Snapshot {
		c := collectorOn(fsys)
		s := emptySnapshot()
		for _, f := range []func(*Snapshot) error{c.collectLinks, c.collectNICs, c.collectIRQAffinity, c.collectTopology, c.collectBonding} {
			_ = f(s)
		}
		return s
	}
	for name, fsys := range sources {
		t.Run(name, func(t *testing.T) {
			rec := &recorderFS{fsys: fsys, out: fstest.MapFS{}}
			live := collectAll(rec)
			replay := collectAll(rec.out)
			if d := cmp.Diff(live, replay, sysfsCmp...); d != "" {
				t.Errorf("replay differs (-live +replay):\n%s", d)
			}
			if len(live.Config.NICs) == 0 {
				t.Error("nothing collected")
			}
		})
	}
}

// TestCollectStatusesSysfs runs the registry on real trees and checks how
// each collector of this part reports: data, unavailable, or error.
func TestCollectStatusesSysfs(t *testing.T) {
	tests := []struct {
		fixture string
		want    map[string]State
	}{
		{"sysfs-bonding-slave-down", map[string]State{
			"links": StateOK, "nics": StateOK, "bonding": StateOK, "irq_affinity": StateUnavailable,
			"topology": StateUnavailable, "irqbalance": StateUnavailable, "addrs": StateUnavailable,
		}},
		{"bond-8023ad-aggregator-mismatch-no-partner", map[string]State{
			"links": StateUnavailable, "nics": StateUnavailable, "bonding": StateOK,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			s := NewCollector().Collect(t.Context(), loadTree(t, tt.fixture), nil, true)
			for name, want := range tt.want {
				st, ok := s.StatusOf(name)
				if !ok || st.State != want {
					t.Errorf("%s: %+v, want %s", name, st, want)
				}
			}
			if ok := tt.want["nics"] == StateOK; ok != (s.Config.NICs != nil) {
				t.Errorf("nics state %s but NICs = %v", tt.want["nics"], s.Config.NICs)
			}
			if ok := tt.want["bonding"] == StateOK; ok != (s.Bonds != nil) {
				t.Errorf("bonding state %s but Bonds = %v", tt.want["bonding"], s.Bonds)
			}
		})
	}
}
