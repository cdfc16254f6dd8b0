package copy

import (
	"math"
	"time"

	"github.com/netvet/netvet/bench"
)

// Schema names the JSON layout of Report. A consumer (netvet report)
// checks it; any change that is not a pure addition of fields gets a new
// version.
const Schema = "netvet.bench.copy/v1"

// Report is the whole benchmark: the machine, the configuration, and every
// run of every method × transport. Durations and CPU times are integer
// nanoseconds, sizes bytes; the summaries are derived from the runs and can
// be recomputed from them.
type Report struct {
	Schema  string        `json:"schema"`
	Started time.Time     `json:"started"`
	Machine bench.Machine `json:"machine"`
	Config  ReportConfig  `json:"config"`
	Results []Result      `json:"results"`
}

// ReportConfig is the configuration as run (sizes after the kernel rounded
// them).
type ReportConfig struct {
	File          string      `json:"file,omitempty"` // the user's file; absent when one was made
	FileBytes     int64       `json:"file_bytes"`
	ChunkBytes    int         `json:"chunk_bytes"`
	PipeBytes     int         `json:"pipe_bytes"`      // splice/tee pipes and the pipe transport
	SinkReadBytes int         `json:"sink_read_bytes"` // the sink's read(2) size
	VethMTU       int         `json:"veth_mtu"`
	Repeat        int         `json:"repeat"`
	Cold          bool        `json:"cold"`
	PinSender     *int        `json:"pin_sender,omitempty"` // absent: not pinned
	PinSink       *int        `json:"pin_sink,omitempty"`
	Methods       []Method    `json:"methods"`
	Transports    []Transport `json:"transports"`
}

// Result is one method over one transport.
type Result struct {
	Method    Method    `json:"method"`
	Transport Transport `json:"transport"`
	Streams   int       `json:"streams"` // sinks fed with the whole file: 2 for tee
	// SenderCPUScope is "thread" (getrusage RUSAGE_THREAD of the one
	// thread running the method) or "process" (RUSAGE_SELF, for io-copy,
	// whose goroutine may change threads).
	SenderCPUScope string   `json:"sender_cpu_scope,omitempty"`
	Skipped        string   `json:"skipped,omitempty"` // why there are no runs
	Runs           []Run    `json:"runs,omitempty"`
	Summary        *Summary `json:"summary,omitempty"` // over the runs without error
}

// Run is one transfer of the whole file. A run with an Error is kept for
// the record, but its figures are partial (whatever was measured before it
// failed) and summaries leave it out.
type Run struct {
	// ElapsedNS runs from just before the sender's first syscall to the
	// sink's read of the last end of stream (CLOCK_MONOTONIC on both
	// sides), so data still in socket buffers when the sender finishes
	// is counted.
	ElapsedNS    int64 `json:"elapsed_ns,omitempty"` // always > 0 in a run without error
	SenderNS     int64 `json:"sender_ns"`            // the sender's own first to last syscall
	SenderUserNS int64 `json:"sender_user_ns"`
	SenderSysNS  int64 `json:"sender_sys_ns"`
	SinkUserNS   int64 `json:"sink_user_ns"` // the sink's RUSAGE_SELF around its drain
	SinkSysNS    int64 `json:"sink_sys_ns"`
	// The sink process's whole life from wait4 (ProcessState.SysUsage):
	// the drain plus exec and Go start-up, kept as a cross-check.
	SinkTotalUserNS int64 `json:"sink_total_user_ns"`
	SinkTotalSysNS  int64 `json:"sink_total_sys_ns"`
	// Syscalls the method made; absent where not counted (io-copy).
	Syscalls *int64 `json:"syscalls,omitempty"`
	// msg-zerocopy: sends completed, and of those the kernel copied anyway.
	ZerocopyCompleted *int64 `json:"zerocopy_completed,omitempty"`
	ZerocopyCopied    *int64 `json:"zerocopy_copied,omitempty"`
	// ResidentBefore is the fraction of the file in the page cache just
	// before the run (mincore): near 0 for a cold run that worked.
	ResidentBefore float64 `json:"resident_before"`
	Error          string  `json:"error,omitempty"`
}

// Summary condenses the good runs. CPU is seconds per GB (10^9 bytes) of
// the file served, whatever the number of sinks.
type Summary struct {
	Runs          int            `json:"runs"`
	Throughput    bench.Summary  `json:"throughput_bytes_per_sec"`
	SenderUser    bench.Summary  `json:"sender_user_s_per_gb"`
	SenderSys     bench.Summary  `json:"sender_sys_s_per_gb"`
	SenderCPU     bench.Summary  `json:"sender_cpu_s_per_gb"` // user+sys
	SinkUser      bench.Summary  `json:"sink_user_s_per_gb"`
	SinkSys       bench.Summary  `json:"sink_sys_s_per_gb"`
	SinkCPU       bench.Summary  `json:"sink_cpu_s_per_gb"`
	SyscallsPerGB *bench.Summary `json:"syscalls_per_gb,omitempty"`
	// VsReadWrite holds each median divided by read-write's median on the
	// same transport; absent when read-write did not run there.
	VsReadWrite *Relative `json:"vs_read_write,omitempty"`
}

// Relative is a set of ratios to the baseline; a ratio that has no
// meaning (no baseline figure) is absent.
type Relative struct {
	Throughput *float64 `json:"throughput,omitempty"`
	SenderCPU  *float64 `json:"sender_cpu,omitempty"`
	SinkCPU    *float64 `json:"sink_cpu,omitempty"`
	Syscalls   *float64 `json:"syscalls,omitempty"`
}

// summarize computes r.Summary from the runs without error.
func (r *Result) summarize(fileBytes int64) {
	var tp, su, ss, sc, ku, ks, kc, calls []float64
	counted := false
	for _, run := range r.Runs {
		if run.Error != "" {
			continue
		}
		tp = append(tp, float64(fileBytes)/(float64(run.ElapsedNS)/1e9))
		per := func(ns int64) float64 { return bench.PerGB(float64(ns)/1e9, fileBytes) }
		su = append(su, per(run.SenderUserNS))
		ss = append(ss, per(run.SenderSysNS))
		sc = append(sc, per(run.SenderUserNS+run.SenderSysNS))
		ku = append(ku, per(run.SinkUserNS))
		ks = append(ks, per(run.SinkSysNS))
		kc = append(kc, per(run.SinkUserNS+run.SinkSysNS))
		c := math.NaN()
		if run.Syscalls != nil {
			c, counted = bench.PerGB(float64(*run.Syscalls), fileBytes), true
		}
		calls = append(calls, c)
	}
	if len(tp) == 0 {
		r.Summary = nil
		return
	}
	s := &Summary{Runs: len(tp)}
	s.Throughput, _ = bench.Summarize(tp)
	s.SenderUser, _ = bench.Summarize(su)
	s.SenderSys, _ = bench.Summarize(ss)
	s.SenderCPU, _ = bench.Summarize(sc)
	s.SinkUser, _ = bench.Summarize(ku)
	s.SinkSys, _ = bench.Summarize(ks)
	s.SinkCPU, _ = bench.Summarize(kc)
	if counted {
		if c, ok := bench.Summarize(calls); ok {
			s.SyscallsPerGB = &c
		}
	}
	r.Summary = s
}

// relateTo fills r.Summary.VsReadWrite from base (read-write's summary on
// the same transport).
func (r *Result) relateTo(base *Summary) {
	if r.Summary == nil || base == nil {
		return
	}
	ratio := func(x, b float64) *float64 {
		if v, ok := bench.Relative(x, b); ok {
			return &v
		}
		return nil
	}
	rel := &Relative{
		Throughput: ratio(r.Summary.Throughput.Median, base.Throughput.Median),
		SenderCPU:  ratio(r.Summary.SenderCPU.Median, base.SenderCPU.Median),
		SinkCPU:    ratio(r.Summary.SinkCPU.Median, base.SinkCPU.Median),
	}
	if r.Summary.SyscallsPerGB != nil && base.SyscallsPerGB != nil {
		rel.Syscalls = ratio(r.Summary.SyscallsPerGB.Median, base.SyscallsPerGB.Median)
	}
	r.Summary.VsReadWrite = rel
}
