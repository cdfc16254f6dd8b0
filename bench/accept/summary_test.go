package accept

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// sampleWindow is a run of reuseport-cbpf-cpu, close mode, with one worker
// idle: everything summarizeRun derives is known by hand.
func sampleWindow() window {
	lat := Latency{N: 3000, P50: 80, P90: 120, P99: 400, P999: 2100, Max: 5000, Mean: 95}
	return window{
		model: ReuseportCBPFCPU, mode: Close, seconds: 2, cpu: 60e6, scope: "netns", restarts: 1,
		a: mark{kern: kernelSample{status: "ok", values: map[string]uint64{"TcpExt.ListenOverflows": 10, "TcpExt.ListenDrops": 10}}},
		b: mark{kern: kernelSample{status: "ok", values: map[string]uint64{"TcpExt.ListenOverflows": 13, "TcpExt.ListenDrops": 15}}},
		counts: []slotCount{
			{Conns: 2000, Requests: 2000, Wasted: 4, Local: 1900, Restarts: 1},
			{Conns: 1000, Requests: 1000, Errors: 2, Local: 1000},
			{},
		},
		final: []slotCount{{Requests: 2500}, {Requests: 1200}, {}},
		load: loadReport{
			Window:  loadCounts{Responses: 3000, Conns: 3000, Errors: ErrorCounts{Reset: 3}},
			Total:   loadCounts{Responses: 3700, Conns: 3700, Errors: ErrorCounts{Reset: 3, Timeout: 1}},
			Latency: lat, Connect: lat, FirstByte: lat, CPUNanos: 90e6,
		},
	}
}

func TestSummarizeRun(t *testing.T) {
	local := Num(2900.0 / 3000)
	want := Measurement{
		Seconds: 2, Rate: 1500, Responses: 3000, Conns: 3000,
		Latency:   sampleWindow().load.Latency,
		Connect:   sampleWindow().load.Latency,
		FirstByte: sampleWindow().load.Latency,
		Errors:    ErrorCounts{Reset: 3}, Restarts: 1,
		Workers: []WorkerCount{
			{Slot: 0, Conns: 2000, Requests: 2000, Wasted: 4, Restarts: 1},
			{Slot: 1, Conns: 1000, Requests: 1000, Errors: 2},
			{Slot: 2},
		},
		// (3000)² / (3 · (2000² + 1000²)) = 9e6 / 15e6
		Jain: 0.6, MaxMin: Num(math.Inf(1)), WastedWakeups: 4, CPULocal: &local,
		ServerCPUPerConn: 20, ServerCPUPerReq: 20, ClientCPUPerReq: 30,
		Kernel:       map[string]uint64{"TcpExt.ListenOverflows": 3, "TcpExt.ListenDrops": 5},
		KernelStatus: "ok", KernelScope: "netns",
		Accounting: Accounting{ClientResponses: 3700, ServerResponses: 3700, ClientFailures: 4},
	}
	got := summarizeRun(sampleWindow())
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("summarizeRun (-want +got):\n%s", diff)
	}
}

func sampleReport() *Report {
	m := summarizeRun(sampleWindow())
	k := sampleWindow()
	k.model, k.mode = Reuseport, KeepAlive
	k.a.kern, k.b.kern = kernelSample{status: "netstat collector error: collector not built yet"}, kernelSample{status: "netstat collector error: collector not built yet"}
	m2 := summarizeRun(k)
	return &Report{
		Schema: Schema, Time: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
		Host:   Host{Hostname: "vm", Kernel: "6.18.0", CPUs: 2},
		Config: settings(DefaultConfig(3)), Netns: true,
		Skipped: []Skip{{ReuseportMigrate, "kernel has no net.ipv4.tcp_migrate_req"}},
		Results: []Result{
			{Model: ReuseportCBPFCPU, Mode: Close, Unit: "conn/s", RateMin: 1400, RateMax: 1600, MedianRun: 1,
				Runs: []Measurement{m, m, m}},
			{Model: Reuseport, Mode: KeepAlive, Unit: "req/s", RateMin: 1500, RateMax: 1500, Runs: []Measurement{m2}},
		},
	}
}

// The table is what a person reads: checked against a reviewed golden file
// (go test -run TestWriteTable -update rewrites it).
func TestWriteTable(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "table.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("table (-golden +got):\n%s", diff)
	}
}

// The JSON carries its schema name, encodes "no value" as null, and reads
// back into the same types (netvet report consumes it).
func TestReportJSON(t *testing.T) {
	rep := sampleReport()
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"schema":"netvet.bench.accept/v1"`, `"max_min":null`, `"jain":0.6`,
		`"kernel":{"TcpExt.ListenDrops":5,"TcpExt.ListenOverflows":3}`, `"cpu_local":0.966`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rep, &back, cmpopts.EquateNaNs(), cmpopts.EquateApprox(0, 1e-12),
		cmp.Comparer(func(a, b Num) bool {
			return a == b || !a.Valid() && !b.Valid()
		})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}
