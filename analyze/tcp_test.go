package analyze

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

func TestTCPSynQueueDrops(t *testing.T) {
	tests := []struct {
		name     string
		drops    []uint64
		sysctls  []string
		sev      Severity
		commands []string
	}{
		{"3 in the window, cookies off", cumulative(0, 3), []string{"net.ipv4.tcp_syncookies", "0", "net.ipv4.tcp_max_syn_backlog", "512"},
			Critical, []string{"sysctl -w net.ipv4.tcp_syncookies=1", "sysctl -w net.ipv4.tcp_max_syn_backlog=4096"}},
		{"2 in one interval, cookies on", cumulative(0, 2), []string{"net.ipv4.tcp_syncookies", "1", "net.ipv4.tcp_max_syn_backlog", "8192"},
			Warning, []string{"sysctl -w net.ipv4.tcp_max_syn_backlog=16384"}},
		{"since boot, 100", []uint64{100}, []string{"net.ipv4.tcp_max_syn_backlog", "4096"},
			Warning, []string{"sysctl -w net.ipv4.tcp_max_syn_backlog=8192"}},
		{"none", cumulative(9, 0), nil, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(len(tc.drops), time.Second).sysctl(tc.sysctls...).netstat("TcpExt.TCPReqQFullDrop", tc.drops)
			fs := byID(sc.analyze(Options{}), "tcp.syn_queue_drops")
			if tc.sev == 0 {
				if len(fs) != 0 {
					t.Errorf("unexpected: %s", fs[0].Summary)
				}
				return
			}
			if len(fs) != 1 || fs[0].Severity != tc.sev {
				t.Fatalf("want one %s tcp.syn_queue_drops, got %+v", tc.sev, fs)
			}
			if d := cmp.Diff(tc.commands, commands(fs[0])); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
}

func TestTCPSyncookies(t *testing.T) {
	for value, want := range map[string]bool{"0": true, "1": false, "2": false} {
		res := newScene(1, time.Hour).sysctl("net.ipv4.tcp_syncookies", value).analyze(Options{})
		fs := byID(res, "tcp.syncookies_off")
		if len(fs) != btoiInt(want) {
			t.Fatalf("tcp_syncookies=%s: %d findings, want %v", value, len(fs), want)
		}
		if want {
			if fs[0].Severity != Warning {
				t.Errorf("severity %s, want warning", fs[0].Severity)
			}
			if d := cmp.Diff([]string{"sysctl -w net.ipv4.tcp_syncookies=1"}, commands(fs[0])); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		}
	}

	// Cookies sent: a full SYN queue. Warning now, info since boot.
	tests := []struct {
		name       string
		sent, full []uint64
		want       Severity
		metric     string
	}{
		{"SyncookiesSent rises", cumulative(0, 5), cumulative(0, 2), Warning, "TcpExt.SyncookiesSent"},
		{"TCPReqQFullDoCookies counts more", cumulative(0, 2), cumulative(0, 5), Warning, "TcpExt.TCPReqQFullDoCookies"},
		{"since boot", []uint64{5}, []uint64{5}, Info, "TcpExt.SyncookiesSent"},
		{"none", cumulative(5, 0), cumulative(5, 0), 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(len(tc.sent), time.Second).netstat("TcpExt.SyncookiesSent", tc.sent).netstat("TcpExt.TCPReqQFullDoCookies", tc.full)
			fs := byID(sc.analyze(Options{}), "tcp.syncookies_sent")
			if tc.want == 0 {
				if len(fs) != 0 {
					t.Errorf("unexpected: %s", fs[0].Summary)
				}
				return
			}
			if len(fs) != 1 || fs[0].Severity != tc.want {
				t.Fatalf("want one %s, got %+v", tc.want, fs)
			}
			if fs[0].Evidence[0].Metric != tc.metric && fs[0].Evidence[0].Metric != tc.metric+" (since boot)" {
				t.Errorf("first evidence %q, want %s", fs[0].Evidence[0].Metric, tc.metric)
			}
		})
	}
}

func TestTCPEphemeralPorts(t *testing.T) {
	// 32768-60999 is 28,232 ports; 70% of them is 19,762.4.
	tests := []struct {
		name      string
		portRange string
		twReuse   string
		remote    collect.TCPRemote
		commands  []string // nil: no finding
	}{
		{"19,763 connections: at 70%", "32768 60999", "2", collect.TCPRemote{Remote: "10.1.2.3:5432", Established: 100, TimeWait: 19_663},
			[]string{`sysctl -w net.ipv4.ip_local_port_range="1024 65535"`, "sysctl -w net.ipv4.tcp_tw_reuse=1"}},
		{"19,762 connections: just below", "32768 60999", "2", collect.TCPRemote{Remote: "10.1.2.3:5432", Established: 100, TimeWait: 19_662}, nil},
		{"tw_reuse already on", "32768 60999", "1", collect.TCPRemote{Remote: "10.1.2.3:5432", Established: 100, TimeWait: 19_663, Other: 50},
			[]string{`sysctl -w net.ipv4.ip_local_port_range="1024 65535"`}},
		{"no TIME_WAIT: tw_reuse would not help", "32768 60999", "2", collect.TCPRemote{Remote: "10.1.2.3:5432", Established: 20_000},
			[]string{`sysctl -w net.ipv4.ip_local_port_range="1024 65535"`}},
		{"the range is already the widest", "1024 65535", "1", collect.TCPRemote{Remote: "[2001:db8::1]:443", TimeWait: 46_000}, []string{}},
		{"a narrow range is widened, never narrowed", "40000 40999", "2", collect.TCPRemote{Remote: "10.1.2.3:80", TimeWait: 700},
			[]string{`sysctl -w net.ipv4.ip_local_port_range="1024 65535"`, "sysctl -w net.ipv4.tcp_tw_reuse=1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(1, time.Hour).sysctl("net.ipv4.ip_local_port_range", tc.portRange, "net.ipv4.tcp_tw_reuse", tc.twReuse).
				each(func(_ int, s *collect.Snapshot) {
					s.TCPRemotes = []collect.TCPRemote{tc.remote, {Remote: "10.9.9.9:53", Established: 3}}
				})
			fs := byID(sc.analyze(Options{}), "tcp.ephemeral_ports")
			if tc.commands == nil {
				if len(fs) != 0 {
					t.Errorf("unexpected: %s", fs[0].Summary)
				}
				return
			}
			if len(fs) != 1 || fs[0].Subject != tc.remote.Remote || fs[0].Severity != Warning {
				t.Fatalf("want one warning for %s, got %+v", tc.remote.Remote, fs)
			}
			got := commands(fs[0])
			if got == nil {
				got = []string{}
			}
			if d := cmp.Diff(tc.commands, got); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
}

func TestTCPEphemeralPortsEvidence(t *testing.T) {
	sc := newScene(1, time.Hour).sysctl("net.ipv4.ip_local_port_range", "32768 60999").each(func(_ int, s *collect.Snapshot) {
		s.TCPRemotes = []collect.TCPRemote{{Remote: "10.1.2.3:5432", Established: 1232, TimeWait: 20_000}}
	})
	f := only(t, sc.analyze(Options{}), "tcp.ephemeral_ports")
	if got := evidenceValue(t, f, "connections toward 10.1.2.3:5432"); got != 21_232 {
		t.Errorf("connections = %v", got)
	}
	if got := evidenceValue(t, f, "of them in TIME_WAIT"); got != 20_000 {
		t.Errorf("TIME_WAIT = %v", got)
	}
	if got := evidenceText(t, f, "net.ipv4.ip_local_port_range"); got != "32768 60999" {
		t.Errorf("range = %q", got)
	}
	if got := evidenceValue(t, f, "share of the port range"); got < 75.2 || got > 75.21 {
		t.Errorf("share = %v, want 75.2%%", got)
	}
}

func TestTCPRetransmits(t *testing.T) {
	tests := []struct {
		name         string
		retrans, out []uint64
		want         bool
	}{
		{"1% of 10,000 segments", cumulative(0, 100), cumulative(0, 10_000), true},
		{"0.99%", cumulative(0, 99), cumulative(0, 10_000), false},
		{"1% of too few segments", cumulative(0, 100), cumulative(0, 9_999), false},
		{"since boot, 1% of 1M", []uint64{10_000}, []uint64{1_000_000}, true},
		{"since boot, 1% of fewer", []uint64{9_999}, []uint64{999_999}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(len(tc.out), time.Second).snmp("Tcp.RetransSegs", tc.retrans).snmp("Tcp.OutSegs", tc.out)
			fs := byID(sc.analyze(Options{}), "tcp.retransmits")
			if len(fs) != btoiInt(tc.want) {
				t.Fatalf("%d findings, want %v", len(fs), tc.want)
			}
			if tc.want && fs[0].Severity != Info {
				t.Errorf("severity %s, want info", fs[0].Severity)
			}
		})
	}
}
