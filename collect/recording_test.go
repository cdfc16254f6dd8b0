package collect

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseMeta(t *testing.T) {
	tests := []struct {
		name, in string
		err      string // substring; "" = valid
		line     int
	}{
		{"minimal", `{"format":"netvet-recording/1","interval_ms":1000,"snapshots":[{"dir":"0000"}]}`, "", 0},
		{"note and flags", `{"format":"netvet-recording/1","host":"h","kernel":"k","interval_ms":0,"note":"x",
			"snapshots":[{"dir":"0000","time":"2026-11-22T10:00:00.000Z"},{"dir":"0001","time":"2026-11-22T10:00:01.000Z","config":false}]}`, "", 0},
		{"no format", `{"snapshots":[{"dir":"0000"}]}`, `no "format": want "netvet-recording/1"`, 0},
		{"newer format", `{"format":"netvet-recording/2","snapshots":[{"dir":"0000"}]}`, `format "netvet-recording/2" is not supported`, 0},
		{"no snapshots", `{"format":"netvet-recording/1","snapshots":[]}`, "no snapshots", 0},
		{"parent dir", `{"format":"netvet-recording/1","snapshots":[{"dir":".."}]}`, `snapshots[0]: dir ".." is not a folder name`, 0},
		{"nested dir", `{"format":"netvet-recording/1","snapshots":[{"dir":"0000"},{"dir":"a/b"}]}`, `snapshots[1]: dir "a/b"`, 0},
		{"empty dir", `{"format":"netvet-recording/1","snapshots":[{"dir":""}]}`, `dir ""`, 0},
		{"twice", `{"format":"netvet-recording/1","snapshots":[{"dir":"0000"},{"dir":"0000"}]}`, "listed twice", 0},
		{"bad time", `{"format":"netvet-recording/1","snapshots":[{"dir":"0000","time":"yesterday"}]}`, `time "yesterday" is not RFC 3339`, 0},
		{"negative interval", `{"format":"netvet-recording/1","interval_ms":-5,"snapshots":[{"dir":"0000"}]}`, "negative", 0},
		{"syntax", "{\n\"format\": \"netvet-recording/1\",\n\"snapshots\": [,]}", "invalid character", 3},
		{"type", "{\n\"format\": 1}", "cannot unmarshal number", 2},
		{"config type", `{"format":"netvet-recording/1","snapshots":[{"dir":"0000","config":"no"}]}`, "cannot unmarshal", 1},
		{"trailing", `{"format":"netvet-recording/1","snapshots":[{"dir":"0000"}]} x`, "invalid character", 1},
		{"empty", ``, "unexpected end", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseMeta("rec/meta.json", []byte(tt.in))
			if tt.err == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Path != "rec/meta.json" || !strings.Contains(err.Error(), tt.err) || pe.Line != tt.line {
				t.Errorf("err = %v (line %d), want %q at line %d", err, lineOf(err), tt.err, tt.line)
			}
		})
	}
}

func lineOf(err error) int {
	var pe *ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return -1
}

func TestOpenRecording(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"meta.json": `{"format":"netvet-recording/1","interval_ms":500,"snapshots":[
			{"dir":"0000","time":"2026-11-22T10:00:00.000Z"},{"dir":"0001","config":false},{"dir":"0002","config":true}]}`,
		"0000/proc/net/dev": "a",
		"0001/proc/net/dev": "b",
		"0002/proc/net/dev": "c",
	})
	o, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	if o.Kind() != KindRecording || o.Len() != 3 || o.Interval() != 500*time.Millisecond || o.Path() != dir {
		t.Errorf("origin = %v %d %v %q", o.Kind(), o.Len(), o.Interval(), o.Path())
	}
	var got []Moment
	for i := range 3 {
		src, m, err := o.Source(context.Background(), i, true)
		if err != nil {
			t.Fatal(err)
		}
		b, err := readAll(src, "proc/net/dev")
		if err != nil || string(b) != string("abc"[i]) {
			t.Errorf("snapshot %d: %q, %v", i, b, err)
		}
		got = append(got, m)
	}
	want := []Moment{{0, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), true}, {1, time.Time{}, false}, {2, time.Time{}, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("moments (-want +got):\n%s", diff)
	}
	if _, _, err := o.Source(context.Background(), 3, true); err == nil || !strings.Contains(err.Error(), "no snapshot 3") {
		t.Errorf("out of range: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := o.Source(ctx, 0, true); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}

	// A snapshot folder named in meta.json must be there.
	os.RemoveAll(filepath.Join(dir, "0001"))
	if _, err := OpenRoot(dir); err == nil || !strings.Contains(err.Error(), "meta.json: snapshots[1]") {
		t.Errorf("missing snapshot folder: %v", err)
	}
}

func TestOpenRoot(t *testing.T) {
	base := t.TempDir()
	writeTree(t, base, map[string]string{
		"snap/proc/interrupts":          "x",
		"onlynetvet/netvet/host.json":   `{"cpus":4,"time":"2026-11-22T10:00:00.123Z"}`,
		"sos/sos_commands/networking/x": "",
		"sos/proc/interrupts":           "x",
		"rec/meta.json":                 `{"format":"netvet-recording/1","snapshots":[{"dir":"0000"}]}`,
		"rec/0000/proc/interrupts":      "x",
		"other/etc/hostname":            "x",
		"file":                          "x",
		"badrec/meta.json":              `{"format":"netvet-recording/9","snapshots":[{"dir":"0000"}]}`,
		"badrec/proc/interrupts":        "x",
		"sosfile/sos_commands":          "not a folder",
		"sosfile/proc/interrupts":       "x",
	})
	tests := []struct {
		dir  string
		kind Kind
		err  string
	}{
		{"snap", KindSnapshot, ""},
		{"onlynetvet", KindSnapshot, ""},
		{"sos", KindSosreport, ""},
		{"rec", KindRecording, ""},
		{"sosfile", KindSnapshot, ""},
		{"other", "", "other: not a recording (meta.json), a snapshot (proc/, sys/ or netvet/) or a sosreport (sos_commands/)"},
		{"file", "", "file: not a folder"},
		{"missing", "", "missing: no such file or directory"},
		{"badrec", "", `format "netvet-recording/9" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			o, err := OpenRoot(filepath.Join(base, tt.dir))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Kind() != tt.kind || o.Len() != 1 && tt.kind != KindRecording {
				t.Errorf("kind %v len %d, want %v", o.Kind(), o.Len(), tt.kind)
			}
			_, m, err := o.Source(context.Background(), 0, false)
			if err != nil || !m.Full {
				t.Errorf("Source(0) = %+v, %v; want a full moment", m, err)
			}
			if _, _, err := o.Source(context.Background(), 1, true); err == nil {
				t.Errorf("Source(1) of a one-moment root succeeded")
			}
		})
	}
	o, _ := OpenRoot(filepath.Join(base, "onlynetvet"))
	if _, m, _ := o.Source(context.Background(), 0, true); !m.Time.Equal(time.Date(2026, 11, 22, 10, 0, 0, 123e6, time.UTC)) {
		t.Errorf("snapshot time from host.json = %v", m.Time)
	}
}

// TestRealworldSnapshots opens every folder of shared/realworld-snapshots
// and collects each of its moments. The collectors of this part (ethtool,
// listeners, tcp_remotes) must not fail on any; the others are judged by
// their own tests.
func TestRealworldSnapshots(t *testing.T) {
	root := sharedDir(t, "realworld-snapshots")
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	mine := map[string]bool{"ethtool": true, "listeners": true, "tcp_remotes": true}
	sawEthtool := 0
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			o, err := OpenRoot(filepath.Join(root, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			c := NewCollector()
			var prev *Snapshot
			for i := range o.Len() {
				src, m, err := o.Source(context.Background(), i, true)
				if err != nil {
					t.Fatalf("moment %d: %v", i, err)
				}
				s := c.Collect(context.Background(), src, prev, m.Full)
				for _, st := range s.Status {
					if mine[st.Name] && st.State == StateError {
						t.Errorf("moment %d: %s: %s", i, st.Name, st.Err)
					}
				}
				if len(s.Ethtool) > 0 {
					sawEthtool++
				}
				prev = s
			}
		})
	}
	if sawEthtool == 0 {
		t.Errorf("no snapshot had ethtool data")
	}
}

// TestFolderSymlinksStayInside checks that real symlinks in a snapshot
// folder (unpacked sosreports have them) work inside the folder and cannot
// lead to the analysing host's own files.
func TestFolderSymlinksStayInside(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"sys/devices/virtual/net/eth0/mtu": "9000\n", "proc/.keep": ""})
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "sys/class/net"), 0o755))
	must(os.Symlink("../../devices/virtual/net/eth0", filepath.Join(dir, "sys/class/net/eth0")))
	must(os.Symlink("/etc/hostname", filepath.Join(dir, "proc/escape")))
	must(os.Symlink("../../../..", filepath.Join(dir, "proc/up")))
	o, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	src, _, err := o.Source(context.Background(), 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := readAll(src, "sys/class/net/eth0/mtu"); err != nil || string(b) != "9000\n" {
		t.Errorf("through an inside link: %q, %v", b, err)
	}
	if target, err := (&reader{fsys: src}).readLink("sys/class/net/eth0"); err != nil || target != "../../devices/virtual/net/eth0" {
		t.Errorf("readLink = %q, %v", target, err)
	}
	for _, name := range []string{"proc/escape", "proc/up/etc/hostname"} {
		if b, err := readAll(src, name); err == nil {
			t.Errorf("%s read %q from outside the folder", name, b)
		}
	}
}
