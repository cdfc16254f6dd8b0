package analyze

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// bufferScene has distribution-default buffers: tcp_rmem max 6 MiB,
// tcp_wmem max 4 MiB, rmem_max/wmem_max 208 KiB.
func bufferScene(kernel, advWinScale string) *scene {
	sc := newScene(1, time.Hour).kernel(kernel).sysctl(
		"net.ipv4.tcp_rmem", "4096 131072 6291456",
		"net.ipv4.tcp_wmem", "4096 16384 4194304",
		"net.core.rmem_max", "212992",
		"net.core.wmem_max", "212992")
	if advWinScale != "" {
		sc.sysctl("net.ipv4.tcp_adv_win_scale", advWinScale)
	}
	return sc
}

// buffersFor is the four commands that raise the defaults to need bytes.
func buffersFor(need string) []string {
	return []string{
		`sysctl -w net.ipv4.tcp_rmem="4096 131072 ` + need + `"`,
		`sysctl -w net.ipv4.tcp_wmem="4096 16384 ` + need + `"`,
		"sysctl -w net.core.rmem_max=" + need,
		"sysctl -w net.core.wmem_max=" + need,
	}
}

func TestTCPBufferLimitBDP(t *testing.T) {
	// 10 Gbit/s × 20 ms = 25,000,000 bytes in flight. The buffer must hold
	// BDP ÷ (the share of it that becomes window), rounded up to a MiB.
	path := Options{Bandwidth: 10e9, RTT: 20 * time.Millisecond}
	tests := []struct {
		name, kernel, scale string
		share               float64
		shareWhy            string
		need                string
	}{
		{"5.15, tcp_adv_win_scale 1: half", "5.15.0-91-generic", "1", 0.5, "tcp_adv_win_scale 1", "50331648"},            // 50 MB → 48 MiB
		{"5.15, tcp_adv_win_scale 2: three quarters", "5.15.0-91-generic", "2", 0.75, "tcp_adv_win_scale 2", "33554432"}, // 33.3 MB → 32 MiB
		{"4.19, tcp_adv_win_scale -2: a quarter", "4.19.0-27-amd64", "-2", 0.25, "tcp_adv_win_scale -2", "100663296"},    // 100 MB → 96 MiB
		{"3.10, tcp_adv_win_scale 0: all of it", "3.10.0-1160.el7.x86_64", "0", 1, "tcp_adv_win_scale 0", "25165824"},    // 25 MB → 24 MiB
		{"6.5 still reads the sysctl", "6.5.0-35-generic", "2", 0.75, "tcp_adv_win_scale 2", "33554432"},
		{"6.6 ignores it and starts at 50%", "6.6.0", "2", 0.5, "Linux ≥ 6.6 starts at 50% and measures per socket", "50331648"},
		{"6.18", "6.18.44-fc", "2", 0.5, "Linux ≥ 6.6 starts at 50% and measures per socket", "50331648"},
		{"an old kernel without the sysctl", "4.19.0", "", 0.5, "assumed 50%", "50331648"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := only(t, bufferScene(tc.kernel, tc.scale).analyze(path), "tcp.buffer_limit")
			if f.Severity != Warning {
				t.Errorf("the operator gave the path: severity %s, want warning", f.Severity)
			}
			for metric, want := range map[string]float64{
				"bandwidth (--bandwidth)":                          10e9,
				"RTT (--rtt)":                                      20,
				"bandwidth-delay product":                          25e6,
				"usable share of the buffer (" + tc.shareWhy + ")": tc.share,
			} {
				if got := evidenceValue(t, f, metric); got != want {
					t.Errorf("evidence %s = %v, want %v", metric, got, want)
				}
			}
			if d := cmp.Diff(buffersFor(tc.need), commands(f)); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
}

func TestTCPBufferLimitFromLinkSpeed(t *testing.T) {
	// No --bandwidth/--rtt: the fastest physical link at the default RTT,
	// and only info, since the path is a guess.
	sc := bufferScene("6.8.0-60-generic", "").link("eth0", "up", 10000).link("veth0", "up", 100000).nics(physNIC("eth0", 1, 1))
	sc.cfg.NICs["veth0"] = physNIC("veth0", 1, 1)
	sc.cfg.NICs["veth0"].Kind = "veth"
	f := only(t, sc.analyze(Options{}), "tcp.buffer_limit")
	if f.Severity != Info {
		t.Errorf("severity %s, want info", f.Severity)
	}
	for metric, want := range map[string]float64{
		"bandwidth (link speed of eth0)": 10e9,
		"RTT (assumed (pass --rtt))":     10,
		"bandwidth-delay product":        12.5e6,
	} {
		if got := evidenceValue(t, f, metric); got != want {
			t.Errorf("evidence %s = %v, want %v", metric, got, want)
		}
	}
	if d := cmp.Diff(buffersFor("25165824"), commands(f)); d != "" { // 25 MB → 24 MiB
		t.Errorf("commands (-want +got):\n%s", d)
	}
}

func TestTCPBufferLimitOnlyWhatIsShort(t *testing.T) {
	path := Options{Bandwidth: 10e9, RTT: 20 * time.Millisecond}
	// Big enough: nothing. rmem_max at half the buffer suffices (the kernel
	// doubles SO_RCVBUF).
	big := newScene(1, time.Hour).kernel("6.8.0").sysctl("net.ipv4.tcp_rmem", "4096 131072 67108864", "net.ipv4.tcp_wmem", "4096 16384 67108864",
		"net.core.rmem_max", "25165824", "net.core.wmem_max", "33554432")
	if fs := byID(big.analyze(path), "tcp.buffer_limit"); len(fs) != 0 {
		t.Errorf("buffers above the need, yet %s", fs[0].Summary)
	}
	// Only tcp_wmem is short: only it is set.
	wm := newScene(1, time.Hour).kernel("6.8.0").sysctl("net.ipv4.tcp_rmem", "4096 131072 67108864", "net.ipv4.tcp_wmem", "4096 16384 4194304",
		"net.core.rmem_max", "67108864", "net.core.wmem_max", "67108864")
	f := only(t, wm.analyze(path), "tcp.buffer_limit")
	if d := cmp.Diff([]string{`sysctl -w net.ipv4.tcp_wmem="4096 16384 50331648"`}, commands(f)); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
	// No bandwidth known at all: nothing to size for.
	if fs := byID(bufferScene("6.8.0", "").analyze(Options{}), "tcp.buffer_limit"); len(fs) != 0 {
		t.Errorf("no bandwidth, yet %s", fs[0].Summary)
	}
}

func TestKernelAtLeast(t *testing.T) {
	for release, want := range map[string]bool{
		"6.6.0": true, "6.18.44-fc": true, "7.0.1": true, "6.10.0-rc1": true, "6.6-rc1": true,
		"6.5.13": false, "5.15.0-91-generic": false, "3.10.0-1160.el7.x86_64": false, "": false, "6": false, "x.y": false,
	} {
		if got := kernelAtLeast(release, 6, 6); got != want {
			t.Errorf("kernelAtLeast(%q, 6, 6) = %v, want %v", release, got, want)
		}
	}
}

func TestTCPRcvPruned(t *testing.T) {
	tests := []struct {
		name     string
		key      string
		values   []uint64
		sev      Severity
		pressure bool // TCPMemoryPressures rises too
		commands []string
	}{
		{"3 segments pruned: loss now", "TcpExt.RcvPruned", cumulative(0, 3), Critical, false,
			[]string{`sysctl -w net.ipv4.tcp_rmem="4096 131072 16777216"`}},
		{"2 dropped from the receive queue", "TcpExt.TCPRcvQDrop", cumulative(0, 2), Warning, false,
			[]string{`sysctl -w net.ipv4.tcp_rmem="4096 131072 16777216"`}},
		{"collapsing only: pressure, no loss", "TcpExt.PruneCalled", cumulative(0, 500), Warning, false,
			[]string{`sysctl -w net.ipv4.tcp_rmem="4096 131072 16777216"`}},
		{"memory pressure: tcp_mem too", "TcpExt.RcvPruned", cumulative(0, 3), Critical, true,
			[]string{`sysctl -w net.ipv4.tcp_rmem="4096 131072 16777216"`, `sysctl -w net.ipv4.tcp_mem="380000 506000 760000"`}},
		{"since boot, 1,000", "TcpExt.RcvPruned", []uint64{1000}, Warning, false,
			[]string{`sysctl -w net.ipv4.tcp_rmem="4096 131072 16777216"`}},
		{"since boot, 999", "TcpExt.RcvPruned", []uint64{999}, Info, false,
			[]string{`sysctl -w net.ipv4.tcp_rmem="4096 131072 16777216"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(len(tc.values), time.Second).sysctl("net.ipv4.tcp_rmem", "4096 131072 6291456", "net.ipv4.tcp_mem", "190000 253000 380000").
				netstat(tc.key, tc.values)
			if tc.pressure {
				sc.netstat("TcpExt.TCPMemoryPressures", cumulative(0, 1))
			}
			f := only(t, sc.analyze(Options{}), "tcp.rcv_pruned")
			if f.Severity != tc.sev {
				t.Errorf("severity %s, want %s", f.Severity, tc.sev)
			}
			if d := cmp.Diff(tc.commands, commands(f)); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
	// A tcp_rmem max above the 16 MiB floor is doubled.
	sc := newScene(2, time.Second).sysctl("net.ipv4.tcp_rmem", "4096 131072 33554432").netstat("TcpExt.RcvPruned", cumulative(0, 3))
	if d := cmp.Diff([]string{`sysctl -w net.ipv4.tcp_rmem="4096 131072 67108864"`}, commands(only(t, sc.analyze(Options{}), "tcp.rcv_pruned"))); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
}

func TestTCPAutotuningOff(t *testing.T) {
	for value, want := range map[string]bool{"0": true, "1": false} {
		fs := byID(newScene(1, time.Hour).sysctl("net.ipv4.tcp_moderate_rcvbuf", value).analyze(Options{}), "tcp.autotuning_off")
		if len(fs) != btoiInt(want) {
			t.Fatalf("tcp_moderate_rcvbuf=%s: %d findings, want %v", value, len(fs), want)
		}
		if want {
			if d := cmp.Diff([]string{"sysctl -w net.ipv4.tcp_moderate_rcvbuf=1"}, commands(fs[0])); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		}
	}
}
