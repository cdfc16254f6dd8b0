package accept

import (
	"context"
	"net/netip"
	"os"
	"testing"
	"time"
)

// A worker is paused until every client connection sits in its listener's
// accept queue, then restarted the way --churn does it. Plain reuseport
// closes the listener and the kernel resets each queued connection: the
// client must count exactly that many resets. reuseport-ebpf moves its slot
// first and drains; reuseport-migrate lets the kernel move the queue: no
// client sees a failure. Either way every response read was written.
func TestChurnCountsQueuedConnections(t *testing.T) {
	const conns = 16
	tests := []struct {
		model Model
		lost  uint64
	}{
		{Reuseport, conns},
		{ReuseportEBPF, 0},
		{ReuseportMigrate, 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.model), func(t *testing.T) {
			if tt.model != Reuseport {
				needRoot(t, "eBPF, and tcp_migrate_req set in a namespace of the test's own")
			}
			ns := testNetns(t)
			if tt.model == ReuseportMigrate {
				if err := ns.SetSysctl("net/ipv4/tcp_migrate_req", "1"); err != nil {
					t.Fatal(err)
				}
			}
			srv, err := startServer(ns, serverConfig{model: tt.model, workers: 2, backlog: 64, batch: 16})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Stop()
			srv.setCmd(1, cmdPause)
			paused := srv.current(1)
			k0 := readKernel(context.Background(), ns)
			lc := loadConfig{addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(srv.port)),
				conns: conns, threads: 1, duration: 1500 * time.Millisecond, reqs: 1, timeout: 10 * time.Second}
			lp, err := startLoad(ns, lc, testSpawn)
			if err != nil {
				t.Fatal(err)
			}
			// Closed loop: a connection that lands on the paused worker stays
			// queued, the others come back, so soon all of them are queued.
			deadline := time.Now().Add(time.Second)
			var q uint32
			for q < conns {
				if q, _, err = acceptQueue(paused.lfd); err != nil {
					t.Fatal(err)
				}
				if time.Now().After(deadline) {
					lp.kill()
					lp.wait()
					t.Fatalf("only %d of %d connections queued on the paused worker after 1s", q, conns)
				}
				time.Sleep(2 * time.Millisecond)
			}
			if err := srv.Restart(1); err != nil {
				t.Fatal(err)
			}
			rep := lp.result()
			if err := lp.wait(); err != nil || rep.Error != "" {
				t.Fatalf("generator: %v %s", err, rep.Error)
			}
			srv.Stop()
			k1 := readKernel(context.Background(), ns)

			e := rep.Total.Errors
			if e.Reset != tt.lost || e.Total() != tt.lost {
				t.Errorf("client saw %+v, want exactly %d resets", e, tt.lost)
			}
			var written uint64
			for _, c := range srv.counts(-1) {
				written += c.Requests
			}
			if written != rep.Total.Responses || written == 0 {
				t.Errorf("workers wrote %d responses, client read %d", written, rep.Total.Responses)
			}
			if d, st := kernelDelta(k0, k1); st != "ok" {
				t.Logf("kernel counters not checked: %s", st)
			} else if tt.model == ReuseportMigrate && d["TcpExt.TCPMigrateReqSuccess"] < conns {
				t.Errorf("TCPMigrateReqSuccess rose by %d, want at least %d", d["TcpExt.TCPMigrateReqSuccess"], conns)
			}
		})
	}
}

// --churn restarts a worker at the period during the window, and a run
// reports the restarts and still accounts for every response.
func TestRunWithChurn(t *testing.T) {
	cfg := quickConfig(2)
	cfg.Duration = 600 * time.Millisecond
	cfg.Churn = 100 * time.Millisecond
	for _, m := range []Model{Reuseport, SharedEpoll, ReuseportEBPF} {
		t.Run(string(m), func(t *testing.T) {
			if m == ReuseportEBPF {
				needRoot(t, "loading an SK_REUSEPORT program needs CAP_BPF")
			}
			r, err := runOne(context.Background(), cfg, m, Close, os.Geteuid() == 0, testSpawn, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Due at 100..500ms; a restart that this (busy) process gets to
			// only after the window is skipped, so allow for a late one.
			if r.Restarts < 4 || r.Restarts > 5 {
				t.Errorf("%d restarts in a 600ms window at 100ms, want 5 (4 if the last came late)", r.Restarts)
			}
			per := 0
			for _, w := range r.Workers {
				per += w.Restarts
			}
			if per != r.Restarts {
				t.Errorf("per-worker restarts add up to %d, run says %d", per, r.Restarts)
			}
			if r.Accounting.ClientResponses != r.Accounting.ServerResponses {
				t.Errorf("client read %d responses, workers wrote %d", r.Accounting.ClientResponses, r.Accounting.ServerResponses)
			}
			if m != Reuseport && r.Accounting.ClientFailures != 0 {
				t.Errorf("%s lost %d connections in restarts: %+v", m, r.Accounting.ClientFailures, r.Errors)
			}
			t.Logf("%s: %d restarts, %d failures (%+v)", m, r.Restarts, r.Accounting.ClientFailures, r.Errors)
		})
	}
}
