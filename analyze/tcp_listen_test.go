package analyze

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

// listenScene has ListenOverflows and ListenDrops at the given readings
// (10 s apart; one reading: since boot) and the listeners of each snapshot.
func listenScene(overflows, drops []uint64, listeners func(i int) []collect.Listener) *scene {
	sc := newScene(len(overflows), 10*time.Second).netstat("TcpExt.ListenOverflows", overflows).netstat("TcpExt.ListenDrops", drops)
	if listeners != nil {
		sc.each(func(i int, s *collect.Snapshot) { s.Listeners = listeners(i) })
	}
	return sc
}

func TestTCPListenOverflowSeverity(t *testing.T) {
	tests := []struct {
		name      string
		overflows []uint64
		drops     []uint64
		want      Severity
	}{
		{"3 overflows in the window", cumulative(40, 3), cumulative(40, 3), Critical},
		{"2 overflows in one interval", cumulative(40, 2), cumulative(40, 2), Warning},
		{"1 overflow in each of two consecutive intervals", cumulative(40, 1, 1), cumulative(40, 1, 1), Critical},
		{"ListenDrops counts more (SYNs dropped for other reasons too)", cumulative(40, 0), cumulative(40, 3), Critical},
		{"none", cumulative(40, 0), cumulative(40, 0), 0},
		{"since boot, 100", []uint64{100}, []uint64{100}, Warning},
		{"since boot, 99", []uint64{99}, []uint64{99}, Info},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := severities(listenScene(tc.overflows, tc.drops, nil).analyze(Options{}), "tcp.listen_overflow")
			want := map[string]Severity{}
			if tc.want != 0 {
				want["host"] = tc.want
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("tcp.listen_overflow (-want +got):\n%s", d)
			}
		})
	}
}

func TestTCPListenOverflowPerListener(t *testing.T) {
	// :8080 is at its limit in the last two of three snapshots; :22 never.
	listeners := func(i int) []collect.Listener {
		q := uint32(10)
		if i > 0 {
			q = 128
		}
		return []collect.Listener{{Local: "0.0.0.0:22", Queue: 0, Limit: 128}, {Local: "0.0.0.0:8080", Queue: q, Limit: 128}}
	}
	sc := listenScene(cumulative(0, 2, 3), cumulative(0, 2, 3), listeners).sysctl("net.core.somaxconn", "4096")
	res := sc.analyze(Options{})

	// The overflow is attributed to the full listener, not to the host.
	ov := only(t, res, "tcp.listen_overflow")
	if ov.Subject != "0.0.0.0:8080" || ov.Severity != Critical {
		t.Errorf("overflow: %s on %s, want critical on 0.0.0.0:8080", ov.Severity, ov.Subject)
	}
	if want := "The host (listener 0.0.0.0:8080 at its limit) dropped 5 (0.25/s) connection attempts in 20 s because an accept queue was full (clients wait ≥ 1 s to retry)"; ov.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", ov.Summary, want)
	}
	full := only(t, res, "tcp.listen_queue_full")
	if full.Subject != "0.0.0.0:8080" || full.Severity != Critical {
		t.Errorf("queue full: %s on %s, want critical on 0.0.0.0:8080 (overflows rising)", full.Severity, full.Subject)
	}
	for metric, want := range map[string]float64{
		"accept queue (max seen)":                               128,
		"accept queue limit = min(listen() backlog, somaxconn)": 128,
		"snapshots with the queue full":                         2,
		"TcpExt.ListenOverflows":                                5,
	} {
		if got := evidenceValue(t, full, metric); got != want {
			t.Errorf("evidence %s = %v, want %v", metric, got, want)
		}
	}
	// somaxconn 4096 is not the limit: the application's backlog (128) is.
	if len(full.Recommendations) != 2 || len(full.Recommendations[0].Commands) != 0 {
		t.Fatalf("want the backlog advice without a sysctl, then accept faster: %+v", full.Recommendations)
	}
	if want := "The accept queue of 0.0.0.0:8080 holds 128 connections: that is the application's listen() backlog, below net.core.somaxconn (4096), so the application is the limit. Raise its backlog to 4096 (nginx `listen … backlog=4096`, HAProxy `backlog`, Java ServerSocket backlog) and restart it: the limit is fixed at listen()."; full.Recommendations[0].Summary != want {
		t.Errorf("recommendation\n got %q\nwant %q", full.Recommendations[0].Summary, want)
	}
}

func TestTCPListenQueueFullWithoutOverflows(t *testing.T) {
	// A full queue caught in a snapshot while no SYN was dropped: warning.
	listeners := func(int) []collect.Listener { return []collect.Listener{{Local: "[::]:443", Queue: 511, Limit: 511}} }
	res := listenScene(cumulative(7, 0), cumulative(7, 0), listeners).analyze(Options{})
	if d := cmp.Diff(map[string]Severity{"[::]:443": Warning}, severities(res, "tcp.listen_queue_full")); d != "" {
		t.Errorf("tcp.listen_queue_full (-want +got):\n%s", d)
	}
	if fs := byID(res, "tcp.listen_overflow"); len(fs) != 0 {
		t.Errorf("no overflow counted, yet %s", fs[0].Summary)
	}
}

func TestTCPListenSomaxconn(t *testing.T) {
	tests := []struct {
		name     string
		somax    string
		limit    uint32
		commands []string
	}{
		{"somaxconn is the limit", "128", 128, []string{"sysctl -w net.core.somaxconn=4096"}},
		{"somaxconn 4096 and the limit 4096", "4096", 4096, []string{"sysctl -w net.core.somaxconn=8192"}},
		{"the application's backlog is the limit", "4096", 511, nil},
		{"somaxconn unreadable", "", 128, []string{"sysctl net.core.somaxconn"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			listeners := func(int) []collect.Listener {
				return []collect.Listener{{Local: "0.0.0.0:80", Queue: tc.limit + 1, Limit: tc.limit}}
			}
			sc := listenScene(cumulative(0, 5), cumulative(0, 5), listeners)
			if tc.somax != "" {
				sc.sysctl("net.core.somaxconn", tc.somax)
			}
			f := only(t, sc.analyze(Options{}), "tcp.listen_queue_full")
			if d := cmp.Diff(tc.commands, commands(f)); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
}
