package accept

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"golang.org/x/sys/unix"
)

// LoadRole is the hidden role (bench.RunRole) of the load generator. It runs
// in its own process so that its CPU time and its Go scheduler stay out of
// the server's numbers, and so that it can be started inside the bench's
// network namespace.
const LoadRole = "accept-load"

// loadConfig is the generator's command line.
type loadConfig struct {
	addr     netip.AddrPort
	conns    int
	threads  int
	warmup   time.Duration
	duration time.Duration
	rate     float64 // per second, all threads; 0 = closed loop
	reqs     int     // requests per connection
	timeout  time.Duration
}

func (c loadConfig) args() []string {
	return []string{
		"-addr", c.addr.String(),
		"-conns", fmt.Sprint(c.conns),
		"-threads", fmt.Sprint(c.threads),
		"-warmup", c.warmup.String(),
		"-duration", c.duration.String(),
		"-rate", fmt.Sprint(c.rate),
		"-reqs", fmt.Sprint(c.reqs),
		"-timeout", c.timeout.String(),
	}
}

func parseLoadArgs(args []string) (loadConfig, error) {
	var c loadConfig
	var addr string
	fs := flag.NewFlagSet(LoadRole, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&addr, "addr", "", "server address")
	fs.IntVar(&c.conns, "conns", 64, "")
	fs.IntVar(&c.threads, "threads", 1, "")
	fs.DurationVar(&c.warmup, "warmup", 0, "")
	fs.DurationVar(&c.duration, "duration", time.Second, "")
	fs.Float64Var(&c.rate, "rate", 0, "")
	fs.IntVar(&c.reqs, "reqs", 1, "")
	fs.DurationVar(&c.timeout, "timeout", 2*time.Second, "")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Is4() {
		return c, fmt.Errorf("-addr %q: want an IPv4 address and port", addr)
	}
	c.addr = ap
	if c.conns < 1 || c.threads < 1 || c.threads > c.conns || c.reqs < 1 || c.duration <= 0 || c.timeout <= 0 || c.rate < 0 {
		return c, fmt.Errorf("bad generator settings %+v", c)
	}
	return c, nil
}

// loadReport is what the generator process sends back: one JSON line after
// "done".
type loadReport struct {
	Window    loadCounts `json:"window"`
	Total     loadCounts `json:"total"`
	Latency   Latency    `json:"latency_us"`
	Connect   Latency    `json:"connect_us"`
	FirstByte Latency    `json:"first_byte_us"`
	CPUNanos  int64      `json:"cpu_ns"` // the generator's CPU time in the window
	Error     string     `json:"error,omitempty"`
}

type loadCounts struct {
	Responses uint64      `json:"responses"`
	Conns     uint64      `json:"conns"`
	Arrivals  uint64      `json:"arrivals"`
	Unsent    uint64      `json:"unsent"`
	Errors    ErrorCounts `json:"errors"`
}

func countsOf(s *loadStats) loadCounts {
	return loadCounts{Responses: s.responses, Conns: s.conns, Arrivals: s.arrivals, Unsent: s.unsent, Errors: ErrorCounts{
		Refused: s.errs[errRefused], Reset: s.errs[errReset], Timeout: s.errs[errTimeout],
		EOF: s.errs[errEOF], Other: s.errs[errOther], Detail: s.other,
	}}
}

// Lines the generator writes on stdout, in order: "base N" with its start
// time in CLOCK_MONOTONIC nanoseconds (the window is base+warmup ..
// base+warmup+duration on that clock), "measure" when the window opens,
// "done" when it closes, then the report.
const (
	lineBase    = "base"
	lineMeasure = "measure"
	lineDone    = "done"
)

// RunLoad is the generator process's main: args as built by loadConfig.args.
func RunLoad(args []string) int {
	cfg, err := parseLoadArgs(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "netvet %s: %v\n", LoadRole, err)
		return 2
	}
	rep := generate(cfg, os.Stdout)
	b, _ := json.Marshal(rep)
	fmt.Fprintf(os.Stdout, "%s\n", b)
	if rep.Error != "" {
		return 1
	}
	return 0
}

// generate runs the threads and announces the window on out.
func generate(cfg loadConfig, out io.Writer) loadReport {
	// Each thread is locked to an OS thread and spends its life in
	// syscalls; give each a P so that coming back from epoll_wait never
	// waits for another thread's P.
	runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), cfg.threads+2))
	baseMono := monoNow()
	base := time.Now()
	fmt.Fprintln(out, lineBase, baseMono)
	warmEnd := int64(cfg.warmup)
	end := warmEnd + int64(cfg.duration)
	ts := make([]*loadThread, cfg.threads)
	var wg sync.WaitGroup
	a4 := cfg.addr.Addr().As4()
	for i := range ts {
		n := cfg.conns / cfg.threads
		if i < cfg.conns%cfg.threads {
			n++
		}
		t := &loadThread{cfg: &cfg, base: base, conns: make([]conn, n), h: newHistograms(),
			warmEnd: warmEnd, end: end, quit: end + int64(cfg.timeout) + int64(100*time.Millisecond)}
		t.sa = rawSockaddr(a4, int(cfg.addr.Port()))
		if cfg.rate > 0 {
			t.period = float64(time.Second) * float64(cfg.threads) / cfg.rate
			t.next = t.period * float64(i) / float64(cfg.threads) // interleave the threads' arrivals
		}
		ts[i] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			t.run()
		}()
	}
	var cpu0, cpu1 int64
	time.Sleep(time.Until(base.Add(time.Duration(warmEnd))))
	cpu0 = processCPU()
	fmt.Fprintln(out, lineMeasure)
	time.Sleep(time.Until(base.Add(time.Duration(end))))
	cpu1 = processCPU()
	fmt.Fprintln(out, lineDone)
	wg.Wait()

	var rep loadReport
	var win, tot loadStats
	h := newHistograms()
	for _, t := range ts {
		if t.setupErr != nil && rep.Error == "" {
			rep.Error = t.setupErr.Error()
		}
		win.add(&t.win)
		tot.add(&t.tot)
		h.total.Merge(t.h.total)
		h.connect.Merge(t.h.connect)
		h.firstByte.Merge(t.h.firstByte)
	}
	rep.Window, rep.Total = countsOf(&win), countsOf(&tot)
	rep.Latency, rep.Connect, rep.FirstByte = summarize(h.total), summarize(h.connect), summarize(h.firstByte)
	rep.CPUNanos = cpu1 - cpu0
	return rep
}

// summarize turns a nanosecond histogram into microsecond percentiles.
func summarize(h *hdrhistogram.Histogram) Latency {
	us := func(v float64) Num { return Num(v / 1e3) }
	n := h.TotalCount()
	if n == 0 {
		nan := Num(math.NaN())
		return Latency{P50: nan, P90: nan, P99: nan, P999: nan, Max: nan, Mean: nan}
	}
	return Latency{N: n,
		P50: us(float64(h.ValueAtQuantile(50))), P90: us(float64(h.ValueAtQuantile(90))),
		P99: us(float64(h.ValueAtQuantile(99))), P999: us(float64(h.ValueAtQuantile(99.9))),
		Max: us(float64(h.Max())), Mean: us(h.Mean())}
}

// processCPU is the process's user+system CPU time in nanoseconds.
func processCPU() int64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// loadProc is a running generator seen from the parent.
type loadProc struct {
	wait   func() error
	events chan string     // "measure", "done"
	report chan loadReport // then the report (or a zero report with Error)
	kill   func()
}

// result waits for the report, taking the event lines nobody else wants.
func (p *loadProc) result() loadReport {
	for {
		select {
		case <-p.events:
		case r := <-p.report:
			return r
		}
	}
}

// startLoad starts the generator process inside ns (the host for nil).
func startLoad(ns *netns, cfg loadConfig, spawn spawnFunc) (*loadProc, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd, err := spawn(LoadRole, cfg.args())
	if err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	cmd.Stdout = w
	// The child inherits the namespace of the thread that forks it.
	err = ns.Do(cmd.Start)
	w.Close()
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("start load generator: %w", err)
	}
	// events is unbuffered: the report cannot be handed over before the
	// reader of the events has taken "done", so it never looks like an
	// early exit.
	p := &loadProc{wait: cmd.Wait, events: make(chan string), report: make(chan loadReport, 1),
		kill: func() { cmd.Process.Kill() }}
	go func() {
		defer r.Close()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			line := sc.Text()
			if line == lineMeasure || line == lineDone || strings.HasPrefix(line, lineBase+" ") {
				p.events <- line
				continue
			}
			var rep loadReport
			if err := json.Unmarshal([]byte(line), &rep); err != nil {
				rep.Error = fmt.Sprintf("unreadable report from load generator: %v", err)
			}
			p.report <- rep
			return
		}
		p.report <- loadReport{Error: "load generator exited without a report"}
	}()
	return p, nil
}
