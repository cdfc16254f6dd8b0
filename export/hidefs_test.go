package export

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netvet/netvet/collect"
)

func TestHideFS(t *testing.T) {
	base := fstest.MapFS{
		"netvet/tcp_remotes.json": {Data: []byte(`[{"remote":"10.0.0.1:5432","established":3}]`)},
		"netvet/listeners.json":   {Data: []byte(`[{"local":"0.0.0.0:22","queue":0,"limit":128}]`)},
		"proc/net/softnet_stat":   {Data: []byte("00000001\n")},
	}
	h := hideFS{FS: base, hidden: remotesFile}
	// The hidden file is gone for every way of reaching it, and the FS is
	// otherwise consistent (fstest checks Open, ReadDir, Stat and reads).
	if err := fstest.TestFS(h, "netvet/listeners.json", "proc/net/softnet_stat"); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"open":     func() error { _, err := h.Open(remotesFile); return err }(),
		"stat":     func() error { _, err := h.Stat(remotesFile); return err }(),
		"lstat":    func() error { _, err := h.Lstat(remotesFile); return err }(),
		"readlink": func() error { _, err := h.ReadLink(remotesFile); return err }(),
		"readfile": func() error { _, err := fs.ReadFile(h, remotesFile); return err }(),
	} {
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s %s: %v, want not exist", name, remotesFile, err)
		}
	}
	ents, err := fs.ReadDir(h, "netvet")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if d := cmp.Diff([]string{"listeners.json"}, names); d != "" {
		t.Errorf("netvet/ (-want +got):\n%s", d)
	}
}

// openCounter counts the opens of each file.
type openCounter struct {
	fs.FS
	mu     sync.Mutex
	opened map[string]int
}

func (c *openCounter) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opened[name]++
	c.mu.Unlock()
	return c.FS.Open(name)
}

// A scrape never makes the TCP connection dump, and does not report its
// collector; listeners, which series use, are read.
func TestScrapesSkipTheConnectionDump(t *testing.T) {
	fsys := &openCounter{opened: map[string]int{}, FS: fstest.MapFS{
		"netvet/tcp_remotes.json": {Data: []byte(`[]`)},
		"netvet/listeners.json":   {Data: []byte(`[{"local":"0.0.0.0:22","queue":0,"limit":128}]`)},
	}}
	e := NewLive(&fakeOrigin{fsys: fsys}, Options{}, nil)
	got := gather(t, e, "netvet_collector_success", "netvet_listener_queue{")
	if fsys.opened[remotesFile] != 0 {
		t.Errorf("%s opened %d times", remotesFile, fsys.opened[remotesFile])
	}
	if fsys.opened["netvet/listeners.json"] == 0 {
		t.Error("listeners.json not read")
	}
	for _, s := range got {
		if s.Series == "netvet_collector_success{collector=tcp_remotes}" {
			t.Errorf("scrapes report a collector they skip: %v", s)
		}
	}
	// A recording's snapshot is exported as it was read: its tcp_remotes
	// status stays.
	snap := collectFSFrom(t, fstest.MapFS{"netvet/tcp_remotes.json": {Data: []byte(`[]`)}})
	found := false
	for _, s := range gather(t, fixed(snap, Options{}), "netvet_collector_success") {
		found = found || s.Series == "netvet_collector_success{collector=tcp_remotes}"
	}
	if !found {
		t.Error("fixed snapshot: tcp_remotes status missing")
	}
}

// On the live host, reading through hideFS sees the same configuration
// (interfaces and their links into sys/devices, topology, IRQ affinity)
// as reading the Source itself.
func TestHideFSLiveHostSame(t *testing.T) {
	o := collect.NewLive(collect.LiveOptions{NoSockets: true})
	defer o.Close()
	read := func(hide bool) *collect.Snapshot {
		src, _, err := o.Source(context.Background(), 0, true)
		if err != nil {
			t.Fatal(err)
		}
		if hide {
			src = hideFS{FS: src, hidden: remotesFile}
		}
		return collect.NewCollector().Collect(context.Background(), src, nil, true)
	}
	plain, hidden := read(false), read(true)
	if len(plain.Config.NICs) == 0 {
		t.Skip("no interfaces in sys/class/net here")
	}
	if d := cmp.Diff(plain.Config.NICs, hidden.Config.NICs, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("NICs (-plain +hidden):\n%s", d)
	}
	if d := cmp.Diff(plain.Config.Topology, hidden.Config.Topology, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("topology (-plain +hidden):\n%s", d)
	}
	if d := cmp.Diff(plain.Config.IRQs, hidden.Config.IRQs, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("IRQ affinity (-plain +hidden):\n%s", d)
	}
}
