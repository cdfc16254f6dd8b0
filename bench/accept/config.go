package accept

import (
	"fmt"
	"strings"
	"time"
)

// Model is a way of getting connections from the kernel to worker threads.
type Model string

// The models, in the order they are run and reported.
const (
	// AcceptorHandoff: one thread blocks in accept(2) and hands each
	// connection to a worker's epoll, round robin.
	AcceptorHandoff Model = "acceptor-handoff"
	// SharedAccept: every worker blocks in accept(2) on one listening socket
	// and serves the connection to completion (prefork/thread-per-connection).
	SharedAccept Model = "shared-accept"
	// SharedEpoll: every worker has its own epoll holding the one shared
	// listening socket, without EPOLLEXCLUSIVE: a connection wakes them all.
	SharedEpoll Model = "shared-epoll"
	// SharedEpollExclusive: the same with EPOLLEXCLUSIVE (Linux 4.5).
	SharedEpollExclusive Model = "shared-epoll-exclusive"
	// Reuseport: one SO_REUSEPORT listening socket per worker; the kernel
	// picks one by a hash of the 4-tuple.
	Reuseport Model = "reuseport"
	// ReuseportCBPFCPU: SO_ATTACH_REUSEPORT_CBPF returning the CPU that
	// received the SYN (modulo the group size); worker i is pinned to CPU i.
	ReuseportCBPFCPU Model = "reuseport-cbpf-cpu"
	// ReuseportEBPF: a BPF_PROG_TYPE_SK_REUSEPORT program picks the socket in
	// slot hash%N of a REUSEPORT_SOCKARRAY; a restarting worker replaces its
	// own slot, so the other slots never move.
	ReuseportEBPF Model = "reuseport-ebpf"
	// ReuseportMigrate: plain reuseport with net.ipv4.tcp_migrate_req=1 (Linux
	// 5.14): a closing listener's queued connections move to another one.
	ReuseportMigrate Model = "reuseport-migrate"
)

// Models lists every model in run order.
func Models() []Model {
	return []Model{AcceptorHandoff, SharedAccept, SharedEpoll, SharedEpollExclusive,
		Reuseport, ReuseportCBPFCPU, ReuseportEBPF, ReuseportMigrate}
}

// reuseport reports whether the model gives each worker its own listener.
func (m Model) reuseport() bool {
	switch m {
	case Reuseport, ReuseportCBPFCPU, ReuseportEBPF, ReuseportMigrate:
		return true
	}
	return false
}

// Mode is what one client connection does.
type Mode string

const (
	// Close: one request per connection; measures connections per second.
	Close Mode = "close"
	// KeepAlive: RequestsPerConn requests per connection; measures requests
	// per second.
	KeepAlive Mode = "keepalive"
)

// Config is one invocation of the benchmark.
type Config struct {
	Models          []Model
	Modes           []Mode
	Workers         int           // server worker threads per model
	Conns           int           // concurrent client connections (closed loop), or the cap on them (open loop)
	ClientThreads   int           // load generator threads
	Duration        time.Duration // measured window per run
	Warmup          time.Duration // before the window, not measured
	Rate            float64       // open loop: new requests per second; 0 = closed loop
	Churn           time.Duration // restart one worker at this period during the window; 0 = never
	RequestsPerConn int           // keep-alive mode: requests before the client closes (≥ 1)
	Backlog         int           // listen(2) backlog
	AcceptBatch     int           // epoll models: accept(2) calls per readiness event, at most
	Timeout         time.Duration // per connection (close) or request (keep-alive), client side
	Repeat          int           // runs per model and mode; the median run is reported
	// NoNetns runs on the host's loopback even as root (the kernel counters
	// are then host-wide and include other traffic).
	NoNetns bool
}

// DefaultConfig returns the configuration `netvet bench accept` starts from.
func DefaultConfig(cpus int) Config {
	return Config{
		Models:          Models(),
		Modes:           []Mode{Close, KeepAlive},
		Workers:         cpus,
		Conns:           64,
		ClientThreads:   cpus,
		Duration:        5 * time.Second,
		Warmup:          time.Second,
		RequestsPerConn: 100,
		Backlog:         1024,
		AcceptBatch:     16,
		Timeout:         2 * time.Second,
		Repeat:          1,
	}
}

// maxWorkers bounds the worker count: each is an OS thread with an epoll
// and, for reuseport, a listening socket; 1024 is far beyond any host's CPU
// count and still small enough that a typo cannot exhaust file descriptors.
const maxWorkers = 1024

// Validate reports the first problem with the configuration, in terms of the
// command-line flag that sets it.
func (c Config) Validate() error {
	if len(c.Models) == 0 {
		return fmt.Errorf("--models: no model selected")
	}
	seen := map[Model]bool{}
	for _, m := range c.Models {
		if !isModel(m) {
			return fmt.Errorf("--models: unknown model %q (known: %s)", m, joinModels(Models()))
		}
		if seen[m] {
			return fmt.Errorf("--models: %q listed twice", m)
		}
		seen[m] = true
	}
	if len(c.Modes) == 0 {
		return fmt.Errorf("--mode: no mode selected")
	}
	for _, m := range c.Modes {
		if m != Close && m != KeepAlive {
			return fmt.Errorf("--mode: unknown mode %q (known: close, keepalive)", m)
		}
	}
	switch {
	case c.Workers < 1 || c.Workers > maxWorkers:
		return fmt.Errorf("--workers: %d is out of range 1..%d", c.Workers, maxWorkers)
	case c.Conns < 1 || c.Conns > 1<<20:
		return fmt.Errorf("--conns: %d is out of range 1..%d", c.Conns, 1<<20)
	case c.ClientThreads < 1 || c.ClientThreads > 256:
		return fmt.Errorf("--client-threads: %d is out of range 1..256", c.ClientThreads)
	case c.ClientThreads > c.Conns:
		return fmt.Errorf("--client-threads: %d threads for %d connections leaves threads idle; use at most --conns", c.ClientThreads, c.Conns)
	case c.Duration < 100*time.Millisecond:
		return fmt.Errorf("--duration: %v is too short to measure (at least 100ms)", c.Duration)
	case c.Warmup < 0:
		return fmt.Errorf("--warmup: %v is negative", c.Warmup)
	case c.Rate < 0:
		return fmt.Errorf("--rate: %v is negative (0 means closed loop)", c.Rate)
	case c.Churn < 0:
		return fmt.Errorf("--churn: %v is negative (0 means no restarts)", c.Churn)
	case c.Churn > 0 && c.Churn < 10*time.Millisecond:
		return fmt.Errorf("--churn: %v is shorter than 10ms; a restart would never finish before the next", c.Churn)
	case c.RequestsPerConn < 1:
		return fmt.Errorf("--requests-per-conn: %d must be at least 1", c.RequestsPerConn)
	case c.Backlog < 1:
		return fmt.Errorf("--backlog: %d must be at least 1", c.Backlog)
	case c.AcceptBatch < 1:
		return fmt.Errorf("--accept-batch: %d must be at least 1", c.AcceptBatch)
	case c.Timeout < time.Millisecond:
		return fmt.Errorf("--timeout: %v is shorter than 1ms", c.Timeout)
	case c.Repeat < 1 || c.Repeat > 100:
		return fmt.Errorf("--repeat: %d is out of range 1..100", c.Repeat)
	}
	return nil
}

// ParseModels turns "all" or a comma-separated list into models.
func ParseModels(s string) ([]Model, error) {
	if strings.TrimSpace(s) == "all" {
		return Models(), nil
	}
	var out []Model
	for _, f := range strings.Split(s, ",") {
		m := Model(strings.TrimSpace(f))
		if !isModel(m) {
			return nil, fmt.Errorf("unknown model %q (known: all, %s)", m, joinModels(Models()))
		}
		out = append(out, m)
	}
	return out, nil
}

// ParseModes turns "close", "keepalive", "both" or "close,keepalive" into modes.
func ParseModes(s string) ([]Mode, error) {
	if strings.TrimSpace(s) == "both" {
		return []Mode{Close, KeepAlive}, nil
	}
	var out []Mode
	for _, f := range strings.Split(s, ",") {
		m := Mode(strings.TrimSpace(f))
		if m != Close && m != KeepAlive {
			return nil, fmt.Errorf("unknown mode %q (known: close, keepalive, both)", m)
		}
		out = append(out, m)
	}
	return out, nil
}

func isModel(m Model) bool {
	for _, k := range Models() {
		if m == k {
			return true
		}
	}
	return false
}

func joinModels(ms []Model) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}
