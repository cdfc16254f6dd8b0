package collect

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

func TestCollectHost(t *testing.T) {
	when := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	procFiles := []string{
		"proc/sys/kernel/hostname", "web-7\n",
		"proc/sys/kernel/osrelease", "6.1.0-18-amd64\n",
		"proc/sys/kernel/random/boot_id", "0b7c1b3e-8f3a-4d2e-9a55-1c2d3e4f5a6b\n",
		"proc/uptime", "546.74 1044.83\n",
		"sys/devices/system/cpu/online", "0-5,7-8\n",
	}
	fromProc := HostInfo{Hostname: "web-7", Kernel: "6.1.0-18-amd64", BootID: "0b7c1b3e-8f3a-4d2e-9a55-1c2d3e4f5a6b", CPUs: 8, Uptime: 546.74}
	hostJSON := `{"hostname":"db-1","kernel":"5.14.0-362.el9","boot_id":"b00t","cpus":64,"time":"2026-11-22T10:00:00Z"}`
	tests := []struct {
		name        string
		fsys        fs.FS
		want        HostInfo
		unavailable bool
		errPart     string
	}{
		{name: "host.json and uptime", fsys: procMapFS("netvet/host.json", hostJSON, "proc/uptime", "12.5 3.0\n"),
			want: HostInfo{Hostname: "db-1", Kernel: "5.14.0-362.el9", BootID: "b00t", CPUs: 64, Time: when, Uptime: 12.5}},
		{name: "host.json wins over proc", fsys: procMapFS(append(procFiles, "netvet/host.json", hostJSON)...),
			want: HostInfo{Hostname: "db-1", Kernel: "5.14.0-362.el9", BootID: "b00t", CPUs: 64, Time: when, Uptime: 546.74}},
		{name: "partial host.json filled from proc", fsys: procMapFS(append(procFiles, "netvet/host.json", `{"cpus": 12}`)...),
			want: HostInfo{Hostname: "web-7", Kernel: "6.1.0-18-amd64", BootID: fromProc.BootID, CPUs: 12, Uptime: 546.74}},
		{name: "proc only", fsys: procMapFS(procFiles...), want: fromProc},
		{name: "unknown host.json fields ignored", fsys: procMapFS("netvet/host.json", `{"cpus":2,"future":{"x":1}}`), want: HostInfo{CPUs: 2}},
		{name: "nothing", fsys: procMapFS("proc/net/dev", "x"), unavailable: true, errPart: "none of netvet/host.json"},
		{name: "all denied", fsys: procErrFS{procMapFS(), map[string]error{"netvet/host.json": fs.ErrPermission, "proc/uptime": fs.ErrPermission}},
			unavailable: true, errPart: "is readable"},
		{name: "malformed host.json: error names file and line, proc still read",
			fsys: procMapFS(append(procFiles, "netvet/host.json", "{\n  \"cpus\": 4,\n  \"hostname\": x\n}")...),
			want: fromProc, errPart: "netvet/host.json:3: invalid character 'x'"},
		{name: "host.json wrong type", fsys: procMapFS("netvet/host.json", "{\"cpus\": \"many\"}"),
			errPart: "netvet/host.json:1: json: cannot unmarshal string"},
		{name: "host.json negative cpus", fsys: procMapFS("netvet/host.json", `{"cpus": -3, "hostname": "h"}`),
			want: HostInfo{Hostname: "h"}, errPart: "netvet/host.json: cpus -3 is negative"},
		{name: "host.json bad time", fsys: procMapFS("netvet/host.json", `{"time": "yesterday"}`), errPart: `netvet/host.json: parsing time "yesterday"`},
		{name: "empty host.json", fsys: procMapFS("netvet/host.json", ""), errPart: "netvet/host.json:1: unexpected end of JSON input"},
		{name: "empty uptime", fsys: procMapFS("proc/uptime", ""), errPart: `proc/uptime:1: uptime "" is not a number of seconds`},
		{name: "bad uptime", fsys: procMapFS("proc/sys/kernel/hostname", "h\n", "proc/uptime", "abc 1\n"),
			want: HostInfo{Hostname: "h"}, errPart: `proc/uptime:1: uptime "abc" is not a number of seconds`},
		{name: "negative uptime", fsys: procMapFS("proc/uptime", "-1 1\n"), want: HostInfo{}, errPart: "proc/uptime:1:"},
		{name: "bad cpu list", fsys: procMapFS("proc/sys/kernel/hostname", "h\n", "sys/devices/system/cpu/online", "0-x\n"),
			want: HostInfo{Hostname: "h"}, errPart: "sys/devices/system/cpu/online:1:"},
		{name: "hostname read error", fsys: procErrFS{procMapFS("proc/uptime", "1 1\n"), map[string]error{"proc/sys/kernel/hostname": syscall.EIO}},
			want: HostInfo{Uptime: 1}, errPart: "open proc/sys/kernel/hostname: input/output error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := runProc(tt.fsys, (*Collector).collectHost)
			if d := cmp.Diff(tt.want, s.Host); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if !s.Time.Equal(tt.want.Time) {
				t.Errorf("Snapshot.Time %v, want %v", s.Time, tt.want.Time)
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

// TestCollectHostSnapshots runs on the shared snapshots' host.json files
// (they hold only "cpus").
func TestCollectHostSnapshots(t *testing.T) {
	n := 0
	walkSharedProc(t, func(base string) bool { return base == "host.json" }, func(t *testing.T, name string, b []byte) {
		h, err := parseHostJSON(name, b)
		if err != nil || h.CPUs <= 0 {
			t.Errorf("%s: %+v, %v", name, h, err)
		}
		n++
	})
	t.Logf("%d host.json files", n)
}

func TestHostLive(t *testing.T) {
	fsys := procLiveFS(t)
	s, err := runProc(fsys, (*Collector).collectHost)
	if err != nil {
		t.Fatal(err)
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		t.Fatal(err)
	}
	release := unix.ByteSliceToString(u.Release[:])
	host, _ := os.Hostname()
	h := s.Host
	if h.Kernel != release || h.Hostname != host {
		t.Errorf("kernel %q hostname %q, uname says %q %q", h.Kernel, h.Hostname, release, host)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(h.BootID) {
		t.Errorf("boot id %q", h.BootID)
	}
	if h.CPUs < 1 || h.Uptime <= 0 {
		t.Errorf("cpus %d uptime %v", h.CPUs, h.Uptime)
	}
}
