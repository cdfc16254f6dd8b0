package collect

import (
	"errors"
	"io/fs"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNetDevs(t *testing.T) {
	m := fstest.MapFS{
		"sys/class/net/eth0/mtu":             sysfile("1500\n"),
		"sys/class/net/eth1/mtu":             sysfile("1500\n"),
		"sys/class/net/eth1.symlink":         sysfile("../../devices/virtual/net/elsewhere\n"), // the directory wins
		"sys/class/net/ice0.symlink":         sysfile("../../devices/pci0000:a2/0000:a2:00.0/net/ice0\n"),
		"sys/class/net/abs0.symlink":         sysfile("/sys/devices/virtual/net/abs0\n"),
		"sys/class/net/out.symlink":          sysfile("../../../../../etc\n"), // leaves the root: dropped
		"sys/class/net/bonding_masters":      sysfile("bond0\n"),
		"sys/class/net/bonding_masters.save": sysfile("x\n"),
		"sys/class/net/_void":                sysfile(""),
	}
	got, err := collectorOn(m).r.netDevs()
	if err != nil {
		t.Fatal(err)
	}
	want := []netDev{
		{name: "abs0", dir: "sys/devices/virtual/net/abs0"},
		{name: "eth0", dir: "sys/class/net/eth0"},
		{name: "eth1", dir: "sys/class/net/eth1"},
		{name: "ice0", dir: "sys/devices/pci0000:a2/0000:a2:00.0/net/ice0"},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(netDev{})); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestFollow(t *testing.T) {
	m := fstest.MapFS{
		"sys/devices/pci0000:00/0000:00:03.0/numa_node":                       sysfile("0\n"),
		"sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0/mtu":            sysfile("1500\n"),
		"sys/class/net/eth0.symlink":                                          sysfile("../../devices/pci0000:00/0000:00:03.0/virtio2/net/eth0"),
		"sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0/device.symlink": sysfile("../../../virtio2"),
		// a chain of two links
		"sys/class/net/alias.symlink": sysfile("eth0"),
		// loops: itself, and a pair
		"sys/class/net/self.symlink": sysfile("self"),
		"sys/class/net/ping.symlink": sysfile("pong"),
		"sys/class/net/pong.symlink": sysfile("./ping"),
		// out of the root
		"sys/class/net/up.symlink": sysfile("../../../../up"),
	}
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{in: "sys/class/net/eth0/mtu", want: "sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0/mtu"},
		{in: "sys/class/net/alias/mtu", want: "sys/devices/pci0000:00/0000:00:03.0/virtio2/net/eth0/mtu"},
		{in: "sys/class/net/eth0/device", want: "sys/devices/pci0000:00/0000:00:03.0/virtio2"},
		{in: "sys/devices/pci0000:00/0000:00:03.0/numa_node", want: "sys/devices/pci0000:00/0000:00:03.0/numa_node"},
		{in: "sys/class/net/eth0/nothing", err: fs.ErrNotExist},
		{in: "sys/class/net/self/mtu", err: syscall.ELOOP},
		{in: "sys/class/net/ping/mtu", err: syscall.ELOOP},
		{in: "sys/class/net/up/x", err: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			done := make(chan struct{})
			var got string
			var err error
			go func() {
				defer close(done)
				got, err = collectorOn(m).r.follow(tt.in)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("follow did not return")
			}
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("follow = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestReadVia(t *testing.T) {
	m := fstest.MapFS{
		"sys/class/net/eth0.symlink":                sysfile("../../devices/virtual/net/eth0"),
		"sys/devices/virtual/net/eth0/mtu":          sysfile("9000\n"),
		"sys/class/net/loop.symlink":                sysfile("loop"),
		"sys/devices/virtual/net/eth0/tx_queue_len": sysfile("1000\n"),
	}
	r := collectorOn(m).r
	if v, err := r.readStringVia("sys/class/net/eth0/mtu"); err != nil || v != "9000" {
		t.Errorf("readStringVia = %q, %v", v, err)
	}
	if _, err := r.readVia("sys/class/net/loop/mtu"); !errors.Is(err, syscall.ELOOP) {
		t.Errorf("loop: err = %v, want ELOOP", err)
	}
	if _, err := r.readVia("sys/class/net/eth0/none"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent: err = %v, want not exist", err)
	}
	// A permission error is the file's own answer: not followed, not hidden.
	pr := collectorOn(faultFS{fsys: m, open: map[string]error{"sys/devices/virtual/net/eth0/mtu": fs.ErrPermission}}).r
	if _, err := pr.readVia("sys/devices/virtual/net/eth0/mtu"); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("permission: err = %v", err)
	}
}

func TestIsPCIAddr(t *testing.T) {
	for s, want := range map[string]bool{
		"0000:03:00.0":  true,
		"0000:a2:00.1":  true,
		"10000:e0:00.7": true, // VMD domain
		"0000:03:00.8":  false,
		"0000:03:0.0":   false,
		"0000:0g:00.0":  false,
		"0000:03:00":    false,
		"000:03:00.0":   false,
		"virtio2":       false,
		"pci0000:00":    false,
		"0000:03:00.0x": false,
		"":              false,
		"0000:A2:00.0":  false, // the kernel writes lower case
	} {
		if got := isPCIAddr(s); got != want {
			t.Errorf("isPCIAddr(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestAttrAbsent(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{&fs.PathError{Op: "open", Err: fs.ErrNotExist}, true},
		{&fs.PathError{Op: "open", Err: fs.ErrPermission}, true},
		{&fs.PathError{Op: "read", Err: syscall.EINVAL}, true},
		{&fs.PathError{Op: "read", Err: syscall.ENODEV}, true},
		{&fs.PathError{Op: "read", Err: syscall.EOPNOTSUPP}, true},
		{&fs.PathError{Op: "read", Err: syscall.EIO}, false},
		{&ParseError{Path: "x", Err: errors.New("bad")}, false},
	} {
		if got := attrAbsent(tt.err); got != tt.want {
			t.Errorf("attrAbsent(%v) = %v", tt.err, got)
		}
	}
}

func TestParseSpeed(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"1000", 1000, false}, {"400000", 400000, false}, {"0", 0, false},
		{"-1", -1, false}, {"65535", -1, false}, {"4294967295", -1, false}, {"", -1, false},
		{"99999999999", -1, false}, {"fast", -1, true}, {"10G", -1, true}, {"1000 Mbps", -1, true},
	} {
		got, err := parseSpeed(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseSpeed(%q) = %d, %v", tt.in, got, err)
		}
	}
}

func TestParseUintBytes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true}, {"42", 42, true}, {"18446744073709551615", 18446744073709551615, true},
		{"18446744073709551616", 0, false}, {"99999999999999999999", 0, false},
		{"", 0, false}, {"-1", 0, false}, {"1 2", 0, false}, {"0x10", 0, false},
	} {
		got, ok := parseStatValue([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseStatValue(%q) = %d, %v", tt.in, got, ok)
		}
	}
}

func TestValidIfName(t *testing.T) {
	for s, want := range map[string]bool{
		"eth0": true, "enp162s0f0np0": true, "bond0.100": true, "a-b_c@d": true, "123456789012345": true,
		"": false, "1234567890123456": false, ".": false, "..": false, "a/b": false, "eth0:1": false,
		"a b": false, "a\tb": false, "0\r0": false, "x\n": false,
	} {
		if got := validIfName(s); got != want {
			t.Errorf("validIfName(%q) = %v, want %v", s, got, want)
		}
	}
}
