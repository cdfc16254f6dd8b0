package collect

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/procfs"

	"github.com/netvet/netvet/internal/synthhost"
)

// bigHost returns two consecutive samples of the synthetic 256-CPU host's
// proc/interrupts (~970 lines, ~2.8 MB each).
func bigHost(tb testing.TB) (first, second []byte) {
	tb.Helper()
	h, err := synthhost.New(synthhost.Default())
	if err != nil {
		tb.Fatal(err)
	}
	first = h.Files(false)["proc/interrupts"]
	h.Step()
	return first, h.Files(false)["proc/interrupts"]
}

// firstLines cuts data after the last whole line that fits in limit bytes.
func firstLines(data []byte, limit int) []byte {
	cut := bytes.LastIndexByte(data[:limit], '\n')
	return data[:cut+1]
}

// procfsDir lays data out as procfs v0.23.0 reads it: Proc.Interrupts
// reads DIR/proc/interrupts (the host's file, whatever the PID), and
// FS.Proc(1) wants DIR/proc/1 to exist.
func procfsDir(tb testing.TB, data []byte) procfs.Proc {
	tb.Helper()
	root := filepath.Join(tb.TempDir(), "proc")
	if err := os.MkdirAll(filepath.Join(root, "1"), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "interrupts"), data, 0o644); err != nil {
		tb.Fatal(err)
	}
	fs, err := procfs.NewFS(root)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := fs.Proc(1)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// procfsInterrupts calls procfs and turns its panic into an error.
func procfsInterrupts(p procfs.Proc) (in procfs.Interrupts, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return p.Interrupts()
}

// TestProcfsOnBigHost documents why netvet parses proc/interrupts itself:
// procfs v0.23.0 reads at most 1 MiB of the file (internal/parsers
// ReadFileNoStat), so on a 256-CPU host it sees a third of the rows, and the
// row cut at 1 MiB has fewer fields than CPUs, which its parser slices
// without a check (parts[1:cpuNum+1]): it panics. netvet reads the file
// whole.
func TestProcfsOnBigHost(t *testing.T) {
	data, _ := bigHost(t)
	if len(data) <= 1<<20 {
		t.Fatalf("the big host's interrupts are %d bytes: not above 1 MiB", len(data))
	}
	in, err := procfsInterrupts(procfsDir(t, data))
	if err == nil || len(in) != 0 {
		t.Fatalf("procfs on %d bytes: %d rows, error %v; want the panic on the row cut at 1 MiB", len(data), len(in), err)
	}
	t.Logf("procfs v0.23.0 on %d bytes: %v", len(data), err)

	got, err := parseInterrupts("proc/interrupts", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := bytes.Count(data, []byte{'\n'}) - 1
	if len(got.Lines) != rows || len(got.CPUs) != 256 {
		t.Errorf("netvet: %d lines × %d CPUs, want %d × 256", len(got.Lines), len(got.CPUs), rows)
	}

	// Below 1 MiB both read the same rows.
	small := firstLines(data, 1<<20)
	pin, err := procfsInterrupts(procfsDir(t, small))
	if err != nil {
		t.Fatal(err)
	}
	ours, err := parseInterrupts("proc/interrupts", small, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pin) != len(ours.Lines) {
		t.Errorf("1 MiB cut: procfs %d rows, netvet %d", len(pin), len(ours.Lines))
	}
}

// BenchmarkInterruptsBigHost parses the 256-CPU host's proc/interrupts
// (2.8 MB): cold (no cache), steady (the layout cache warm, counts changing
// between two samples), and through the collector from a file on disk. The
// 1MiB cases are the rows that fit in 1 MiB, the bytes procfs can parse
// whole: "parse-cold" is the parser alone without cache; the collector cases
// read the file from disk like procfs does, "cold" with a new Collector
// (fresh read buffer, no cache) each time, "steady" reusing both.
func BenchmarkInterruptsBigHost(b *testing.B) {
	first, second := bigHost(b)
	b.Run("parse-cold", func(b *testing.B) {
		b.SetBytes(int64(len(first)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseInterrupts("proc/interrupts", first, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parse-steady", func(b *testing.B) {
		var cache interruptsCache
		samples := [2][]byte{first, second}
		b.SetBytes(int64(len(first)))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := parseInterrupts("proc/interrupts", samples[i%2], &cache); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("1MiB-parse-cold", func(b *testing.B) {
		small := firstLines(first, 1<<20)
		b.SetBytes(int64(len(small)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseInterrupts("proc/interrupts", small, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct {
		name  string
		data  []byte
		fresh bool // a new Collector per sample
	}{
		{"collector-steady", first, false},
		{"1MiB-collector-cold", firstLines(first, 1<<20), true},
		{"1MiB-collector-steady", firstLines(first, 1<<20), false},
	} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "proc"), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "proc", "interrupts"), c.data, 0o644); err != nil {
				b.Fatal(err)
			}
			fsys := os.DirFS(dir)
			col := NewCollector()
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for b.Loop() {
				if c.fresh {
					col = NewCollector()
				}
				col.r.fsys = fsys
				var s Snapshot
				if err := col.collectInterrupts(&s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProcfsInterruptsBigHost is procfs v0.23.0's Proc.Interrupts on
// the same bytes, read from a temporary directory as procfs requires.
// "whole" is the 2.8 MB file: procfs reads its first 1 MiB and panics on the
// cut row (recovered here), so it does a third of the work; its MB/s counts
// the 1 MiB it read. "1MiB" is the rows that fit in 1 MiB, which procfs
// parses completely: compare it with BenchmarkInterruptsBigHost/1MiB.
func BenchmarkProcfsInterruptsBigHost(b *testing.B) {
	first, _ := bigHost(b)
	for _, c := range []struct {
		name string
		data []byte
	}{{"whole", first}, {"1MiB", firstLines(first, 1<<20)}} {
		b.Run(c.name, func(b *testing.B) {
			p := procfsDir(b, c.data)
			b.SetBytes(int64(min(len(c.data), 1<<20)))
			b.ReportAllocs()
			for b.Loop() {
				_, _ = procfsInterrupts(p)
			}
		})
	}
}

// BenchmarkCounterCollectorsBigHost is one sample of every counter collector
// over the in-memory big host, after a first full pass: what `netvet top`
// and `serve` pay per second. Target after merge: ≤ 10 ms, ≤ 4 MB.
func BenchmarkCounterCollectorsBigHost(b *testing.B) {
	benchmarkCollect(b, false)
}

// BenchmarkConfigCollectorsBigHost is a full sample: counters and
// configuration.
func BenchmarkConfigCollectorsBigHost(b *testing.B) {
	benchmarkCollect(b, true)
}

// benchmarkCollect samples the host from synthhost's indexed in-memory FS:
// an fstest.MapFS scans all 3,800 paths for every directory listing or
// absent file, which would be measured instead of the collectors.
func benchmarkCollect(b *testing.B, full bool) {
	h, err := synthhost.New(synthhost.Default())
	if err != nil {
		b.Fatal(err)
	}
	fsys := h.FS()
	c := NewCollector()
	ctx := context.Background()
	prev := c.Collect(ctx, fsys, nil, true)
	b.ReportAllocs()
	start := processCPU(b)
	for b.Loop() {
		prev = c.Collect(ctx, fsys, prev, full)
	}
	// CPU time next to ns/op: on a loaded machine the wall clock also
	// counts the time the benchmark waited for a CPU.
	b.ReportMetric(float64(processCPU(b)-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	for _, st := range prev.Status {
		if st.State != StateOK {
			b.Fatalf("%s: %s %s: the benchmark would measure a collector that did nothing", st.Name, st.State, st.Err)
		}
	}
}
