package collect

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/procfs"
)

func parseSockstatText(path, text string) (*Counters, error) {
	var cb counterBuilder
	var errs errList
	parseSockstat(path, []byte(text), &cb, &errs)
	return cb.counters(), errs.err()
}

func TestParseSockstatReal(t *testing.T) {
	const vm = "procfs/virtio-vm-4cpu/proc/net/sockstat"
	got, err := parseSockstatText(vm, string(procRealFile(t, vm)))
	if err != nil {
		t.Fatal(err)
	}
	want := &Counters{Values: map[string]uint64{
		"sockets.used": 1602,
		"TCP.inuse":    35, "TCP.orphan": 0, "TCP.tw": 4, "TCP.alloc": 59, "TCP.mem": 22,
		"UDP.inuse": 12, "UDP.mem": 62,
		"UDPLITE.inuse": 0,
		"RAW.inuse":     0,
		"FRAG.inuse":    0, "FRAG.memory": 0,
	}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestSockstatMatchesProcfs compares each real sockstat file with procfs.
func TestSockstatMatchesProcfs(t *testing.T) {
	compared := 0
	check := func(t *testing.T, name string, b []byte) {
		ours, err := parseSockstatText(name, string(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		file := filepath.Base(name)
		if !strings.HasPrefix(file, "sockstat") {
			file = "sockstat"
		}
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "net"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "net", file), b, 0o644); err != nil {
			t.Fatal(err)
		}
		pfs, err := procfs.NewFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		get := pfs.NetSockstat
		if file == "sockstat6" {
			get = pfs.NetSockstat6
		}
		theirs, err := get()
		if err != nil {
			t.Fatalf("%s: procfs: %v", name, err)
		}
		want := map[string]uint64{}
		if theirs.Used != nil {
			want["sockets.used"] = uint64(*theirs.Used)
		}
		for _, p := range theirs.Protocols {
			want[p.Protocol+".inuse"] = uint64(p.InUse)
			for k, v := range map[string]*int{"orphan": p.Orphan, "tw": p.TW, "alloc": p.Alloc, "mem": p.Mem, "memory": p.Memory} {
				if v != nil {
					want[p.Protocol+"."+k] = uint64(*v)
				}
			}
		}
		if d := cmp.Diff(want, ours.Values); d != "" {
			t.Errorf("%s (-procfs +ours):\n%s", name, d)
		}
		compared++
	}
	isSockstat := func(base string) bool { return strings.HasPrefix(base, "sockstat") }
	for _, rel := range procRealFiles(t, isSockstat) {
		check(t, rel, procRealFile(t, rel))
	}
	walkSharedProc(t, isSockstat, check)
	for _, live := range []string{"/proc/net/sockstat", "/proc/net/sockstat6"} {
		if b, err := os.ReadFile(live); err == nil {
			check(t, live, b)
		}
	}
	if compared < 2 {
		t.Errorf("only %d files compared", compared)
	}
}

func TestParseSockstatBad(t *testing.T) {
	vals := func(kv map[string]uint64) *Counters { return &Counters{Values: kv} }
	tests := []struct {
		name     string
		in       string
		want     *Counters
		wantLine int
		wantErr  string
	}{
		{name: "empty", in: "", wantErr: "empty file"},
		{name: "odd pair keeps complete pairs", in: "TCP: inuse 1 orphan\nUDP: inuse 2\n",
			want: vals(map[string]uint64{"TCP.inuse": 1, "UDP.inuse": 2}), wantLine: 1, wantErr: "TCP.orphan has no value"},
		{name: "value where a name belongs", in: "TCP: 1 2\nUDP: inuse 2\n", want: vals(map[string]uint64{"UDP.inuse": 2}),
			wantLine: 1, wantErr: `TCP: "1" is not a name`},
		{name: "not a number", in: "TCP: inuse x tw 3\n", want: vals(map[string]uint64{"TCP.tw": 3}),
			wantLine: 1, wantErr: `TCP.inuse: "x" is not an integer`},
		{name: "no prefix", in: "inuse 1\nUDP: inuse 2\n", want: vals(map[string]uint64{"UDP.inuse": 2}),
			wantLine: 1, wantErr: `no "NAME:"`},
		{name: "negative goes to Signed", in: "TCP: inuse 1 orphan -3\n",
			want: &Counters{Values: map[string]uint64{"TCP.inuse": 1}, Signed: map[string]int64{"TCP.orphan": -3}}},
		{name: "uint64 max and beyond", in: "X: a 18446744073709551615 b 18446744073709551616\n",
			want: vals(map[string]uint64{"X.a": math.MaxUint64}), wantLine: 1, wantErr: "X.b"},
		{name: "future field kept", in: "TCP: inuse 1 newthing 5\n", want: vals(map[string]uint64{"TCP.inuse": 1, "TCP.newthing": 5})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSockstatText("proc/net/sockstat", tt.in)
			checkParsed(t, got, err, "proc/net/sockstat", tt.want, tt.wantLine, tt.wantErr)
		})
	}
}

func TestCollectSockstat(t *testing.T) {
	v4 := "sockets: used 16\nTCP: inuse 1 orphan 0 tw 2 alloc 1 mem 252\n"
	v6 := "TCP6: inuse 3\nUDP6: inuse 0\n"
	tests := []struct {
		name        string
		fsys        fs.FS
		want        *Counters
		unavailable bool
		errPart     string
	}{
		{name: "v4 and v6", fsys: procMapFS("proc/net/sockstat", v4, "proc/net/sockstat6", v6), want: &Counters{Values: map[string]uint64{
			"sockets.used": 16, "TCP.inuse": 1, "TCP.orphan": 0, "TCP.tw": 2, "TCP.alloc": 1, "TCP.mem": 252, "TCP6.inuse": 3, "UDP6.inuse": 0}}},
		{name: "no IPv6", fsys: procMapFS("proc/net/sockstat", v4), want: &Counters{Values: map[string]uint64{
			"sockets.used": 16, "TCP.inuse": 1, "TCP.orphan": 0, "TCP.tw": 2, "TCP.alloc": 1, "TCP.mem": 252}}},
		{name: "sockstat6 unreadable", fsys: procErrFS{procMapFS("proc/net/sockstat", "TCP: tw 2\n"), map[string]error{"proc/net/sockstat6": fs.ErrPermission}},
			want: &Counters{Values: map[string]uint64{"TCP.tw": 2}}},
		{name: "missing", fsys: procMapFS("proc/net/sockstat6", v6), unavailable: true, errPart: "open proc/net/sockstat: file does not exist"},
		{name: "permission denied", fsys: procErrFS{procMapFS("proc/net/sockstat", v4), map[string]error{"proc/net/sockstat": fs.ErrPermission}},
			unavailable: true, errPart: "permission denied"},
		{name: "bad sockstat6 line", fsys: procMapFS("proc/net/sockstat", "TCP: tw 2\n", "proc/net/sockstat6", "TCP6: inuse\n"),
			want: &Counters{Values: map[string]uint64{"TCP.tw": 2}}, errPart: "proc/net/sockstat6:1: TCP6.inuse has no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := runProc(tt.fsys, (*Collector).collectSockstat)
			if d := cmp.Diff(tt.want, s.Sockstat); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if tt.errPart == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errPart) || IsUnavailable(err) != tt.unavailable {
				t.Fatalf("error %v, want %q (unavailable %v)", err, tt.errPart, tt.unavailable)
			}
		})
	}
}

func TestSockstatLive(t *testing.T) {
	s, err := runProc(procLiveFS(t), (*Collector).collectSockstat)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"sockets.used", "TCP.inuse", "TCP.tw", "TCP.orphan", "TCP.mem", "UDP.inuse", "FRAG.memory"} {
		if _, ok := s.Sockstat.Get(k); !ok {
			t.Errorf("no %s", k)
		}
	}
	if _, err := os.Stat("/proc/net/sockstat6"); err == nil {
		if _, ok := s.Sockstat.Get("TCP6.inuse"); !ok {
			t.Error("sockstat6 present but no TCP6.inuse")
		}
	}
}
