package collect

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/procfs"
)

const netDevHeader = "Inter-|   Receive                                                |  Transmit\n" +
	" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"

// nd builds NetDevStats from the 16 columns in file order.
func nd(v ...uint64) NetDevStats {
	return NetDevStats{RxBytes: v[0], RxPackets: v[1], RxErrs: v[2], RxDrop: v[3], RxFifo: v[4], RxFrame: v[5],
		RxCompressed: v[6], RxMulticast: v[7], TxBytes: v[8], TxPackets: v[9], TxErrs: v[10], TxDrop: v[11],
		TxFifo: v[12], TxColls: v[13], TxCarrier: v[14], TxCompressed: v[15]}
}

func TestParseNetDevReal(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want map[string]NetDevStats
	}{
		{
			// A VM with docker: names wider than the 6-column field
			// ("vethf345468:") and 10-digit counters.
			name: "procfs/virtio-vm-4cpu/proc/net/dev",
			data: procRealFile(t, "procfs/virtio-vm-4cpu/proc/net/dev"),
			want: map[string]NetDevStats{
				"vethf345468": nd(648, 8, 0, 0, 0, 0, 0, 0, 438, 5, 0, 0, 0, 0, 0, 0),
				"lo":          nd(1664039048, 1566805, 0, 0, 0, 0, 0, 0, 1664039048, 1566805, 0, 0, 0, 0, 0, 0),
				"docker0":     nd(2568, 38, 0, 0, 0, 0, 0, 0, 438, 5, 0, 0, 0, 0, 0, 0),
				"eth0":        nd(874354587, 1036395, 0, 0, 0, 0, 0, 0, 563352563, 732147, 0, 0, 0, 0, 0, 0),
			},
		},
		{
			// cpu_offline_test.go's host (sysstat's tree, with a
			// dashed name and non-zero frame and colls, is checked in
			// sysstat_shared_test.go).
			name: "offline host",
			data: []byte(offlineNetDev),
			want: map[string]NetDevStats{
				"lo":     nd(5501230, 6120, 0, 0, 0, 0, 0, 0, 5501230, 6120, 0, 0, 0, 0, 0, 0),
				"enp3s0": nd(90417735, 71220, 0, 12, 0, 0, 0, 431, 6204418, 40399, 0, 0, 0, 0, 0, 0),
				"wlp2s0": nd(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseNetDev("proc/net/dev", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestNetDevMatchesProcfs compares every real dev file with procfs v0.23.0.
func TestNetDevMatchesProcfs(t *testing.T) {
	compared := 0
	check := func(t *testing.T, name string, b []byte) {
		ours, err := parseNetDev(name, b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "net"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "net", "dev"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		pfs, err := procfs.NewFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := pfs.NetDev()
		if err != nil {
			t.Fatalf("%s: procfs: %v", name, err)
		}
		want := map[string]NetDevStats{}
		for n, l := range theirs {
			want[n] = nd(l.RxBytes, l.RxPackets, l.RxErrors, l.RxDropped, l.RxFIFO, l.RxFrame, l.RxCompressed, l.RxMulticast,
				l.TxBytes, l.TxPackets, l.TxErrors, l.TxDropped, l.TxFIFO, l.TxCollisions, l.TxCarrier, l.TxCompressed)
		}
		if d := cmp.Diff(want, ours); d != "" {
			t.Errorf("%s (-procfs +ours):\n%s", name, d)
		}
		compared++
	}
	isDev := func(base string) bool { return base == "dev" }
	for _, rel := range procRealFiles(t, isDev) {
		check(t, rel, procRealFile(t, rel))
	}
	walkSharedProc(t, isDev, check)
	if b, err := os.ReadFile("/proc/net/dev"); err == nil {
		check(t, "live", b)
	}
	if compared < 3 {
		t.Errorf("only %d files compared", compared)
	}
}

func TestParseNetDevBad(t *testing.T) {
	row := func(name string) string { return fmt.Sprintf("%6s: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n", name) }
	one := nd(1, 2, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0)
	tests := []struct {
		name     string
		in       string
		want     map[string]NetDevStats
		wantLine int
		wantErr  string
	}{
		{name: "empty", in: "", wantErr: "empty file"},
		{name: "header only: no interfaces", in: netDevHeader, want: map[string]NetDevStats{}},
		{name: "2.6 format: no blank after the colon", in: netDevHeader +
			"  eth0:1234567890 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n",
			want: map[string]NetDevStats{"eth0": nd(1234567890, 2, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0)}},
		{name: "alias-style name", in: netDevHeader + row("eth0:1"), want: map[string]NetDevStats{"eth0:1": one}},
		{name: "odd but valid names", in: netDevHeader + row("a|b") + row("verylongname123"),
			want: map[string]NetDevStats{"a|b": one, "verylongname123": one}},
		{name: "missing column", in: netDevHeader + "  eth0: 1 2 3\n" + row("lo"), want: map[string]NetDevStats{"lo": one},
			wantLine: 3, wantErr: "eth0: 3 columns, want 16"},
		{name: "extra column", in: netDevHeader + "  eth0: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0 9\n" + row("lo"),
			want: map[string]NetDevStats{"lo": one}, wantLine: 3, wantErr: "eth0: 17 columns, want 16"},
		{name: "truncated last line", in: netDevHeader + row("lo") + "  eth0: 1 2 0", want: map[string]NetDevStats{"lo": one},
			wantLine: 4, wantErr: "eth0: 3 columns"},
		{name: "no colon", in: netDevHeader + "eth0 1 2\n", want: map[string]NetDevStats{}, wantLine: 3, wantErr: `no "name:"`},
		{name: "empty name", in: netDevHeader + row(""), want: map[string]NetDevStats{}, wantLine: 3, wantErr: "empty interface name"},
		{name: "not a number", in: netDevHeader + "  eth0: 1 2 0 0 0 0 0 0 3 -4 0 0 0 0 0 0\n", want: map[string]NetDevStats{},
			wantLine: 3, wantErr: `eth0: column 10 "-4" is not an unsigned integer`},
		{name: "uint64 max", in: netDevHeader + "  eth0: 18446744073709551615 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n",
			want: map[string]NetDevStats{"eth0": nd(math.MaxUint64, 2, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0)}},
		{name: "above uint64 max", in: netDevHeader + "  eth0: 18446744073709551616 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n",
			want: map[string]NetDevStats{}, wantLine: 3, wantErr: "column 1"},
		{name: "repeated interface", in: netDevHeader + row("lo") + row("lo"), want: map[string]NetDevStats{"lo": one},
			wantLine: 4, wantErr: `interface "lo" repeated`},
		{name: "no header", in: row("lo") + row("eth0"), want: map[string]NetDevStats{"lo": one, "eth0": one},
			wantLine: 1, wantErr: "header line expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseNetDev("proc/net/dev", []byte(tt.in))
			checkParsed(t, got, err, "proc/net/dev", tt.want, tt.wantLine, tt.wantErr)
		})
	}
}

func TestCollectNetDev(t *testing.T) {
	const name = "proc/net/dev"
	good := string(procRealFile(t, "procfs/virtio-vm-4cpu/proc/net/dev"))
	tests := []struct {
		name        string
		fsys        fs.FS
		ifaces      int
		unavailable bool
		errPart     string
	}{
		{name: "ok", fsys: procMapFS(name, good), ifaces: 4},
		{name: "missing", fsys: procMapFS(), unavailable: true, errPart: "open proc/net/dev: file does not exist"},
		{name: "permission denied", fsys: procErrFS{procMapFS(name, good), map[string]error{name: fs.ErrPermission}},
			unavailable: true, errPart: "permission denied"},
		{name: "bad line", fsys: procMapFS(name, good+"x: 1\n"), ifaces: 4, errPart: name + ":7: x: 1 columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := runProc(tt.fsys, (*Collector).collectNetDev)
			if len(s.NetDev) != tt.ifaces || (tt.ifaces == 0 && s.NetDev != nil) {
				t.Errorf("NetDev %v, want %d interfaces", s.NetDev, tt.ifaces)
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

// TestNetDevLive: the interfaces of sys/class/net are the rows.
func TestNetDevLive(t *testing.T) {
	fsys := procLiveFS(t)
	s, err := runProc(fsys, (*Collector).collectNetDev)
	if err != nil {
		t.Fatal(err)
	}
	ents, err := fs.ReadDir(fsys, "sys/class/net")
	if err != nil {
		t.Skip(err)
	}
	var want, got []string
	for _, e := range ents {
		want = append(want, e.Name())
	}
	for n := range s.NetDev {
		got = append(got, n)
	}
	if d := cmp.Diff(want, got, procSortedStrings); d != "" {
		t.Errorf("interfaces (-sys/class/net +proc/net/dev):\n%s", d)
	}
	if _, ok := s.NetDev["lo"]; !ok {
		t.Error("no lo")
	}
}
