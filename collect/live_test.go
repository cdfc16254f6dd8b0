package collect

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestLiveSourceShape(t *testing.T) {
	if _, err := os.Stat("/proc/self"); err != nil {
		t.Skip("no /proc")
	}
	o := NewLive(LiveOptions{})
	defer o.Close()
	if o.Kind() != KindLive || o.Len() != -1 || o.Path() != "" {
		t.Errorf("origin: %v %d %q", o.Kind(), o.Len(), o.Path())
	}
	src, m, err := o.Source(context.Background(), 7, false)
	if err != nil {
		t.Fatal(err)
	}
	if m.Index != 7 || m.Full || time.Since(m.Time) > time.Minute {
		t.Errorf("moment = %+v", m)
	}
	ents, err := fs.ReadDir(src, ".")
	if err != nil {
		t.Fatal(err)
	}
	var top []string
	for _, e := range ents {
		top = append(top, e.Name())
	}
	if diff := cmp.Diff([]string{"netvet", "proc", "sys"}, top); diff != "" {
		t.Errorf("top level (-want +got):\n%s", diff)
	}
	for _, name := range []string{"etc/passwd", "root", "../etc/passwd", "/proc/self"} {
		if _, err := src.Open(name); err == nil {
			t.Errorf("Open(%q) succeeded outside proc/ and sys/", name)
		}
	}
	b, err := fs.ReadFile(src, "netvet/host.json")
	if err != nil {
		t.Fatal(err)
	}
	var h hostJSON
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	if h.Kernel == "" || h.CPUs < 1 || h.Time != m.Time.Format(hostTimeLayout) {
		t.Errorf("host.json = %s (moment %v)", b, m.Time)
	}
	// Fast moments: ethtool files hold statistics only.
	ifs, _ := fs.ReadDir(src, "netvet/ethtool")
	for _, e := range ifs {
		b, err := fs.ReadFile(src, "netvet/ethtool/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		et, err := parseEthtoolJSON(e.Name(), b)
		if err != nil || et.Driver != "" || et.Features != nil || et.Rings != nil {
			t.Errorf("%s in a fast moment: %s, %v", e.Name(), b, err)
		}
	}
	// Options leave the socket and ethtool files out.
	o2 := NewLive(LiveOptions{NoEthtool: true, NoSockets: true})
	defer o2.Close()
	src2, _, _ := o2.Source(context.Background(), 0, true)
	for _, name := range []string{"netvet/listeners.json", "netvet/tcp_remotes.json", "netvet/ethtool"} {
		if _, err := fs.Stat(src2, name); !IsUnavailable(err) {
			t.Errorf("%s with the option off: %v", name, err)
		}
	}
}

// probe reads what collectors typically read, the way they read it, and
// returns every outcome by path.
func probe(fsys fs.FS) map[string]readOutcome {
	out := map[string]readOutcome{}
	r := reader{fsys: fsys}
	for _, f := range []string{"proc/net/dev", "proc/net/snmp", "proc/interrupts", "proc/sys/net/core/somaxconn",
		"netvet/host.json", "netvet/listeners.json", "netvet/tcp_remotes.json", "netvet/addrs.json", "netvet/irqbalance.json"} {
		out[f] = outcome(fsys, f)
	}
	ifs, err := r.readDir("sys/class/net")
	if err != nil {
		return out
	}
	for _, e := range ifs {
		dir := "sys/class/net/" + e.Name()
		link, err := r.readLink(dir)
		out[dir+" -> "] = readOutcome{Data: link, Err: err != nil}
		for _, a := range []string{"operstate", "carrier", "mtu", "speed", "duplex"} {
			out[path.Join(dir, a)] = outcome(fsys, path.Join(dir, a))
		}
		// A listing replays with its folders and the files that were read:
		// read what is listed, as a collector does.
		if stats, err := r.readDir(dir + "/statistics"); err == nil {
			var names []string
			for _, s := range stats {
				names = append(names, s.Name())
				out[dir+"/statistics/"+s.Name()] = outcome(fsys, dir+"/statistics/"+s.Name())
			}
			out[dir+"/statistics/"] = readOutcome{Data: strings.Join(names, " ")}
		}
		if qs, err := r.readDir(dir + "/queues"); err == nil {
			var names []string
			for _, q := range qs {
				names = append(names, q.Name())
			}
			out[dir+"/queues/"] = readOutcome{Data: strings.Join(names, " ")}
		}
	}
	return out
}

// TestLiveRecordReplay records two moments of this host, replays the
// recording and checks that the collectors and a probe of typical reads see
// the same thing both ways.
func TestLiveRecordReplay(t *testing.T) {
	if _, err := os.Stat("/sys/class/net"); err != nil {
		t.Skip("no /sys/class/net")
	}
	dir := t.TempDir()
	rec, err := Record(dir, NewLive(LiveOptions{}), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := NewCollector()
	var live []*Snapshot
	var probes []map[string]readOutcome
	var prev *Snapshot
	for i := range 2 {
		src, m, err := rec.Source(ctx, i, i == 0)
		if err != nil {
			t.Fatal(err)
		}
		s := c.Collect(ctx, src, prev, m.Full)
		probes = append(probes, probe(src))
		if err := rec.Commit(); err != nil {
			t.Fatal(err)
		}
		live = append(live, s)
		prev = s
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}

	o, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	c2 := NewCollector()
	prev = nil
	ignore := cmpopts.IgnoreFields(CollectorStatus{}, "Duration")
	for i := range o.Len() {
		src, m, err := o.Source(ctx, i, true)
		if err != nil {
			t.Fatal(err)
		}
		if m.Full != (i == 0) {
			t.Errorf("moment %d: Full = %v", i, m.Full)
		}
		s := c2.Collect(ctx, src, prev, m.Full)
		if diff := cmp.Diff(live[i], s, ignore); diff != "" {
			t.Errorf("snapshot %d (-live +replay):\n%s", i, diff)
		}
		if diff := cmp.Diff(probes[i], probe(src)); diff != "" {
			t.Errorf("probe %d (-live +replay):\n%s", i, diff)
		}
		prev = s
	}
	if len(live[0].Ethtool) == 0 && os.Geteuid() == 0 {
		t.Logf("no ethtool data on this host")
	}
}
