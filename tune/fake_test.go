package tune

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/safchain/ethtool"
)

// fakeNIC is one device of fakeEthtool.
type fakeNIC struct {
	ring     ethtool.Ring
	channels ethtool.Channels
	features map[string]bool
	fixed    map[string]bool // features the device cannot change
	// follows: turning the key off turns these off too, as the kernel
	// does with tx-tcp-mangleid-segmentation when TSO goes off.
	follows  map[string][]string
	noRing   bool // the driver has no ring parameters (veth)
	stubborn bool // SetRing succeeds but changes nothing
}

// fakeEthtool is an Ethtool over in-memory devices. before, when set, runs
// before every set call (tests check what exists at the first change).
type fakeEthtool struct {
	devs   map[string]*fakeNIC
	before func()
	sets   int
}

func (f *fakeEthtool) dev(name string) (*fakeNIC, error) {
	d, ok := f.devs[name]
	if !ok {
		return nil, syscall.ENODEV
	}
	return d, nil
}

func (f *fakeEthtool) set() {
	f.sets++
	if f.before != nil {
		f.before()
	}
}

func (f *fakeEthtool) GetRing(dev string) (ethtool.Ring, error) {
	d, err := f.dev(dev)
	if err != nil {
		return ethtool.Ring{}, err
	}
	if d.noRing {
		return ethtool.Ring{}, syscall.EOPNOTSUPP
	}
	return d.ring, nil
}

func (f *fakeEthtool) SetRing(dev string, r ethtool.Ring) (ethtool.Ring, error) {
	f.set()
	d, err := f.dev(dev)
	if err != nil {
		return ethtool.Ring{}, err
	}
	if d.noRing {
		return ethtool.Ring{}, syscall.EOPNOTSUPP
	}
	if r.RxPending > d.ring.RxMaxPending || r.TxPending > d.ring.TxMaxPending {
		return ethtool.Ring{}, syscall.EINVAL
	}
	if !d.stubborn {
		d.ring.RxPending, d.ring.TxPending = r.RxPending, r.TxPending
	}
	return d.ring, nil
}

func (f *fakeEthtool) GetChannels(dev string) (ethtool.Channels, error) {
	d, err := f.dev(dev)
	if err != nil {
		return ethtool.Channels{}, err
	}
	return d.channels, nil
}

func (f *fakeEthtool) SetChannels(dev string, c ethtool.Channels) (ethtool.Channels, error) {
	f.set()
	d, err := f.dev(dev)
	if err != nil {
		return ethtool.Channels{}, err
	}
	d.channels.RxCount, d.channels.TxCount, d.channels.CombinedCount = c.RxCount, c.TxCount, c.CombinedCount
	return d.channels, nil
}

func (f *fakeEthtool) Features(dev string) (map[string]bool, error) {
	d, err := f.dev(dev)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for k, v := range d.features {
		out[k] = v
	}
	return out, nil
}

func (f *fakeEthtool) Change(dev string, fs map[string]bool) error {
	f.set()
	d, err := f.dev(dev)
	if err != nil {
		return err
	}
	for name, on := range fs {
		if _, ok := d.features[name]; !ok {
			return syscall.EINVAL
		}
		if d.fixed[name] {
			continue // the kernel masks it out and says nothing
		}
		d.features[name] = on
		if !on {
			for _, dep := range d.follows[name] {
				d.features[dep] = false
			}
		}
	}
	return nil
}

func (f *fakeEthtool) Close() {}

// tree writes files (path → content) under a new temporary root.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// read returns the content of root/name.
func read(t *testing.T, root, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
