package accept

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/netvet/netvet/bench"
)

// mark is the server's CPU and the kernel's counters at one edge of the
// window, read when the parent learns that the client crossed it (a little
// late on a busy machine; the workers' counts do not depend on it).
type mark struct {
	cpu  cpuMark
	kern kernelSample
}

func takeMark(ctx context.Context, srv *server, ns *netns) mark {
	return mark{cpu: srv.markCPU(), kern: readKernel(ctx, ns)}
}

// runOne measures one model in one mode once, in a namespace of its own
// when isolated: fresh counters, no TIME_WAIT left by the previous run, and
// sysctls (tcp_migrate_req) that vanish with it.
func runOne(ctx context.Context, cfg Config, m Model, mode Mode, isolated bool, spawn spawnFunc, progress func(Progress)) (_ Measurement, err error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	progress(Progress{Phase: "setup"})
	var ns *netns
	if isolated {
		if ns, err = newNetns(); err != nil {
			return Measurement{}, err
		}
		defer ns.Close()
	}
	if m == ReuseportMigrate && isolated {
		if err := ns.SetSysctl("net/ipv4/tcp_migrate_req", "1"); err != nil {
			return Measurement{}, err
		}
	}
	srv, err := startServer(ns, serverConfig{model: m, workers: cfg.Workers, backlog: cfg.Backlog, batch: cfg.AcceptBatch})
	if err != nil {
		return Measurement{}, err
	}
	defer srv.Stop()
	lp, err := startLoad(ns, loadFor(cfg, mode, srv.port), spawn)
	if err != nil {
		return Measurement{}, err
	}
	waited := false
	defer func() {
		if !waited {
			lp.kill()
			lp.result()
			lp.wait()
		}
	}()

	start := time.Now()
	var a, b mark
	var cpu int64 // server threads' CPU in the window
	phase := "warmup"
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	// Restarts follow the client's clock: at window start + k·churn, for
	// every such moment inside the window, even when this process gets to
	// run late.
	churn := time.NewTimer(time.Hour)
	churn.Stop()
	defer churn.Stop()
	var churnC <-chan time.Time
	var nextRestart, winEnd int64 // CLOCK_MONOTONIC
	restarts := 0
	var lastReq uint64
	lastT := start
	for phase != "drain" {
		select {
		case <-ctx.Done():
			return Measurement{}, ctx.Err()
		case ev := <-lp.events:
			if base, ok := strings.CutPrefix(ev, lineBase+" "); ok {
				b, err := strconv.ParseInt(base, 10, 64)
				if err != nil {
					return Measurement{}, fmt.Errorf("load generator: bad start line %q", ev)
				}
				winStart := b + int64(cfg.Warmup)
				winEnd = winStart + int64(cfg.Duration)
				srv.setWindow(winStart, winEnd)
				if cfg.Churn > 0 && winStart+int64(cfg.Churn) < winEnd {
					nextRestart = winStart + int64(cfg.Churn)
					churn.Reset(time.Duration(nextRestart - monoNow()))
					churnC = churn.C
				}
				continue
			}
			if ev == lineMeasure {
				a, phase = takeMark(ctx, srv, ns), "measure"
				continue
			}
			b, phase = takeMark(ctx, srv, ns), "drain"
			cpu = srv.cpuSince(a.cpu)
		case rep := <-lp.report:
			waited = true
			return Measurement{}, loadFailed(rep, lp.wait())
		case <-churnC:
			churnC = nil
			if monoNow() >= winEnd {
				continue // too late: the window is over
			}
			if err := srv.Restart(restarts % cfg.Workers); err != nil {
				return Measurement{}, fmt.Errorf("restart worker %d: %w", restarts%cfg.Workers, err)
			}
			restarts++
			if nextRestart += int64(cfg.Churn); nextRestart < winEnd {
				churn.Reset(time.Duration(nextRestart - monoNow()))
				churnC = churn.C
			}
		case now := <-tick.C:
			var req uint64
			for _, c := range srv.counts(-1) {
				req += c.Requests
			}
			rate := float64(req-lastReq) / now.Sub(lastT).Seconds()
			lastReq, lastT = req, now
			progress(Progress{Phase: phase, Elapsed: now.Sub(start), Rate: rate})
		}
	}
	progress(Progress{Phase: "drain", Elapsed: time.Since(start)})
	var rep loadReport
	select {
	case rep = <-lp.report:
	case <-ctx.Done():
		return Measurement{}, ctx.Err()
	}
	waited = true
	if werr := lp.wait(); rep.Error != "" || werr != nil {
		return Measurement{}, loadFailed(rep, werr)
	}
	srv.Stop()
	scope := "host"
	if isolated {
		scope = "netns"
	}
	return summarizeRun(window{
		mode: mode, model: m, seconds: cfg.Duration.Seconds(), a: a, b: b, cpu: cpu,
		counts: srv.counts(phaseWindow), final: srv.counts(-1), load: rep, restarts: restarts, scope: scope,
	}), nil
}

// window is everything measured about one run.
type window struct {
	model    Model
	mode     Mode
	seconds  float64
	a, b     mark        // server CPU and kernel counters at the window's edges
	cpu      int64       // server threads' CPU nanoseconds in the window
	counts   []slotCount // server counts in the window
	final    []slotCount // server counts over the whole run
	load     loadReport
	restarts int
	scope    string
}

// summarizeRun computes the reported figures of one run.
func summarizeRun(w window) Measurement {
	r := Measurement{
		Seconds: w.seconds, Responses: w.load.Window.Responses, Conns: w.load.Window.Conns,
		Latency: w.load.Latency, Connect: w.load.Connect, FirstByte: w.load.FirstByte,
		Errors: w.load.Window.Errors, Restarts: w.restarts, KernelScope: w.scope,
		Arrivals: w.load.Window.Arrivals, Unsent: w.load.Window.Unsent,
		Jain: nan(), MaxMin: nan(), ServerCPUPerConn: nan(), ServerCPUPerReq: nan(), ClientCPUPerReq: nan(),
	}
	r.Rate = nan()
	if w.seconds > 0 {
		r.Rate = Num(float64(r.Responses) / w.seconds)
	}
	var conns, reqs, local uint64
	loads := make([]float64, 0, len(w.counts))
	for i, c := range w.counts {
		wc := WorkerCount{Slot: i, Conns: c.Conns, Requests: c.Requests, Wasted: c.Wasted, Errors: c.Errors, Restarts: c.Restarts}
		r.Workers = append(r.Workers, wc)
		r.WastedWakeups += wc.Wasted
		conns += wc.Conns
		reqs += wc.Requests
		local += c.Local
		if w.mode == Close {
			loads = append(loads, float64(wc.Conns))
		} else {
			loads = append(loads, float64(wc.Requests))
		}
	}
	if len(loads) > 0 {
		r.Jain, r.MaxMin = Num(bench.Jain(loads)), Num(bench.MaxMinRatio(loads))
	}
	if conns > 0 {
		r.ServerCPUPerConn = Num(float64(w.cpu) / 1e3 / float64(conns))
	}
	if reqs > 0 {
		r.ServerCPUPerReq = Num(float64(w.cpu) / 1e3 / float64(reqs))
	}
	if r.Responses > 0 {
		r.ClientCPUPerReq = Num(float64(w.load.CPUNanos) / 1e3 / float64(r.Responses))
	}
	if w.model == ReuseportCBPFCPU && conns > 0 {
		v := Num(float64(local) / float64(conns))
		r.CPULocal = &v
	}
	r.Kernel, r.KernelStatus = kernelDelta(w.a.kern, w.b.kern)
	for _, c := range w.final {
		r.Accounting.ServerResponses += c.Requests
	}
	r.Accounting.ClientResponses = w.load.Total.Responses
	r.Accounting.ClientFailures = w.load.Total.Errors.Total()
	return r
}
