package accept

import (
	"encoding/json"
	"math"
	"time"
)

// Schema names the JSON layout of `netvet bench accept --format json`.
// Consumers (netvet report) check it; a change that removes or renames a
// field bumps the version.
const Schema = "netvet.bench.accept/v1"

// Report is the whole output of one invocation.
type Report struct {
	Schema  string    `json:"schema"`
	Time    time.Time `json:"time"`
	Host    Host      `json:"host"`
	Config  Settings  `json:"config"`
	Netns   bool      `json:"netns"`           // ran in a network namespace of its own
	Notes   []string  `json:"notes,omitempty"` // what the environment limited
	Skipped []Skip    `json:"skipped,omitempty"`
	Results []Result  `json:"results"`
}

// Host is the machine the numbers come from.
type Host struct {
	Hostname string `json:"hostname,omitempty"`
	Kernel   string `json:"kernel,omitempty"`
	CPUs     int    `json:"cpus"`
}

// Settings is the configuration as run, in JSON units.
type Settings struct {
	Workers         int     `json:"workers"`
	Conns           int     `json:"conns"`
	ClientThreads   int     `json:"client_threads"`
	DurationS       float64 `json:"duration_s"`
	WarmupS         float64 `json:"warmup_s"`
	Rate            float64 `json:"rate"` // 0: closed loop
	ChurnS          float64 `json:"churn_s"`
	RequestsPerConn int     `json:"requests_per_conn"` // keep-alive mode
	Backlog         int     `json:"backlog"`
	AcceptBatch     int     `json:"accept_batch"`
	TimeoutS        float64 `json:"timeout_s"`
	Repeat          int     `json:"repeat"`
}

// Skip is a model that could not run here, and why.
type Skip struct {
	Model  Model  `json:"model"`
	Reason string `json:"reason"`
}

// Result is one model in one mode: every repeat, and which one is the median.
type Result struct {
	Model     Model         `json:"model"`
	Mode      Mode          `json:"mode"`
	Unit      string        `json:"unit"` // "conn/s" (close) or "req/s" (keepalive)
	RateMin   Num           `json:"rate_min"`
	RateMax   Num           `json:"rate_max"`
	MedianRun int           `json:"median_run"` // index into Runs of the run with the median rate
	Runs      []Measurement `json:"runs"`
}

// Median returns the run the result is summarised by.
func (r Result) Median() Measurement { return r.Runs[r.MedianRun] }

// Measurement is one measured window.
type Measurement struct {
	Seconds   float64     `json:"seconds"`
	Rate      Num         `json:"rate"`      // responses per second (= connections per second in close mode)
	Responses uint64      `json:"responses"` // whole responses the client read in the window
	Conns     uint64      `json:"conns"`     // connections that finished with every response read
	Latency   Latency     `json:"latency_us"`
	Connect   Latency     `json:"connect_us"`
	FirstByte Latency     `json:"first_byte_us"`
	Errors    ErrorCounts `json:"errors"`
	// Open loop (--rate): requests due in the window, and those of them
	// still waiting for a free connection (all --conns busy) at the end.
	Arrivals uint64 `json:"arrivals,omitempty"`
	Unsent   uint64 `json:"unsent,omitempty"`
	Restarts int    `json:"restarts"` // worker restarts in the window (--churn)

	Workers       []WorkerCount `json:"workers"`
	Jain          Num           `json:"jain"`    // Jain's index over per-worker load (conns in close mode, requests in keep-alive)
	MaxMin        Num           `json:"max_min"` // busiest / idlest worker; null when one got nothing
	WastedWakeups uint64        `json:"wasted_wakeups"`
	CPULocal      *Num          `json:"cpu_local,omitempty"` // reuseport-cbpf-cpu: share of connections whose SYN arrived on the worker's CPU

	ServerCPUPerConn Num `json:"server_cpu_us_per_conn"`
	ServerCPUPerReq  Num `json:"server_cpu_us_per_req"`
	ClientCPUPerReq  Num `json:"client_cpu_us_per_req"`

	// Kernel holds TcpExt counter deltas over the window, read through
	// package collect; absent counters are absent. KernelStatus says why the
	// map is empty when it is ("ok" otherwise).
	Kernel       map[string]uint64 `json:"kernel,omitempty"`
	KernelStatus string            `json:"kernel_status"`
	KernelScope  string            `json:"kernel_scope"` // "netns" (only this run's traffic) or "host"

	Accounting Accounting `json:"accounting"`
}

// Accounting compares both ends over the whole run (warm-up and drain
// included): every response the client read was written by some worker.
type Accounting struct {
	ClientResponses uint64 `json:"client_responses"`
	ServerResponses uint64 `json:"server_responses"`
	ClientFailures  uint64 `json:"client_failures"`
}

// WorkerCount is what one worker slot did in the window (a restarted slot
// adds its successive workers).
type WorkerCount struct {
	Slot     int    `json:"slot"`
	Conns    uint64 `json:"conns"`
	Requests uint64 `json:"requests"`
	Wasted   uint64 `json:"wasted_wakeups"`
	Errors   uint64 `json:"errors"`
	Restarts int    `json:"restarts"`
}

// Latency summarises an HDR histogram, in microseconds.
type Latency struct {
	N    int64 `json:"n"`
	P50  Num   `json:"p50"`
	P90  Num   `json:"p90"`
	P99  Num   `json:"p99"`
	P999 Num   `json:"p999"`
	Max  Num   `json:"max"`
	Mean Num   `json:"mean"`
}

// ErrorCounts are client-visible failures by kind.
type ErrorCounts struct {
	Refused uint64            `json:"refused"`
	Reset   uint64            `json:"reset"`
	Timeout uint64            `json:"timeout"`
	EOF     uint64            `json:"eof"`
	Other   uint64            `json:"other"`
	Detail  map[string]uint64 `json:"other_detail,omitempty"`
}

// Total is the number of failures of any kind.
func (e ErrorCounts) Total() uint64 { return e.Refused + e.Reset + e.Timeout + e.EOF + e.Other }

// Num is a float that encodes NaN and ±Inf as null: "not measured" or "no
// meaningful value" (a ratio with a zero denominator), never a fake number.
type Num float64

// MarshalJSON implements json.Marshaler.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON implements json.Unmarshaler (null is NaN).
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

// Valid reports whether n holds a number.
func (n Num) Valid() bool { return !math.IsNaN(float64(n)) && !math.IsInf(float64(n), 0) }
