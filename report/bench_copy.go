package report

import (
	"fmt"
	"math"
	"time"

	"github.com/netvet/netvet/analyze"
	benchcopy "github.com/netvet/netvet/bench/copy"
)

// CopyView is `netvet bench copy` in the page.
type CopyView struct {
	Machine, Setup string
	Plots          []Plot
	Table          Table
}

// copyView draws throughput and CPU per GB of every method, grouped by
// transport, from the summaries of the JSON (medians over the good runs).
func copyView(r *benchcopy.Report) (*CopyView, error) {
	m := r.Machine
	c := r.Config
	cache := "warm page cache"
	if c.Cold {
		cache = "cold page cache"
	}
	v := &CopyView{
		Machine: fmt.Sprintf("%s: %d CPUs, kernel %s, memcpy %s, load %.2f at start; run %s",
			orDash(m.Hostname), m.CPUs, orDash(m.Kernel), bytesRate(m.MemcpyBytesPerSec), m.LoadAvg, r.Started.UTC().Format(time.RFC3339)),
		Setup: fmt.Sprintf("%s file, %s chunks, %d run(s) per method and transport, %s",
			benchcopy.FormatSize(c.FileBytes), benchcopy.FormatSize(int64(c.ChunkBytes)), c.Repeat, cache),
	}
	methods, transports := c.Methods, c.Transports
	by := map[benchcopy.Transport]map[benchcopy.Method]*benchcopy.Result{}
	for i := range r.Results {
		res := &r.Results[i]
		if by[res.Transport] == nil {
			by[res.Transport] = map[benchcopy.Method]*benchcopy.Result{}
		}
		by[res.Transport][res.Method] = res
	}
	labels := make([]string, len(methods))
	for i, mt := range methods {
		labels[i] = string(mt)
	}
	var tp, cpu []barGroup
	for _, t := range transports {
		g1 := barGroup{name: string(t), values: make([]float64, len(methods))}
		g2 := barGroup{name: string(t), values: make([]float64, len(methods))}
		for i, mt := range methods {
			g1.values[i], g2.values[i] = math.NaN(), math.NaN()
			if res := by[t][mt]; res != nil && res.Summary != nil {
				g1.values[i] = res.Summary.Throughput.Median / 1e9
				g2.values[i] = res.Summary.SenderCPU.Median + res.Summary.SinkCPU.Median
			}
		}
		tp = append(tp, g1)
		cpu = append(cpu, g2)
	}
	h := hbarsHeight(len(methods)*len(transports)/2+len(methods), 1)
	p1 := Plot{ID: "copy-throughput", Title: "Copy paths: throughput by transport",
		Caption: "Median over the good runs of the file's bytes per second, from the sender's first syscall to the sink's end of stream (GB = 10⁹ bytes). A missing bar: skipped or failed (see the table)."}
	p2 := Plot{ID: "copy-cpu", Title: "Copy paths: CPU seconds per GB by transport",
		Caption: "Median sender plus sink CPU time (user + system) per GB of the file: what the path costs, whatever its speed."}
	var err error
	if p1.SVG, err = figure(p1.Title, figWidth, h, hbars(p1.Title, "GB/s", labels, tp, 0)); err != nil {
		return nil, err
	}
	if p2.SVG, err = figure(p2.Title, figWidth, h, hbars(p2.Title, "CPU s per GB (sender + sink)", labels, cpu, 0)); err != nil {
		return nil, err
	}
	v.Plots = []Plot{p1, p2}
	v.Table = copyTable(r)
	return v, nil
}

func copyTable(r *benchcopy.Report) Table {
	t := Table{Caption: "Every method and transport (medians; ×rw: relative to read-write on the same transport)",
		Head: []string{"transport", "method", "GB/s", "min–max", "×rw", "sender s/GB", "sink s/GB", "syscalls/GB", "note"},
		Num:  []bool{false, false, true, true, true, true, true, true, false}}
	for _, res := range r.Results {
		row := []string{string(res.Transport), string(res.Method)}
		s := res.Summary
		switch {
		case res.Skipped != "":
			row = append(row, "—", "—", "—", "—", "—", "—", "skipped: "+res.Skipped)
		case s == nil:
			row = append(row, "—", "—", "—", "—", "—", "—", "failed: "+firstRunError(res.Runs))
		default:
			rel := "—"
			if s.VsReadWrite != nil && s.VsReadWrite.Throughput != nil {
				rel = fmt.Sprintf("%.2f", *s.VsReadWrite.Throughput)
			}
			calls := "—"
			if s.SyscallsPerGB != nil {
				calls = analyze.FormatNumber(math.Round(s.SyscallsPerGB.Median))
			}
			note := ""
			if bad := len(res.Runs) - s.Runs; bad > 0 {
				note = fmt.Sprintf("%d run(s) failed: %s", bad, firstRunError(res.Runs))
			}
			row = append(row, fmt.Sprintf("%.2f", s.Throughput.Median/1e9),
				fmt.Sprintf("%.2f–%.2f", s.Throughput.Min/1e9, s.Throughput.Max/1e9), rel,
				fmt.Sprintf("%.3f", s.SenderCPU.Median), fmt.Sprintf("%.3f", s.SinkCPU.Median), calls, note)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func firstRunError(runs []benchcopy.Run) string {
	for _, r := range runs {
		if r.Error != "" {
			return r.Error
		}
	}
	return "no run"
}
