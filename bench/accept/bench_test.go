package accept

import (
	"io"
	"net/netip"
	"runtime"
	"testing"
	"time"
)

// BenchmarkLoopback runs the generator against a reuseport server in this
// process for one second per iteration and reports connections (or
// requests) per second and heap allocations per response on both sides
// together: the hot paths of the generator and the workers must not
// allocate, or the GC would be part of what is measured.
func BenchmarkLoopback(b *testing.B) {
	for _, mode := range []Mode{Close, KeepAlive} {
		b.Run(string(mode), func(b *testing.B) {
			srv, err := startServer(nil, serverConfig{model: Reuseport, workers: 2, backlog: 1024, batch: 16})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Stop()
			defer raiseGOMAXPROCS(8)()
			reqs := 1
			if mode == KeepAlive {
				reqs = 100
			}
			cfg := loadConfig{addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(srv.port)),
				conns: 64, threads: 2, warmup: 200 * time.Millisecond, duration: time.Second, reqs: reqs, timeout: 2 * time.Second}
			var responses uint64
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			b.ResetTimer()
			for range b.N {
				rep := generate(cfg, io.Discard)
				if rep.Error != "" || rep.Total.Errors.Total() != 0 {
					b.Fatalf("%s %+v", rep.Error, rep.Total.Errors)
				}
				responses += rep.Window.Responses
			}
			b.StopTimer()
			runtime.ReadMemStats(&m1)
			b.ReportMetric(float64(responses)/float64(b.N)/cfg.duration.Seconds(), "resp/s")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(responses), "allocs/resp")
		})
	}
}
