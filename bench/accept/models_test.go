package accept

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Every model answers our requests byte for byte, pipelined keep-alive
// included, and closes after a "Connection: close" request.
func TestModelsAnswerCorrectly(t *testing.T) {
	for _, m := range modelsHere(t) {
		t.Run(string(m), func(t *testing.T) {
			ns := testNetns(t)
			if m == ReuseportMigrate {
				if err := ns.SetSysctl("net/ipv4/tcp_migrate_req", "1"); err != nil {
					t.Fatal(err)
				}
			}
			srv, err := startServer(ns, serverConfig{model: m, workers: 3, backlog: 128, batch: 16})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Stop()
			var got []string
			err = ns.Do(func() error {
				for i := range 12 {
					c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", srv.port))
					if err != nil {
						return err
					}
					// Two requests in one segment, then the closing one.
					req := string(requestKeep) + string(requestKeep)
					if i%2 == 1 {
						req = string(requestKeep) // and one at a time
					}
					c.Write([]byte(req))
					c.Write(requestClose)
					c.SetDeadline(time.Now().Add(5 * time.Second))
					b, err := io.ReadAll(c)
					c.Close()
					if err != nil {
						return err
					}
					got = append(got, string(b))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for i := range 12 {
				w := string(responseKeep) + string(responseKeep) + string(responseClose)
				if i%2 == 1 {
					w = string(responseKeep) + string(responseClose)
				}
				want = append(want, w)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("responses (-want +got):\n%s", diff)
			}
			srv.Stop()
			var conns, reqs uint64
			for _, c := range srv.counts(-1) {
				conns += c.Conns
				reqs += c.Requests
			}
			if conns != 12 || reqs != 30 {
				t.Errorf("workers counted %d connections and %d requests, want 12 and 30", conns, reqs)
			}
		})
	}
}

// With the real generator, in both modes, nothing fails and the workers'
// counts add up to exactly what the client read.
func TestModelsAccount(t *testing.T) {
	cfg := quickConfig(3)
	for _, m := range modelsHere(t) {
		for _, mode := range []Mode{Close, KeepAlive} {
			t.Run(fmt.Sprintf("%s/%s", m, mode), func(t *testing.T) {
				r, err := runOne(context.Background(), cfg, m, mode, os.Geteuid() == 0, testSpawn, nil)
				if err != nil {
					t.Fatal(err)
				}
				checkRun(t, r, 3, cfg.Conns)
			})
		}
	}
}

// The models hold up with 64 workers (64 threads, 64 listeners for
// reuseport): everything is answered and accounted for.
func TestModelsScaleTo64Workers(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	cfg := quickConfig(64)
	cfg.Conns = 64
	for _, m := range modelsHere(t) {
		t.Run(string(m), func(t *testing.T) {
			r, err := runOne(context.Background(), cfg, m, Close, os.Geteuid() == 0, testSpawn, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkRun(t, r, 64, cfg.Conns)
			busy := 0
			for _, w := range r.Workers {
				if w.Conns > 0 {
					busy++
				}
			}
			t.Logf("%s: %.0f conn/s, %d of 64 workers got connections, jain %.2f", m, float64(r.Rate), busy, float64(r.Jain))
		})
	}
}

// checkRun asserts what every healthy run must show.
func checkRun(t *testing.T, r Measurement, workers, conns int) {
	t.Helper()
	if r.Errors.Total() != 0 || r.Accounting.ClientFailures != 0 {
		t.Errorf("failures: window %+v, whole run %d", r.Errors, r.Accounting.ClientFailures)
	}
	// A starved machine (go test runs packages in parallel) may leave a
	// short window empty; the whole run never is.
	if r.Accounting.ClientResponses == 0 {
		t.Fatalf("no responses: %+v", r)
	}
	if r.Accounting.ClientResponses != r.Accounting.ServerResponses {
		t.Errorf("client read %d responses, workers wrote %d", r.Accounting.ClientResponses, r.Accounting.ServerResponses)
	}
	if len(r.Workers) != workers {
		t.Errorf("%d worker counts, want %d", len(r.Workers), workers)
	}
	// Both ends count the same window on the same clock, but a response
	// written just before an edge is read just after it: the sums may differ
	// by what was in flight, at most one response per connection per edge.
	var sum uint64
	for _, w := range r.Workers {
		sum += w.Requests
	}
	if d := int64(sum) - int64(r.Responses); d > int64(2*conns) || d < -int64(2*conns) {
		t.Errorf("window: workers wrote %d responses, client read %d", sum, r.Responses)
	}
	if r.Latency.N != int64(r.Responses) || r.Responses > 0 && !r.Latency.P50.Valid() {
		t.Errorf("latency summary %+v for %d responses", r.Latency, r.Responses)
	}
}
