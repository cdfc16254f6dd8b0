package collect

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// folderOrigin serves a list of snapshot folders as an Origin, the way the
// live host serves moments, for recording tests.
type folderOrigin struct {
	dirs  []string
	times []time.Time
}

func (f *folderOrigin) Kind() Kind              { return KindLive }
func (f *folderOrigin) Path() string            { return "" }
func (f *folderOrigin) Len() int                { return len(f.dirs) }
func (f *folderOrigin) Interval() time.Duration { return 0 }
func (f *folderOrigin) Close() error            { return nil }
func (f *folderOrigin) Source(ctx context.Context, i int, full bool) (Source, Moment, error) {
	return newDirFS(f.dirs[i]), Moment{Index: i, Time: f.times[i], Full: full}, nil
}

// readOutcome is what a collector sees of one file: its bytes or its error.
type readOutcome struct {
	Data  string
	Errno syscall.Errno
	Avail bool // false: IsUnavailable
	Err   bool
}

func outcome(fsys fs.FS, name string) readOutcome {
	r := reader{fsys: fsys}
	b, err := r.readFile(name)
	if err == nil {
		return readOutcome{Data: string(b), Avail: true}
	}
	o := readOutcome{Err: true, Avail: !IsUnavailable(err)}
	if errors.Is(err, fs.ErrNotExist) {
		return o
	}
	errors.As(err, &o.Errno)
	return o
}

func TestRecorderRoundTrip(t *testing.T) {
	src := t.TempDir()
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	writeTree(t, src, map[string]string{
		"a/proc/net/dev":                                  "dev 1\n",
		"a/proc/net/bonding/_void":                        "",
		"a/sys/class/net/eth0.symlink":                    "../../devices/pci/net/eth0\n",
		"a/sys/devices/pci/net/eth0/mtu":                  "1500\n",
		"a/sys/devices/pci/net/eth0/carrier.error":        "read: EINVAL\n",
		"a/sys/devices/pci/net/eth0/secret.error":         "open: EACCES\n",
		"a/sys/devices/pci/net/eth0/queues/rx-0/rps_cpus": "0\n",
		"a/sys/devices/pci/net/eth0/unread":               "not read\n",
		"a/netvet/host.json":                              `{"hostname":"h1","kernel":"6.1.0"}`,
		"b/proc/net/dev":                                  "dev 2\n",
	})
	origin := &folderOrigin{dirs: []string{filepath.Join(src, "a"), filepath.Join(src, "b")}, times: []time.Time{t0, t0.Add(time.Second)}}
	out := filepath.Join(t.TempDir(), "rec")
	rec, err := Record(out, origin, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// What the "collectors" read in snapshot 0, and the outcomes live.
	files := []string{"proc/net/dev", "sys/devices/pci/net/eth0/mtu", "sys/devices/pci/net/eth0/carrier",
		"sys/devices/pci/net/eth0/secret", "sys/devices/pci/net/eth0/absent", "netvet/host.json"}
	s0, m0, err := rec.Source(ctx, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	var live []readOutcome
	for _, f := range files {
		live = append(live, outcome(s0, f))
	}
	r := reader{fsys: s0}
	liveLink, _ := r.readLink("sys/class/net/eth0")
	liveQueues, _ := r.readDir("sys/devices/pci/net/eth0/queues")
	liveBonds, _ := r.readDir("proc/net/bonding")
	// A partial read is completed at Close.
	f, _ := s0.Open("sys/devices/pci/net/eth0/unread")
	io.ReadFull(f, make([]byte, 3))
	f.Close()
	if err := rec.Commit(); err != nil {
		t.Fatal(err)
	}
	// After the first commit the recording is already usable.
	if o, err := OpenRoot(out); err != nil || o.Len() != 1 {
		t.Fatalf("after one commit: %v", err)
	}
	s1, m1, err := rec.Source(ctx, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	live1 := outcome(s1, "proc/net/dev")
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}

	o, err := OpenRoot(out)
	if err != nil {
		t.Fatal(err)
	}
	if o.Kind() != KindRecording || o.Len() != 2 || o.Interval() != time.Second {
		t.Errorf("replay origin: %v %d %v", o.Kind(), o.Len(), o.Interval())
	}
	p0, rm0, _ := o.Source(ctx, 0, true)
	p1, rm1, _ := o.Source(ctx, 1, true)
	if diff := cmp.Diff([]Moment{m0, m1}, []Moment{rm0, rm1}); diff != "" {
		t.Errorf("moments (-recorded +replayed):\n%s", diff)
	}
	var replay []readOutcome
	for _, f := range files {
		replay = append(replay, outcome(p0, f))
	}
	if diff := cmp.Diff(live, replay); diff != "" {
		t.Errorf("snapshot 0 (-live +replay):\n%s", diff)
	}
	if live[2].Errno != syscall.EINVAL || live[3].Errno != syscall.EACCES || live[3].Avail {
		t.Errorf("the failures were not seen live: %+v", live)
	}
	if diff := cmp.Diff(live1, outcome(p1, "proc/net/dev")); diff != "" {
		t.Errorf("snapshot 1 (-live +replay):\n%s", diff)
	}
	pr := reader{fsys: p0}
	if l, err := pr.readLink("sys/class/net/eth0"); err != nil || l != liveLink {
		t.Errorf("link = %q, %v; want %q", l, err, liveLink)
	}
	names := func(es []fs.DirEntry) (out []string) {
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	if q, err := pr.readDir("sys/devices/pci/net/eth0/queues"); err != nil || !cmp.Equal(names(q), names(liveQueues)) {
		t.Errorf("queues = %v, %v; want %v", names(q), err, names(liveQueues))
	}
	if b, err := pr.readDir("proc/net/bonding"); err != nil || len(b) != 0 || len(liveBonds) != 0 {
		t.Errorf("empty folder: %v, %v", names(b), err)
	}
	if got := outcome(p0, "sys/devices/pci/net/eth0/unread"); got.Data != "not read\n" {
		t.Errorf("partly read file recorded as %+v", got)
	}
	// Only what was read is in the recording.
	if _, err := os.Stat(filepath.Join(out, "0001", "sys")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("snapshot 1 holds sys/ that was not read: %v", err)
	}
	meta, _ := os.ReadFile(filepath.Join(out, "meta.json"))
	for _, want := range []string{`"host": "h1"`, `"kernel": "6.1.0"`, `"interval_ms": 1000`, `"time": "2026-11-22T10:00:00.000Z"`, `"config": false`} {
		if !strings.Contains(string(meta), want) {
			t.Errorf("meta.json lacks %s:\n%s", want, meta)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "0000", "proc", "net", "bonding", "_void")); err != nil {
		t.Errorf("empty listed folder has no _void: %v", err)
	}
}

func TestRecordRefusesNonEmpty(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"x": "y"})
	if _, err := Record(dir, &folderOrigin{}, 0); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("err = %v", err)
	}
}
