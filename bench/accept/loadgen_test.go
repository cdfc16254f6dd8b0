package accept

import (
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeServer answers every connection with handle, until the test ends.
func fakeServer(t *testing.T, handle func(net.Conn)) netip.AddrPort {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return netip.MustParseAddrPort(ln.Addr().String())
}

// readRequest reads one request head.
func readRequest(c net.Conn) {
	buf := make([]byte, 0, 256)
	tmp := make([]byte, 256)
	for {
		n, err := c.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if err != nil || strings.Contains(string(buf), "\r\n\r\n") {
			return
		}
	}
}

// The generator tells failures apart by what the kernel reports.
func TestGeneratorErrorKinds(t *testing.T) {
	closedPort := func() netip.AddrPort {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ap := netip.MustParseAddrPort(ln.Addr().String())
		ln.Close()
		return ap
	}
	// Generous timeouts: on a loaded 2-CPU machine the fake server's
	// goroutines can wait a few hundred milliseconds for a CPU, and that
	// must not read as a timeout; only the silent server exceeds them.
	stall := make(chan struct{})
	defer close(stall)
	tests := []struct {
		name   string
		server func(t *testing.T) netip.AddrPort
		kind   int // the only kind of failure expected; -1 for none
	}{
		{"nothing listening: refused", func(*testing.T) netip.AddrPort { return closedPort() }, errRefused},
		{"RST after the request: reset", func(t *testing.T) netip.AddrPort {
			return fakeServer(t, func(c net.Conn) {
				readRequest(c)
				c.(*net.TCPConn).SetLinger(0)
				c.Close()
			})
		}, errReset},
		{"FIN before a response: eof", func(t *testing.T) netip.AddrPort {
			return fakeServer(t, func(c net.Conn) { readRequest(c); c.Close() })
		}, errEOF},
		{"never answers: timeout", func(t *testing.T) netip.AddrPort {
			return fakeServer(t, func(c net.Conn) { readRequest(c); <-stall; c.Close() })
		}, errTimeout},
		{"not HTTP: other", func(t *testing.T) netip.AddrPort {
			return fakeServer(t, func(c net.Conn) { readRequest(c); io.WriteString(c, "SSH-2.0-x\r\n\r\n"); c.Close() })
		}, errOther},
		{"a correct server: nothing", func(t *testing.T) netip.AddrPort {
			return fakeServer(t, func(c net.Conn) { readRequest(c); c.Write(responseClose); c.Close() })
		}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			timeout := 3 * time.Second
			if tt.kind == errTimeout {
				timeout = 300 * time.Millisecond
			}
			cfg := loadConfig{addr: tt.server(t), conns: 4, threads: 1, duration: 400 * time.Millisecond,
				reqs: 1, timeout: timeout}
			rep := generate(cfg, io.Discard)
			if rep.Error != "" {
				t.Fatal(rep.Error)
			}
			e := rep.Total.Errors
			got := []uint64{e.Refused, e.Reset, e.Timeout, e.EOF, e.Other}
			for k, n := range got {
				if k == tt.kind && n == 0 {
					t.Errorf("no failure of the expected kind: %+v", e)
				}
				if k != tt.kind && n != 0 {
					t.Errorf("unexpected failures: %+v", e)
				}
			}
			if tt.kind >= 0 && rep.Total.Responses != 0 {
				t.Errorf("%d responses from a failing server", rep.Total.Responses)
			}
			if tt.kind < 0 && (rep.Total.Responses == 0 || rep.Window.Responses != uint64(rep.Latency.N)) {
				t.Errorf("responses: window %d (latency n %d), total %d", rep.Window.Responses, rep.Latency.N, rep.Total.Responses)
			}
		})
	}
}

// Open loop: every request due at --rate is accounted for (answered, failed
// or never sent), whatever the server does, and latency runs from when a
// request was due, so a stall shows in every request it delayed and not
// only in the few in flight (coordinated omission).
func TestGeneratorOpenLoop(t *testing.T) {
	srv, err := startServer(nil, serverConfig{model: Reuseport, workers: 1, backlog: 1024, batch: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	for _, reqs := range []int{1, 10} {
		cfg := loadConfig{addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(srv.port)),
			conns: 64, threads: 2, warmup: 100 * time.Millisecond, duration: 800 * time.Millisecond,
			rate: 1000, reqs: reqs, timeout: 5 * time.Second}
		// Stall the only worker for 200ms inside the window.
		go func() {
			time.Sleep(300 * time.Millisecond)
			srv.setCmd(0, cmdPause)
			time.Sleep(200 * time.Millisecond)
			srv.setCmd(0, cmdRun)
		}()
		rep := generate(cfg, io.Discard)
		if rep.Error != "" || rep.Total.Errors.Total() != 0 {
			t.Fatalf("reqs %d: %s %+v", reqs, rep.Error, rep.Total.Errors)
		}
		tot := rep.Total
		if tot.Arrivals != 900 {
			t.Errorf("reqs %d: %d requests due in 0.9s at 1000/s, want 900", reqs, tot.Arrivals)
		}
		if tot.Responses+tot.Unsent != tot.Arrivals {
			t.Errorf("reqs %d: %d due = %d answered + %d unsent does not add up", reqs, tot.Arrivals, tot.Responses, tot.Unsent)
		}
		// A fifth of the window's requests were due during the stall; the
		// first half of those waited 100-200ms.
		if p90 := float64(rep.Latency.P90); p90 < 90e3 {
			t.Errorf("reqs %d: p90 latency %.0fµs after a 200ms stall; the stall is missing from the latency", reqs, p90)
		}
		if rep.Latency.N != int64(rep.Window.Responses) {
			t.Errorf("reqs %d: %d latencies for %d responses", reqs, rep.Latency.N, rep.Window.Responses)
		}
	}
}

func TestParseLoadArgs(t *testing.T) {
	good := loadConfig{addr: netip.MustParseAddrPort("127.0.0.1:8080"), conns: 32, threads: 2,
		warmup: time.Second, duration: 3 * time.Second, rate: 500, reqs: 10, timeout: time.Second}
	got, err := parseLoadArgs(good.args())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(good, got, cmp.AllowUnexported(loadConfig{}), cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
		t.Errorf("args round trip (-want +got):\n%s", diff)
	}
	for _, bad := range [][]string{
		{"-addr", "[::1]:80"},
		{"-addr", "127.0.0.1"},
		{"-addr", "127.0.0.1:80", "-conns", "0"},
		{"-addr", "127.0.0.1:80", "-conns", "2", "-threads", "3"},
		{"-addr", "127.0.0.1:80", "-bogus"},
	} {
		if _, err := parseLoadArgs(bad); err == nil {
			t.Errorf("parseLoadArgs(%q) accepted", bad)
		}
	}
}
