package copy

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// WriteTable prints the report for a person: one row per method ×
// transport with median throughput and its range, CPU seconds per GB on
// each side (user+sys), syscalls per GB, each followed by its ratio to
// read-write on the same transport.
func WriteTable(w io.Writer, rep *Report) error {
	c := rep.Config
	cache := "warm page cache"
	if c.Cold {
		cache = "cold page cache (fadvise DONTNEED before each run)"
	}
	pin := ""
	if c.PinSender != nil || c.PinSink != nil {
		pin = fmt.Sprintf(", sender on CPU %s, sink on CPU %s", cpuName(c.PinSender), cpuName(c.PinSink))
	}
	fmt.Fprintf(w, "%s file, %s chunks, %d run(s) each, %s%s\n%s: %d CPUs, kernel %s, load %.2f at start; memcpy %.1f GB/s\n",
		FormatSize(c.FileBytes), FormatSize(int64(c.ChunkBytes)), c.Repeat, cache, pin,
		rep.Machine.Hostname, rep.Machine.CPUs, rep.Machine.Kernel, rep.Machine.LoadAvg, rep.Machine.MemcpyBytesPerSec/1e9)
	t := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: []tw.Align{
			tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight,
			tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft}}),
	)
	t.Header("transport", "method", "GB/s", "min-max", "×rw", "sender s/GB usr+sys", "×rw",
		"sink s/GB usr+sys", "×rw", "syscalls/GB", "×rw", "note")
	for _, r := range rep.Results {
		if err := t.Append(tableRow(r)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprint(w, `GB = 10^9 bytes of the file; throughput runs from the sender's first syscall to the sink's
last end of stream; ×rw = median / read-write's median on the same transport; sender CPU is
the sending thread's (io-copy: the whole process), sink CPU the sink process's while draining.
`)
	return err
}

func tableRow(r Result) []string {
	row := []string{string(r.Transport), string(r.Method)}
	if r.Skipped != "" {
		return append(row, "", "", "", "", "", "", "", "", "", "skipped: "+r.Skipped)
	}
	s := r.Summary
	if s == nil {
		return append(row, "", "", "", "", "", "", "", "", "", "failed: "+firstError(r.Runs))
	}
	var rel Relative
	if s.VsReadWrite != nil {
		rel = *s.VsReadWrite
	}
	calls, callsRel := "n/a", "n/a"
	if s.SyscallsPerGB != nil {
		calls, callsRel = count(s.SyscallsPerGB.Median), ratio(rel.Syscalls)
	}
	return append(row,
		fmt.Sprintf("%.2f", s.Throughput.Median/1e9),
		fmt.Sprintf("%.2f-%.2f", s.Throughput.Min/1e9, s.Throughput.Max/1e9),
		ratio(rel.Throughput),
		fmt.Sprintf("%.3f+%.3f", s.SenderUser.Median, s.SenderSys.Median), ratio(rel.SenderCPU),
		fmt.Sprintf("%.3f+%.3f", s.SinkUser.Median, s.SinkSys.Median), ratio(rel.SinkCPU),
		calls, callsRel,
		note(r))
}

// note says what a reader needs to read the row right.
func note(r Result) string {
	var n []string
	if r.Streams > 1 {
		n = append(n, fmt.Sprintf("%d sinks, each gets the whole file", r.Streams))
	}
	var done, copied, bad int64
	var resident []float64
	for _, run := range r.Runs {
		if run.Error != "" {
			bad++
			continue
		}
		if run.ZerocopyCompleted != nil {
			done += *run.ZerocopyCompleted
			copied += *run.ZerocopyCopied
		}
		resident = append(resident, run.ResidentBefore)
	}
	if done > 0 {
		n = append(n, fmt.Sprintf("kernel copied %.0f%% of zerocopy sends", 100*float64(copied)/float64(done)))
	}
	if len(resident) > 0 {
		if m := maxOf(resident); m < 0.999 {
			n = append(n, fmt.Sprintf("≤%.0f%% cached before runs", 100*m))
		}
	}
	if bad > 0 {
		n = append(n, fmt.Sprintf("%d run(s) failed: %s", bad, firstError(r.Runs)))
	}
	return strings.Join(n, "; ")
}

func cpuName(p *int) string {
	if p == nil {
		return "any"
	}
	return fmt.Sprint(*p)
}

func firstError(runs []Run) string {
	for _, r := range runs {
		if r.Error != "" {
			return r.Error
		}
	}
	return "no runs"
}

func ratio(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f", *p)
}

// count writes a large count with a k/M suffix: 15300 → "15.3k".
func count(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case a >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
