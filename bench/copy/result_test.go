package copy

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/netvet/netvet/bench"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func i64(v int64) *int64     { return &v }
func f64(v float64) *float64 { return &v }
func ptrInt(v int) *int      { return &v }

// sampleReport is a hand-made report over a 1 GB file (10^9 bytes, so a
// second per run is 1 GB/s and CPU nanoseconds per run are ns per GB).
func sampleReport() *Report {
	rep := &Report{
		Schema:  Schema,
		Started: time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC),
		Machine: bench.Machine{Hostname: "box", Kernel: "6.18.0", CPUs: 2, GoVersion: "go1.26.8", PageSize: 4096, MemcpyBytesPerSec: 25e9, LoadAvg: 0.25},
		Config: ReportConfig{FileBytes: 1e9, ChunkBytes: 128 << 10, PipeBytes: 128 << 10, SinkReadBytes: sinkBuf,
			VethMTU: vethMTU, Repeat: 3, PinSender: ptrInt(0), PinSink: ptrInt(1),
			Methods: []Method{ReadWrite, Sendfile, Tee, MsgZerocopy, IOCopy}, Transports: []Transport{TCP, Unix}},
		Results: []Result{
			{Method: ReadWrite, Transport: TCP, Streams: 1, SenderCPUScope: "thread", Runs: []Run{
				{ElapsedNS: 1e9, SenderUserNS: 1e8, SenderSysNS: 2e8, SinkUserNS: 5e7, SinkSysNS: 15e7, Syscalls: i64(15000), ResidentBefore: 1},
				{ElapsedNS: 5e8, SenderUserNS: 1e8, SenderSysNS: 3e8, SinkUserNS: 5e7, SinkSysNS: 25e7, Syscalls: i64(15000), ResidentBefore: 1},
				{ElapsedNS: 4e8, SenderUserNS: 2e8, SenderSysNS: 4e8, SinkUserNS: 5e7, SinkSysNS: 35e7, Syscalls: i64(15000), ResidentBefore: 1},
			}},
			{Method: Sendfile, Transport: TCP, Streams: 1, SenderCPUScope: "thread", Runs: []Run{
				{ElapsedNS: 25e7, SenderSysNS: 1e8, SinkUserNS: 5e7, SinkSysNS: 15e7, Syscalls: i64(7500), ResidentBefore: 0.5},
				{Error: "sendfile: broken pipe"},
			}},
			{Method: Tee, Transport: TCP, Streams: 2, SenderCPUScope: "thread", Runs: []Run{
				{Error: "sink stream 1 received 5 bytes"},
			}},
			{Method: MsgZerocopy, Transport: TCP, Streams: 1, SenderCPUScope: "thread", Runs: []Run{
				{ElapsedNS: 1e9, SenderSysNS: 3e8, SinkUserNS: 5e7, SinkSysNS: 15e7, Syscalls: i64(8000), ZerocopyCompleted: i64(7630), ZerocopyCopied: i64(7630), ResidentBefore: 1},
			}},
			{Method: IOCopy, Transport: TCP, Streams: 1, SenderCPUScope: "process", Runs: []Run{
				{ElapsedNS: 5e8, SenderSysNS: 15e7, SinkUserNS: 5e7, SinkSysNS: 15e7, ResidentBefore: 1},
			}},
			{Method: MsgZerocopy, Transport: Unix, Streams: 1, Skipped: "MSG_ZEROCOPY is for TCP (and UDP) sockets"},
		},
	}
	var base *Summary
	for i := range rep.Results {
		rep.Results[i].summarize(rep.Config.FileBytes)
		if rep.Results[i].Method == ReadWrite {
			base = rep.Results[i].Summary
		}
	}
	for i := range rep.Results {
		if rep.Results[i].Transport == TCP {
			rep.Results[i].relateTo(base)
		}
	}
	return rep
}

func TestSummarizeAndRelate(t *testing.T) {
	rep := sampleReport()
	s := func(med, lo, hi float64, n int) bench.Summary {
		return bench.Summary{Median: med, Min: lo, Max: hi, N: n}
	}
	want := []*Summary{
		{Runs: 3, Throughput: s(2e9, 1e9, 2.5e9, 3),
			SenderUser: s(0.1, 0.1, 0.2, 3), SenderSys: s(0.3, 0.2, 0.4, 3), SenderCPU: s(0.4, 0.3, 0.6, 3),
			SinkUser: s(0.05, 0.05, 0.05, 3), SinkSys: s(0.25, 0.15, 0.35, 3), SinkCPU: s(0.3, 0.2, 0.4, 3),
			SyscallsPerGB: &bench.Summary{Median: 15000, Min: 15000, Max: 15000, N: 3},
			VsReadWrite:   &Relative{Throughput: f64(1), SenderCPU: f64(1), SinkCPU: f64(1), Syscalls: f64(1)}},
		// The failed run is left out, not counted as zero.
		{Runs: 1, Throughput: s(4e9, 4e9, 4e9, 1),
			SenderUser: s(0, 0, 0, 1), SenderSys: s(0.1, 0.1, 0.1, 1), SenderCPU: s(0.1, 0.1, 0.1, 1),
			SinkUser: s(0.05, 0.05, 0.05, 1), SinkSys: s(0.15, 0.15, 0.15, 1), SinkCPU: s(0.2, 0.2, 0.2, 1),
			SyscallsPerGB: &bench.Summary{Median: 7500, Min: 7500, Max: 7500, N: 1},
			VsReadWrite:   &Relative{Throughput: f64(2), SenderCPU: f64(0.25), SinkCPU: f64(2.0 / 3), Syscalls: f64(0.5)}},
		nil, // every run failed
		{Runs: 1, Throughput: s(1e9, 1e9, 1e9, 1),
			SenderUser: s(0, 0, 0, 1), SenderSys: s(0.3, 0.3, 0.3, 1), SenderCPU: s(0.3, 0.3, 0.3, 1),
			SinkUser: s(0.05, 0.05, 0.05, 1), SinkSys: s(0.15, 0.15, 0.15, 1), SinkCPU: s(0.2, 0.2, 0.2, 1),
			SyscallsPerGB: &bench.Summary{Median: 8000, Min: 8000, Max: 8000, N: 1},
			VsReadWrite:   &Relative{Throughput: f64(0.5), SenderCPU: f64(0.75), SinkCPU: f64(2.0 / 3), Syscalls: f64(8000.0 / 15000)}},
		// io-copy's syscalls are not counted: absent, and so is the ratio.
		{Runs: 1, Throughput: s(2e9, 2e9, 2e9, 1),
			SenderUser: s(0, 0, 0, 1), SenderSys: s(0.15, 0.15, 0.15, 1), SenderCPU: s(0.15, 0.15, 0.15, 1),
			SinkUser: s(0.05, 0.05, 0.05, 1), SinkSys: s(0.15, 0.15, 0.15, 1), SinkCPU: s(0.2, 0.2, 0.2, 1),
			VsReadWrite: &Relative{Throughput: f64(1), SenderCPU: f64(0.375), SinkCPU: f64(2.0 / 3)}},
		nil, // skipped
	}
	for i, r := range rep.Results {
		if diff := cmp.Diff(want[i], r.Summary, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
			t.Errorf("%s over %s summary (-want +got):\n%s", r.Method, r.Transport, diff)
		}
	}
}

func TestWriteTableGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTable(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "table.golden", buf.Bytes())
}

// TestJSONSchemaGolden pins the v1 JSON layout that netvet report reads:
// a change here is a schema change and needs a new Schema version unless
// it only adds fields.
func TestJSONSchemaGolden(t *testing.T) {
	b, err := json.MarshalIndent(sampleReport(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.golden.json", append(b, '\n'))
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleReport(), &back, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
