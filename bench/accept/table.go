package accept

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// maxWorkerColumns is the widest per-worker table printed; beyond it the
// per-worker counts are in --format json only.
const maxWorkerColumns = 16

// WriteTable prints the report for a person: one row per model and mode
// (the median run when repeated), then per-worker counts, then notes.
func WriteTable(w io.Writer, rep *Report) error {
	t := newTable(w)
	t.Header("model", "mode", "rate/s", "p50", "p99", "p99.9", "failed", "jain", "max:min",
		"wasted", "srv µs/op", "overflows", "drops", "reqq full", "restarts")
	var notes []string
	for _, res := range rep.Results {
		r := res.Median()
		rate := siFmt(float64(r.Rate))
		if len(res.Runs) > 1 {
			rate += fmt.Sprintf(" (%s–%s)", siFmt(float64(res.RateMin)), siFmt(float64(res.RateMax)))
		}
		wasted := "-"
		if r.Conns > 0 && usesEpollListener(res.Model) {
			wasted = fmt.Sprintf("%.2f", float64(r.WastedWakeups)/float64(sumConns(r)))
		}
		k := func(name string) string {
			if r.KernelStatus != "ok" {
				return "-"
			}
			if v, ok := r.Kernel["TcpExt."+name]; ok {
				return fmt.Sprint(v)
			}
			return "n/a"
		}
		if err := t.Append(string(res.Model), string(res.Mode), rate,
			usFmt(r.Latency.P50), usFmt(r.Latency.P99), usFmt(r.Latency.P999),
			failedFmt(r.Errors), numFmt(r.Jain, "%.3f"), numFmt(r.MaxMin, "%.2f"), wasted,
			numFmt(srvPerOp(res.Mode, r), "%.1f"), k("ListenOverflows"), k("ListenDrops"), k("TCPReqQFullDrop"),
			fmt.Sprint(r.Restarts)); err != nil {
			return err
		}
		if r.KernelStatus != "ok" && !contains(notes, "kernel counters: "+r.KernelStatus) {
			notes = append(notes, "kernel counters: "+r.KernelStatus)
		}
		if r.Unsent > 0 {
			notes = append(notes, fmt.Sprintf("%s %s: %d of %d requests due were never sent (all --conns busy): the server fell behind --rate",
				res.Model, res.Mode, r.Unsent, r.Arrivals))
		}
		if r.CPULocal != nil {
			notes = append(notes, fmt.Sprintf("%s %s: %.0f%% of connections were accepted on the CPU that received their SYN",
				res.Model, res.Mode, 100*float64(*r.CPULocal)))
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if err := writeWorkers(w, rep); err != nil {
		return err
	}
	fmt.Fprintln(w)
	where := "in a network namespace of its own per run (loopback; host sysctls untouched)"
	if !rep.Netns {
		where = "on the host's loopback"
	}
	fmt.Fprintf(w, "%d workers, %d connections from %d generator threads, %s each after %s warm-up, %s; %s.\n",
		rep.Config.Workers, rep.Config.Conns, rep.Config.ClientThreads, secFmt(rep.Config.DurationS), secFmt(rep.Config.WarmupS),
		loopFmt(rep.Config), where)
	fmt.Fprintln(w, "rate: connections/s in close mode, requests/s in keepalive mode; latency from connect (close) or request (keepalive) to the whole response;")
	fmt.Fprintln(w, "jain: 1 = every worker equally loaded, 1/N = one does everything; wasted: listener wakeups that reached a worker and found nothing to")
	fmt.Fprintln(w, "accept, per connection (a herd mostly costs in-kernel wakeups, which show in srv µs/op);")
	fmt.Fprintln(w, "srv µs/op: server threads' CPU per connection or request (on loopback the handshake runs in softirq, mostly on the client's CPU); overflows, drops, reqq full: TcpExt")
	fmt.Fprintln(w, "ListenOverflows, ListenDrops, TCPReqQFullDrop during the window; restarts: --churn.")
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "skipped %s: %s\n", s.Model, s.Reason)
	}
	for _, n := range append(rep.Notes, notes...) {
		fmt.Fprintln(w, "note: "+n)
	}
	return nil
}

// writeWorkers prints each worker's share of the load (connections in close
// mode, requests in keep-alive mode).
func writeWorkers(w io.Writer, rep *Report) error {
	n := 0
	for _, res := range rep.Results {
		n = max(n, len(res.Median().Workers))
	}
	if n == 0 || n > maxWorkerColumns {
		return nil
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "per worker: connections (close) or requests (keepalive) in the window")
	t := newTable(w)
	hdr := []any{"model", "mode"}
	for i := range n {
		hdr = append(hdr, fmt.Sprintf("w%d", i))
	}
	t.Header(hdr...)
	for _, res := range rep.Results {
		row := []any{string(res.Model), string(res.Mode)}
		ws := res.Median().Workers
		for i := range n {
			if i >= len(ws) {
				row = append(row, "")
				continue
			}
			v := ws[i].Conns
			if res.Mode == KeepAlive {
				v = ws[i].Requests
			}
			row = append(row, fmt.Sprint(v))
		}
		if err := t.Append(row...); err != nil {
			return err
		}
	}
	return t.Render()
}

func newTable(w io.Writer) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleLight)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignment(tw.AlignRight),
	)
}

// srvPerOp is the server's CPU per connection (close) or request (keep-alive).
func srvPerOp(m Mode, r Measurement) Num {
	if m == KeepAlive {
		return r.ServerCPUPerReq
	}
	return r.ServerCPUPerConn
}

func usesEpollListener(m Model) bool {
	return m == SharedEpoll || m == SharedEpollExclusive || m.reuseport()
}

func sumConns(r Measurement) uint64 {
	var n uint64
	for _, w := range r.Workers {
		n += w.Conns
	}
	return max(n, 1)
}

// siFmt prints a rate with three significant digits: 14.7k, 912, 1.23M.
func siFmt(v float64) string {
	switch {
	case !Num(v).Valid():
		return "-"
	case v >= 1e6:
		return trim3(v/1e6) + "M"
	case v >= 1e3:
		return trim3(v/1e3) + "k"
	}
	return trim3(v)
}

func trim3(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// usFmt prints a latency given in microseconds: 87µs, 3.02ms, 1.00s.
func usFmt(us Num) string {
	v := float64(us)
	switch {
	case !us.Valid():
		return "-"
	case v >= 1e6:
		return trim3(v/1e6) + "s"
	case v >= 1e3:
		return trim3(v/1e3) + "ms"
	}
	return trim3(v) + "µs"
}

func numFmt(n Num, f string) string {
	if !n.Valid() {
		return "-"
	}
	return fmt.Sprintf(f, float64(n))
}

// failedFmt prints the failure count with its kinds: "0", "12 (12 reset)".
func failedFmt(e ErrorCounts) string {
	if e.Total() == 0 {
		return "0"
	}
	var parts []string
	for _, k := range []struct {
		n    uint64
		name string
	}{{e.Refused, "refused"}, {e.Reset, "reset"}, {e.Timeout, "timeout"}, {e.EOF, "eof"}, {e.Other, "other"}} {
		if k.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", k.n, k.name))
		}
	}
	return fmt.Sprintf("%d (%s)", e.Total(), strings.Join(parts, ", "))
}

func secFmt(s float64) string { return strings.TrimSuffix(fmt.Sprintf("%.3g", s), ".0") + "s" }

func loopFmt(c Settings) string {
	s := "closed loop"
	if c.Rate > 0 {
		s = fmt.Sprintf("open loop at %s/s", siFmt(c.Rate))
	}
	if c.ChurnS > 0 {
		s += fmt.Sprintf(", one worker restarted every %s", secFmt(c.ChurnS))
	}
	return s
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
