package accept

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/netvet/netvet/bench"
	"golang.org/x/sys/unix"
)

// spawnFunc starts a helper role (bench.Spawn in production).
type spawnFunc func(role string, args []string) (*exec.Cmd, error)

// Progress is what the caller's progress bar shows, a few times a second.
type Progress struct {
	Run, Runs int // 1-based index of the current run, and how many there are
	Model     Model
	Mode      Mode
	Phase     string // "setup", "warmup", "measure", "drain"
	Elapsed   time.Duration
	Length    time.Duration // warm-up + window
	Rate      float64       // responses per second the server wrote in the last interval
}

// env is what Run found out about the machine before the first run.
type env struct {
	netns   bool // each run gets a namespace of its own
	notes   []string
	skipped []Skip
}

// Run benchmarks every selected model in every selected mode. progress may be
// nil. It returns an error only when nothing could be measured; models that
// cannot run here are listed in Report.Skipped with the reason.
func Run(ctx context.Context, cfg Config, progress func(Progress)) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	spawn := func(role string, args []string) (*exec.Cmd, error) { return bench.Spawn(ctx, role, args) }
	e := probe(cfg)
	defer raiseGOMAXPROCS(cfg.Workers + 4)()

	rep := &Report{Schema: Schema, Time: time.Now().UTC(), Host: hostInfo(), Config: settings(cfg),
		Netns: e.netns, Notes: e.notes, Skipped: e.skipped}
	var models []Model
	for _, m := range cfg.Models {
		if !isSkipped(e.skipped, m) {
			models = append(models, m)
		}
	}
	total := len(models) * len(cfg.Modes) * cfg.Repeat
	idx := 0
	for _, m := range models {
		for _, mode := range cfg.Modes {
			res := Result{Model: m, Mode: mode, Unit: unit(mode)}
			var rates []float64
			for range cfg.Repeat {
				idx++
				p := Progress{Run: idx, Runs: total, Model: m, Mode: mode, Length: cfg.Warmup + cfg.Duration}
				r, err := runOne(ctx, cfg, m, mode, e.netns, spawn, func(q Progress) {
					q.Run, q.Runs, q.Model, q.Mode, q.Length = p.Run, p.Runs, p.Model, p.Mode, p.Length
					progress(q)
				})
				if err != nil {
					return rep, fmt.Errorf("%s, %s: %w", m, mode, err)
				}
				res.Runs = append(res.Runs, r)
				rates = append(rates, float64(r.Rate))
			}
			res.MedianRun = bench.MedianIndex(rates)
			if res.MedianRun < 0 {
				res.MedianRun = 0
			}
			res.RateMin, res.RateMax = Num(bench.Quantile(rates, 0)), Num(bench.Quantile(rates, 1))
			rep.Results = append(rep.Results, res)
		}
	}
	if len(rep.Results) == 0 {
		return rep, errors.New("no model could run here (see the skipped list)")
	}
	return rep, nil
}

// probe decides where runs happen and which models can run.
func probe(cfg Config) env {
	var e env
	switch {
	case cfg.NoNetns:
		e.notes = append(e.notes, "--no-netns: running on the host's loopback; kernel counters are host-wide and include other traffic")
	case os.Geteuid() != 0:
		e.notes = append(e.notes, "not root: running on the host's loopback, not in a network namespace of the bench's own; kernel counters are host-wide and include other traffic")
	default:
		if ns, err := newNetns(); err != nil {
			e.notes = append(e.notes, fmt.Sprintf("no network namespace (%v): running on the host's loopback; kernel counters are host-wide", err))
		} else {
			ns.Close()
			e.netns = true
		}
	}
	for _, m := range cfg.Models {
		switch m {
		case ReuseportEBPF:
			if s, err := newSockarray(1); err != nil {
				e.skipped = append(e.skipped, Skip{m, fmt.Sprintf("cannot load an SK_REUSEPORT program (needs root/CAP_BPF and Linux 4.19): %v", err)})
			} else {
				s.Close()
			}
		case ReuseportMigrate:
			v, err := (*netns)(nil).Sysctl("net/ipv4/tcp_migrate_req")
			switch {
			case err != nil:
				e.skipped = append(e.skipped, Skip{m, fmt.Sprintf("kernel has no net.ipv4.tcp_migrate_req (Linux 5.14+): %v", err)})
			case !e.netns && v != "1":
				e.skipped = append(e.skipped, Skip{m, "needs net.ipv4.tcp_migrate_req=1, which the bench sets only inside a network namespace of its own (run as root); the host's value is " + v + " and is left alone"})
			}
		}
	}
	if m := cfg.Workers; m > runtime.NumCPU() {
		e.notes = append(e.notes, fmt.Sprintf("%d workers on %d CPUs: threads share CPUs, so the models are compared under oversubscription", m, runtime.NumCPU()))
	}
	return e
}

func isSkipped(s []Skip, m Model) bool {
	for _, k := range s {
		if k.Model == m {
			return true
		}
	}
	return false
}

// raiseGOMAXPROCS gives each server thread a P (see generate) and returns
// the function that restores the previous value.
func raiseGOMAXPROCS(n int) func() {
	prev := runtime.GOMAXPROCS(0)
	if n <= prev {
		return func() {}
	}
	runtime.GOMAXPROCS(n)
	return func() { runtime.GOMAXPROCS(prev) }
}

func unit(m Mode) string {
	if m == Close {
		return "conn/s"
	}
	return "req/s"
}

func settings(c Config) Settings {
	return Settings{Workers: c.Workers, Conns: c.Conns, ClientThreads: c.ClientThreads,
		DurationS: c.Duration.Seconds(), WarmupS: c.Warmup.Seconds(), Rate: c.Rate,
		ChurnS: c.Churn.Seconds(), RequestsPerConn: c.RequestsPerConn, Backlog: c.Backlog,
		AcceptBatch: c.AcceptBatch, TimeoutS: c.Timeout.Seconds(), Repeat: c.Repeat}
}

func hostInfo() Host {
	h := Host{CPUs: runtime.NumCPU()}
	h.Hostname, _ = os.Hostname()
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		h.Kernel = unix.ByteSliceToString(u.Release[:])
	}
	return h
}

// loadFor builds the generator's settings for one run.
func loadFor(cfg Config, mode Mode, port int) loadConfig {
	reqs := 1
	if mode == KeepAlive {
		reqs = cfg.RequestsPerConn
	}
	return loadConfig{addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(port)),
		conns: cfg.Conns, threads: cfg.ClientThreads, warmup: cfg.Warmup, duration: cfg.Duration,
		rate: cfg.Rate, reqs: reqs, timeout: cfg.Timeout}
}

// describe turns a loadReport error and the state of the process into one
// error.
func loadFailed(rep loadReport, waitErr error) error {
	msg := rep.Error
	if waitErr != nil {
		msg = strings.TrimSpace(msg + " (" + waitErr.Error() + ")")
	}
	return fmt.Errorf("load generator: %s", msg)
}

// nan is the value of a figure that could not be computed.
func nan() Num { return Num(math.NaN()) }
