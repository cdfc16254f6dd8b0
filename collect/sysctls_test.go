package collect

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// sysctlFS returns a MapFS holding the given sysctls at their proc/sys paths.
func sysctlFS(kv map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range kv {
		m[SysctlPath(k)] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func TestSysctlNames(t *testing.T) {
	names := SysctlNames()
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] || !strings.HasPrefix(n, "net.") || strings.Contains(n, "/") || !fs.ValidPath(SysctlPath(n)) {
			t.Errorf("bad or repeated name %q", n)
		}
		seen[n] = true
	}
	// The ones FINDINGS.md's rules name.
	for _, n := range []string{"net.core.somaxconn", "net.core.netdev_max_backlog", "net.core.netdev_budget",
		"net.core.netdev_budget_usecs", "net.core.rps_sock_flow_entries", "net.core.rmem_max", "net.core.wmem_max",
		"net.core.flow_limit_cpu_bitmap", "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_syncookies", "net.ipv4.tcp_rmem",
		"net.ipv4.tcp_wmem", "net.ipv4.tcp_mem", "net.ipv4.tcp_adv_win_scale", "net.ipv4.tcp_moderate_rcvbuf",
		"net.ipv4.ip_local_port_range", "net.ipv4.tcp_tw_reuse"} {
		if !seen[n] {
			t.Errorf("%s missing", n)
		}
	}
	names[0] = "changed"
	if SysctlNames()[0] == "changed" {
		t.Error("SysctlNames shares its slice")
	}
	if got := SysctlPath("net.ipv4.tcp_rmem"); got != "proc/sys/net/ipv4/tcp_rmem" {
		t.Errorf("SysctlPath = %q", got)
	}
}

func TestCollectSysctls(t *testing.T) {
	full := map[string]string{}
	for _, n := range SysctlNames() {
		full[n] = "1\n"
	}
	full["net.ipv4.tcp_rmem"] = "4096\t131072\t6291456\n"
	full["net.ipv4.ip_local_reserved_ports"] = "\n"
	full["net.core.default_qdisc"] = "fq_codel\n"
	wantFull := map[string]string{}
	for k, v := range full {
		wantFull[k] = strings.TrimSpace(v)
	}
	old := map[string]string{"net.core.somaxconn": "128\n", "net.ipv4.tcp_rmem": "4096 87380 4194304\n"}

	withErr := sysctlFS(full)
	tests := []struct {
		name        string
		fsys        fs.FS
		want        map[string]string
		unavailable bool
		errPart     string
	}{
		{name: "all present: trimmed, inner tabs kept, empty kept", fsys: sysctlFS(full), want: wantFull},
		{name: "older kernel: absent ones left out", fsys: sysctlFS(old),
			want: map[string]string{"net.core.somaxconn": "128", "net.ipv4.tcp_rmem": "4096 87380 4194304"}},
		{name: "one unreadable is absent", fsys: procErrFS{sysctlFS(old), map[string]error{"proc/sys/net/core/somaxconn": fs.ErrPermission}},
			want: map[string]string{"net.ipv4.tcp_rmem": "4096 87380 4194304"}},
		{name: "no proc/sys", fsys: procMapFS("proc/net/dev", "x"), unavailable: true,
			errPart: "none of 36 sysctls readable: open proc/sys/net/core/netdev_max_backlog: file does not exist"},
		{name: "all denied", fsys: procErrFS{procMapFS(), map[string]error{"proc/sys/net/core/netdev_max_backlog": fs.ErrPermission}},
			unavailable: true, errPart: "permission denied"},
		{name: "read error is an error, the rest kept",
			fsys: procErrFS{withErr, map[string]error{"proc/sys/net/core/somaxconn": errors.New("input/output error")}},
			want: withoutKey(wantFull, "net.core.somaxconn"), errPart: "open proc/sys/net/core/somaxconn: input/output error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := runProc(tt.fsys, (*Collector).collectSysctls)
			if d := cmp.Diff(tt.want, s.Config.Sysctls); d != "" {
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

func withoutKey(m map[string]string, key string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func TestSysctlInts(t *testing.T) {
	m := map[string]string{
		"rmem": "4096\t131072\t6291456", "range": "32768\t60999", "one": "4096", "neg": "-1",
		"empty": "", "text": "cubic", "mixed": "1 x", "big": "9223372036854775808",
	}
	tests := []struct {
		name  string
		ints  []int64
		ok    bool
		one   int64
		okOne bool
	}{
		{name: "rmem", ints: []int64{4096, 131072, 6291456}, ok: true},
		{name: "range", ints: []int64{32768, 60999}, ok: true},
		{name: "one", ints: []int64{4096}, ok: true, one: 4096, okOne: true},
		{name: "neg", ints: []int64{-1}, ok: true, one: -1, okOne: true},
		{name: "empty"}, {name: "text"}, {name: "mixed"}, {name: "big"}, {name: "absent"},
	}
	for _, tt := range tests {
		ints, ok := SysctlInts(m, tt.name)
		if d := cmp.Diff(tt.ints, ints); d != "" || ok != tt.ok {
			t.Errorf("SysctlInts(%s) = %v, %v; want %v, %v", tt.name, ints, ok, tt.ints, tt.ok)
		}
		one, okOne := SysctlInt(m, tt.name)
		if one != tt.one || okOne != tt.okOne {
			t.Errorf("SysctlInt(%s) = %v, %v; want %v, %v", tt.name, one, okOne, tt.one, tt.okOne)
		}
	}
}

// TestSysctlsLive reads this kernel's sysctls and checks them against the
// files themselves (read without netvet) and their shapes.
func TestSysctlsLive(t *testing.T) {
	fsys := procLiveFS(t)
	s, err := runProc(fsys, (*Collector).collectSysctls)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range SysctlNames() {
		b, err := os.ReadFile("/" + SysctlPath(n))
		v, ok := s.Config.Sysctls[n]
		if (err == nil) != ok || ok && v != strings.TrimSpace(string(b)) {
			t.Errorf("%s: got %q (present %v), file %q (%v)", n, v, ok, b, err)
		}
	}
	for _, n := range []string{"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", "net.ipv4.tcp_mem"} {
		if v, ok := SysctlInts(s.Config.Sysctls, n); !ok || len(v) != 3 {
			t.Errorf("%s = %v, %v: want 3 integers", n, v, ok)
		}
	}
	if v, ok := SysctlInts(s.Config.Sysctls, "net.ipv4.ip_local_port_range"); !ok || len(v) != 2 || v[0] > v[1] {
		t.Errorf("ip_local_port_range = %v, %v", v, ok)
	}
	if v, ok := SysctlInt(s.Config.Sysctls, "net.core.somaxconn"); !ok || v <= 0 {
		t.Errorf("somaxconn = %v, %v", v, ok)
	}
}

// oneReadFS serves files the way proc/sys does: the first Read returns what
// fits, any later Read returns EOF (the kernel answers only offset 0).
type oneReadFS struct{ fstest.MapFS }

func (o oneReadFS) Open(name string) (fs.File, error) {
	f, err := o.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return &oneReadFile{File: f}, nil
}

type oneReadFile struct {
	fs.File
	done bool
}

func (f *oneReadFile) Read(p []byte) (int, error) {
	if f.done {
		return 0, io.EOF
	}
	f.done = true
	return f.File.Read(p)
}

// TestSysctlReadInOneCall: a value must come whole from the first read,
// whatever was read before with the same Collector.
func TestSysctlReadInOneCall(t *testing.T) {
	fsys := oneReadFS{sysctlFS(map[string]string{
		"net.core.somaxconn":               "4096\n",
		"net.ipv4.tcp_rmem":                "4096\t131072\t33554432\n",
		"net.ipv4.ip_local_reserved_ports": strings.Repeat("10000-10001,", 300) + "1\n",
	})}
	s, err := runProc(fsys, (*Collector).collectSysctls)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"net.core.somaxconn":               "4096",
		"net.ipv4.tcp_rmem":                "4096\t131072\t33554432",
		"net.ipv4.ip_local_reserved_ports": strings.Repeat("10000-10001,", 300) + "1",
	}
	if d := cmp.Diff(want, s.Config.Sysctls); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
