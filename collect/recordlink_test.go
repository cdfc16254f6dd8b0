package collect

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRecorderLinksUnchangedFiles records three moments of a host where one
// counter changes, one stays, and one file comes back after a moment
// without it: unchanged files are links to their last copy, changed ones
// new files, and every snapshot replays its own bytes.
func TestRecorderLinksUnchangedFiles(t *testing.T) {
	src := t.TempDir()
	writeTree(t, src, map[string]string{
		"a/proc/net/dev":                "dev 1\n",
		"a/sys/class/net/eth0/tx_drops": "0\n",
		"a/sys/class/net/eth0/mtu":      "1500\n",
		"b/proc/net/dev":                "dev 2\n",
		"b/sys/class/net/eth0/tx_drops": "0\n",
		"c/proc/net/dev":                "dev 2\n",
		"c/sys/class/net/eth0/tx_drops": "0\n",
		"c/sys/class/net/eth0/mtu":      "1500\n",
	})
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	origin := &folderOrigin{
		dirs:  []string{filepath.Join(src, "a"), filepath.Join(src, "b"), filepath.Join(src, "c")},
		times: []time.Time{t0, t0.Add(time.Second), t0.Add(2 * time.Second)},
	}
	out := filepath.Join(t.TempDir(), "rec")
	rec, err := Record(out, origin, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	read := map[int][]string{
		0: {"proc/net/dev", "sys/class/net/eth0/tx_drops", "sys/class/net/eth0/mtu"},
		1: {"proc/net/dev", "sys/class/net/eth0/tx_drops"},
		2: {"proc/net/dev", "sys/class/net/eth0/tx_drops", "sys/class/net/eth0/mtu"},
	}
	for i := range 3 {
		src, _, err := rec.Source(ctx, i, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range read[i] {
			if o := outcome(src, name); o.Err {
				t.Fatalf("%d %s: %+v", i, name, o)
			}
		}
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}

	same := func(a, b string) bool {
		fa, err := os.Stat(filepath.Join(out, a))
		if err != nil {
			t.Fatal(err)
		}
		fb, err := os.Stat(filepath.Join(out, b))
		if err != nil {
			t.Fatal(err)
		}
		return os.SameFile(fa, fb)
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"0000/sys/class/net/eth0/tx_drops", "0001/sys/class/net/eth0/tx_drops", true},
		{"0000/sys/class/net/eth0/tx_drops", "0002/sys/class/net/eth0/tx_drops", true},
		{"0000/proc/net/dev", "0001/proc/net/dev", false}, // changed
		{"0001/proc/net/dev", "0002/proc/net/dev", true},
		{"0000/sys/class/net/eth0/mtu", "0002/sys/class/net/eth0/mtu", true}, // not read in 0001
	} {
		if got := same(c.a, c.b); got != c.want {
			t.Errorf("%s and %s the same file: %v, want %v", c.a, c.b, got, c.want)
		}
	}

	r, err := OpenRecording(out)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want := []string{"dev 1\n", "dev 2\n", "dev 2\n"}
	var got []string
	for i := range 3 {
		s, _, err := r.Source(ctx, i, true)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, outcome(s, "proc/net/dev").Data)
		if o := outcome(s, "sys/class/net/eth0/tx_drops"); o.Data != "0\n" {
			t.Errorf("snapshot %d tx_drops %+v", i, o)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("replayed dev (-want +got):\n%s", d)
	}
}

// TestKeptFilesFallback: when the copy to link to is gone, the file is
// written, and becomes the copy later files link to.
func TestKeptFilesFallback(t *testing.T) {
	dir := t.TempDir()
	k := newKeptFiles()
	p := func(i string) string { return filepath.Join(dir, i) }
	if err := k.store("x", p("1"), []byte("same")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p("1")); err != nil {
		t.Fatal(err)
	}
	if err := k.store("x", p("2"), []byte("same")); err != nil {
		t.Fatal(err)
	}
	if err := k.store("x", p("3"), []byte("same")); err != nil {
		t.Fatal(err)
	}
	f2, err2 := os.Stat(p("2"))
	f3, err3 := os.Stat(p("3"))
	if err2 != nil || err3 != nil || !os.SameFile(f2, f3) {
		t.Errorf("2 and 3 not linked: %v %v", err2, err3)
	}
	if b, err := os.ReadFile(p("3")); err != nil || string(b) != "same" {
		t.Errorf("3 holds %q, %v", b, err)
	}
	if !k.links {
		t.Error("a missing copy turned links off")
	}
}
