package accept

import (
	"context"
	"fmt"
	"net/netip"
	"os/exec"

	"github.com/netvet/netvet/bench"
)

// Serve runs one model's server on 127.0.0.1:port of the current network
// namespace until ctx ends, for an outside load generator (wrk in `make
// bench-peers`). ready is called with the address once it accepts. It runs
// the same code as a benchmark run; nothing is measured.
func Serve(ctx context.Context, cfg Config, m Model, port int, ready func(netip.AddrPort)) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if m == ReuseportMigrate {
		v, err := (*netns)(nil).Sysctl("net/ipv4/tcp_migrate_req")
		if err != nil || v != "1" {
			return fmt.Errorf("%s: net.ipv4.tcp_migrate_req is %q here; --listen serves in the current namespace and never changes its sysctls", m, v)
		}
	}
	defer raiseGOMAXPROCS(cfg.Workers + 4)()
	srv, err := startServer(nil, serverConfig{model: m, workers: cfg.Workers, backlog: cfg.Backlog, batch: cfg.AcceptBatch, port: port})
	if err != nil {
		return err
	}
	defer srv.Stop()
	if ready != nil {
		ready(netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(srv.port)))
	}
	<-ctx.Done()
	return nil
}

// Drive runs only the load generator against an HTTP server at addr (any
// server that answers GET / with a Content-Length), in the current network
// namespace, with cfg's connections, threads, rate, timing and first mode.
// The result has the client's figures only.
func Drive(ctx context.Context, cfg Config, addr netip.AddrPort) (Measurement, error) {
	if err := cfg.Validate(); err != nil {
		return Measurement{}, err
	}
	if !addr.Addr().Is4() {
		return Measurement{}, fmt.Errorf("--target %s: the generator speaks IPv4 only", addr)
	}
	mode := cfg.Modes[0]
	lc := loadFor(cfg, mode, int(addr.Port()))
	lc.addr = addr
	spawn := func(role string, args []string) (*exec.Cmd, error) { return bench.Spawn(ctx, role, args) }
	lp, err := startLoad(nil, lc, spawn)
	if err != nil {
		return Measurement{}, err
	}
	rep := lp.result()
	if werr := lp.wait(); rep.Error != "" || werr != nil {
		return Measurement{}, loadFailed(rep, werr)
	}
	return summarizeRun(window{mode: mode, seconds: cfg.Duration.Seconds(), load: rep, scope: "none",
		a: mark{kern: kernelSample{status: "not measured: external server"}}, b: mark{kern: kernelSample{status: "not measured: external server"}}}), nil
}
