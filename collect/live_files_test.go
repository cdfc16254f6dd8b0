package collect

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io/fs"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

func TestLiveHostFromRoot(t *testing.T) {
	root := fstest.MapFS{
		"proc/sys/kernel/hostname":       {Data: []byte("web-1\n")},
		"proc/sys/kernel/osrelease":      {Data: []byte("6.1.0-13-amd64\n")},
		"proc/sys/kernel/random/boot_id": {Data: []byte("5f0c8f3e-0000-4000-8000-000000000001\n")},
		"sys/devices/system/cpu/online":  {Data: []byte("0-5,7-8\n")},
	}
	now := time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC)
	b, err := liveHost(root, now)
	if err != nil {
		t.Fatal(err)
	}
	var h hostJSON
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	want := hostJSON{Hostname: "web-1", Kernel: "6.1.0-13-amd64", BootID: "5f0c8f3e-0000-4000-8000-000000000001", CPUs: 8, Time: "2026-11-22T10:00:00.123Z"}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("host.json (-want +got):\n%s", diff)
	}
	// Without proc/ the names come from uname(2), and absent parts are
	// left out rather than written as 0.
	b, _ = liveHost(fstest.MapFS{}, now)
	if strings.Contains(string(b), "cpus") || strings.Contains(string(b), "boot_id") || !strings.Contains(string(b), "kernel") {
		t.Errorf("host.json without proc/ and sys/: %s", b)
	}
}

func TestLiveIRQBalance(t *testing.T) {
	tests := []struct {
		name string
		root fstest.MapFS
		want IRQBalance
	}{
		{"running", fstest.MapFS{
			"proc/1/comm":       {Data: []byte("systemd\n")},
			"proc/812/comm":     {Data: []byte("irqbalance\n")},
			"proc/812/environ":  {Data: []byte("PATH=/bin\x00IRQBALANCE_BANNED_CPUS=0000000f\x00")},
			"proc/self/comm":    {Data: []byte("irqbalance\n")}, // not a pid
			"proc/interrupts":   {Data: []byte("x")},
			"proc/900/comm":     {Data: []byte("irqbalance2\n")},
			"proc/1000/environ": {Data: []byte("")},
		}, IRQBalance{Running: true, PID: 812, Banned: "0000000f"}},
		{"cpulist", fstest.MapFS{
			"proc/77/comm":    {Data: []byte("irqbalance\n")},
			"proc/77/environ": {Data: []byte("IRQBALANCE_BANNED_CPULIST=0-3,8\x00")},
		}, IRQBalance{Running: true, PID: 77, Banned: "10f"}},
		{"environ unreadable", fstest.MapFS{"proc/77/comm": {Data: []byte("irqbalance\n")}}, IRQBalance{Running: true, PID: 77}},
		{"not running", fstest.MapFS{"proc/1/comm": {Data: []byte("init\n")}}, IRQBalance{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := liveIRQBalance(context.Background(), tt.root)
			if err != nil {
				t.Fatal(err)
			}
			var got IRQBalance
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := liveIRQBalance(context.Background(), fstest.MapFS{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no proc/: %v", err)
	}
}

// diagMsgBytes builds a struct inet_diag_msg as the kernel sends it.
func diagMsgBytes(family, state uint8, src, dst netip.AddrPort, rq, wq uint32) []byte {
	b := make([]byte, sizeofDiagMsg)
	b[0], b[1] = family, state
	binary.BigEndian.PutUint16(b[4:], src.Port())
	binary.BigEndian.PutUint16(b[6:], dst.Port())
	if family == unix.AF_INET {
		s4, d4 := src.Addr().As4(), dst.Addr().As4()
		copy(b[8:], s4[:])
		copy(b[24:], d4[:])
	} else {
		s16, d16 := src.Addr().As16(), dst.Addr().As16()
		copy(b[8:], s16[:])
		copy(b[24:], d16[:])
	}
	binary.NativeEndian.PutUint32(b[56:], rq)
	binary.NativeEndian.PutUint32(b[60:], wq)
	return b
}

func TestParseDiagMsg(t *testing.T) {
	tests := []struct {
		family uint8
		src    string
		dst    string
	}{
		{unix.AF_INET, "10.0.0.2:8080", "10.1.2.3:5432"},
		{unix.AF_INET6, "[2001:db8::1]:443", "[::ffff:10.1.2.3]:40000"},
		{unix.AF_INET6, "[::]:22", "[::]:0"},
	}
	for _, tt := range tests {
		src, dst := netip.MustParseAddrPort(tt.src), netip.MustParseAddrPort(tt.dst)
		var m diagMsg
		parseDiagMsg(diagMsgBytes(tt.family, tcpListen, src, dst, 129, 128), &m)
		want := diagMsg{family: tt.family, state: tcpListen, local: src, remote: dst, rqueue: 129, wqueue: 128}
		if m != want {
			t.Errorf("%s: %+v, want %+v", tt.src, m, want)
		}
	}
}

func TestVirtualFiles(t *testing.T) {
	v := &virtualFiles{
		top: map[string]func() ([]byte, error){
			"host.json":      func() ([]byte, error) { return []byte(`{"cpus":2}`), nil },
			"listeners.json": func() ([]byte, error) { return nil, syscall.EPERM },
			"addrs.json":     func() ([]byte, error) { return nil, fs.ErrNotExist },
		},
		ifaces:  func() ([]string, error) { return []string{"eth0", "lo"}, nil },
		ethtool: func(ifname string) ([]byte, error) { return map[string][]byte{"eth0": []byte("{}")}[ifname], nil },
	}
	calls := 0
	v.top["tcp_remotes.json"] = func() ([]byte, error) { calls++; return []byte("[]\n"), nil }
	o := &overlayFS{base: fstest.MapFS{"proc/x": {}}, top: []string{"proc"}, virt: v}
	// lo's producer gives no bytes and no error: an empty file, listed.
	names := func(dir string) []string {
		ents, err := fs.ReadDir(o, dir)
		if err != nil {
			t.Fatalf("ReadDir(%s): %v", dir, err)
		}
		var out []string
		for _, e := range ents {
			out = append(out, e.Name())
		}
		return out
	}
	if diff := cmp.Diff([]string{"ethtool", "host.json", "tcp_remotes.json"}, names("netvet")); diff != "" {
		t.Errorf("netvet/ (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"eth0.json", "lo.json"}, names("netvet/ethtool")); diff != "" {
		t.Errorf("netvet/ethtool (-want +got):\n%s", diff)
	}
	if _, err := fs.ReadFile(o, "netvet/listeners.json"); !errors.Is(err, fs.ErrPermission) || !IsUnavailable(err) {
		t.Errorf("refused producer: %v, want a permission error", err)
	}
	if _, err := fs.ReadFile(o, "netvet/addrs.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
	for _, bad := range []string{"netvet/ethtool/.json", "netvet/ethtool/a/b.json", "netvet/ethtool/eth0", "netvet/other.json"} {
		if _, err := fs.ReadFile(o, bad); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	fs.ReadFile(o, "netvet/tcp_remotes.json")
	fs.ReadFile(o, "netvet/tcp_remotes.json")
	if calls != 1 {
		t.Errorf("producer ran %d times, want once per Source", calls)
	}
	if _, err := fs.ReadLink(o, "netvet/host.json"); err == nil {
		t.Errorf("ReadLink of a virtual file succeeded")
	}
	if _, err := o.Open("etc/passwd"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("outside proc/: %v", err)
	}
}
