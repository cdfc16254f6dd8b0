package copy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"github.com/netvet/netvet/bench"
	"golang.org/x/sys/unix"
)

// Measure runs every method over every transport cfg.Repeat times and returns
// the report. A run that fails (a truncated file, a lost stream, a bad
// checksum) is recorded with its error and the benchmark goes on; Measure
// itself fails only on bad configuration, when the file cannot be made or
// read, or when ctx is cancelled (the report so far is returned with the
// error). Everything it creates — the file it made, sockets, pipes, the
// namespaces, the sink processes — is gone when it returns.
func Measure(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	b := &runner{cfg: cfg}
	if cfg.File == "" {
		name, sum, err := makeFile(cfg.Dir, cfg.Size)
		if err != nil {
			return nil, err
		}
		defer os.Remove(name)
		b.file, b.size, b.sum = name, cfg.Size, sum
	} else {
		size, sum, err := checksumFile(cfg.File)
		if err != nil {
			return nil, err
		}
		b.file, b.size, b.sum = cfg.File, size, sum
	}
	r, w, got, err := newPipe(cfg.Chunk)
	if err != nil {
		return nil, err
	}
	unix.Close(r)
	unix.Close(w)
	b.pipeSize = got

	machine := bench.DescribeMachine()
	// The memcpy measurement and the checksum left a large dead heap: let
	// the runtime collect it and hand it back now, so neither a GC cycle
	// nor the background scavenger competes with the first runs.
	debug.FreeOSMemory()
	rep := &Report{Schema: Schema, Started: time.Now().UTC(), Machine: machine, Config: ReportConfig{
		FileBytes: b.size, ChunkBytes: cfg.Chunk, PipeBytes: b.pipeSize, SinkReadBytes: sinkBuf,
		VethMTU: vethMTU, Repeat: cfg.Repeat, Cold: cfg.Cold, Methods: cfg.Methods, Transports: cfg.Transports,
	}}
	if cfg.File != "" {
		rep.Config.File = cfg.File
	}
	if cfg.PinSender >= 0 {
		rep.Config.PinSender = &cfg.PinSender
	}
	if cfg.PinSink >= 0 {
		rep.Config.PinSink = &cfg.PinSink
	}

	total, done := len(cfg.Transports)*len(cfg.Methods)*cfg.Repeat, 0
	progress := func(what string) {
		if cfg.Progress != nil {
			cfg.Progress(done, total, what)
		}
	}
	// The last call, also on cancellation, lets a progress bar clear itself.
	defer func() {
		if cfg.Progress != nil {
			cfg.Progress(total, total, "done")
		}
	}()
	for _, tr := range cfg.Transports {
		results := make([]Result, len(cfg.Methods))
		for i, m := range cfg.Methods {
			results[i] = Result{Method: m, Transport: tr, Streams: 1, SenderCPUScope: "thread", Skipped: applicable(m, tr)}
			if m == Tee {
				results[i].Streams = 2
			}
			if m == IOCopy {
				results[i].SenderCPUScope = "process"
			}
		}
		var nets *vethPair
		if tr == Veth {
			if nets, err = newVethPair(); err != nil {
				for i := range results {
					if results[i].Skipped == "" {
						results[i].Skipped = err.Error()
					}
				}
			}
		}
		// Repeats are the outer loop so that a slow spell on the
		// machine (a neighbour, a frequency change) spreads over all
		// methods instead of landing on one.
		for rep := range cfg.Repeat {
			for i := range results {
				res := &results[i]
				if res.Skipped != "" {
					done++
					continue
				}
				progress(fmt.Sprintf("%s over %s, run %d/%d", res.Method, tr, rep+1, cfg.Repeat))
				// Collect between runs, outside the clock, so that the
				// garbage of one run does not start a GC (which takes a
				// whole CPU of two here) in the middle of the next.
				runtime.GC()
				res.Runs = append(res.Runs, b.runOnce(ctx, res.Method, tr, nets))
				done++
				if ctx.Err() != nil {
					break
				}
			}
			if ctx.Err() != nil {
				break
			}
		}
		nets.Close()
		var base *Summary
		for i := range results {
			results[i].summarize(b.size)
			if results[i].Method == ReadWrite {
				base = results[i].Summary
			}
		}
		for i := range results {
			results[i].relateTo(base)
		}
		rep.Results = append(rep.Results, results...)
		if err := ctx.Err(); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// applicable says why method m cannot run over transport t, or "".
func applicable(m Method, t Transport) string {
	if m == MsgZerocopy && !slices.Contains([]Transport{TCP, Veth}, t) {
		return "MSG_ZEROCOPY is for TCP (and UDP) sockets"
	}
	return ""
}

// runner is one Measure call's fixed state.
type runner struct {
	cfg      Config
	file     string
	size     int64
	sum      uint32 // CRC-32C of the file
	pipeSize int
}

// sendResult is what the sending thread measured.
type sendResult struct {
	start, end       int64 // CLOCK_MONOTONIC ns
	userNS, sysNS    int64
	calls            int64
	zcDone, zcCopied int64
	err              error
}

// runOnce sends the file once with method m over transport tr to a fresh
// sink process and checks what arrived.
func (b *runner) runOnce(ctx context.Context, m Method, tr Transport, nets *vethPair) Run {
	var run Run
	fail := func(err error) Run { run.Error = err.Error(); return run }
	f, err := os.Open(b.file)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	if b.cfg.Cold {
		if err := dropCache(fd); err != nil {
			return fail(err)
		}
	}
	if run.ResidentBefore, err = residency(fd, b.size); err != nil {
		return fail(err)
	}
	streams := 1
	if m == Tee {
		streams = 2
	}
	l, err := openLink(tr, streams, b.pipeSize, nets)
	if err != nil {
		return fail(err)
	}
	defer l.closeSend()
	sink, err := startSink(ctx, b.cfg, l)
	if err != nil {
		return fail(err)
	}
	s := &sender{fd: fd, size: b.size, chunk: b.cfg.Chunk, out: l.send, outPipe: tr == Pipe, pipeSize: b.pipeSize}
	res := make(chan sendResult, 1)
	go func() { res <- b.send(s, m, l) }()
	sr := <-res
	sk, total, sinkErr := sink.wait()
	run.SinkTotalUserNS, run.SinkTotalSysNS = total.Utime.Nano(), total.Stime.Nano()

	run.SenderNS = sr.end - sr.start
	run.SenderUserNS, run.SenderSysNS = sr.userNS, sr.sysNS
	if m != IOCopy {
		run.Syscalls = &sr.calls
	}
	if m == MsgZerocopy {
		run.ZerocopyCompleted, run.ZerocopyCopied = &sr.zcDone, &sr.zcCopied
	}
	if sr.err != nil {
		return fail(fmt.Errorf("%s: %w", m, sr.err))
	}
	if sinkErr != nil {
		return fail(sinkErr)
	}
	run.SinkUserNS, run.SinkSysNS = sk.UserNS, sk.SysNS
	var last int64
	for i, st := range sk.Streams {
		if st.Bytes != b.size || st.CRC32C != b.sum {
			return fail(fmt.Errorf("sink stream %d received %d bytes with CRC-32C %08x, want %d bytes with %08x: data lost or corrupted", i, st.Bytes, st.CRC32C, b.size, b.sum))
		}
		last = max(last, st.EOFNS)
	}
	run.ElapsedNS = last - sr.start
	if run.ElapsedNS <= 0 {
		return fail(errors.New("sink finished before the sender started: clocks disagree"))
	}
	return run
}

// send runs method m on a thread of its own and measures it. The thread is
// locked and never unlocked: it may be pinned to a CPU, and Go ends a
// goroutine's locked thread with it instead of handing the pinned thread
// to other goroutines. The transport is closed as soon as the method
// returns, so the sink sees end of stream.
func (b *runner) send(s *sender, m Method, l *link) (r sendResult) {
	runtime.LockOSThread()
	defer l.closeSend()
	if b.cfg.PinSender >= 0 {
		var set unix.CPUSet
		set.Set(b.cfg.PinSender)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			r.err = fmt.Errorf("pin sender to CPU %d: %w", b.cfg.PinSender, err)
			return r
		}
	}
	who := unix.RUSAGE_THREAD
	if m == IOCopy {
		who = unix.RUSAGE_SELF
	}
	var r0, r1 unix.Rusage
	_ = unix.Getrusage(who, &r0)
	r.start = monotonicNS()
	r.err = s.method(m)()
	r.end = monotonicNS()
	_ = unix.Getrusage(who, &r1)
	r.userNS = r1.Utime.Nano() - r0.Utime.Nano()
	r.sysNS = r1.Stime.Nano() - r0.Stime.Nano()
	r.calls, r.zcDone, r.zcCopied = s.calls, s.zcDone, s.zcCopied
	return r
}

func (s *sender) method(m Method) func() error {
	switch m {
	case ReadWrite:
		return s.readWrite
	case MmapWrite:
		return s.mmapWrite
	case Sendfile:
		return s.sendfile
	case Splice:
		return s.splice
	case Tee:
		return s.tee
	case MsgZerocopy:
		return s.msgZerocopy
	case IOCopy:
		return s.ioCopy
	}
	return func() error { return fmt.Errorf("unknown method %q", m) }
}
