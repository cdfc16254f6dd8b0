package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// TestServeLoad puts `netvet serve` (the built binary, reading this host
// live) under 50 concurrent scrapers for 30 s and reports what they saw:
// errors (there must be none), the latency distribution, and the serve
// process's peak resident memory (VmHWM) and CPU time. The aims (p99 ≤
// 50 ms, VmHWM ≤ 60 MB on the 2-core CI machine) are reported, not
// asserted: timings vary with the machine.
//
//	NETVET_LOAD=1 go test ./cmd/netvet -run TestServeLoad -v
//	NETVET_LOAD=1 NETVET_LOAD_DURATION=10s NETVET_LOAD_SCRAPERS=100 \
//	  NETVET_LOAD_ARGS='--fold-cpus --root /tmp/synth' go test ./cmd/netvet -run TestServeLoad -v
//
// make load-serve runs the first line.
func TestServeLoad(t *testing.T) {
	if os.Getenv("NETVET_LOAD") == "" {
		t.Skip("load test: set NETVET_LOAD=1 (make load-serve)")
	}
	duration := 30 * time.Second
	if v := os.Getenv("NETVET_LOAD_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("NETVET_LOAD_DURATION: %v", err)
		}
		duration = d
	}
	scrapers := 50
	if v := os.Getenv("NETVET_LOAD_SCRAPERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("NETVET_LOAD_SCRAPERS=%q", v)
		}
		scrapers = n
	}
	addr, cmd, _ := startServe(t, strings.Fields(os.Getenv("NETVET_LOAD_ARGS"))...)
	pid := cmd.Process.Pid

	client := &http.Client{
		Timeout:   15 * time.Second,
		Transport: &http.Transport{MaxIdleConns: scrapers, MaxIdleConnsPerHost: scrapers},
	}
	type result struct {
		hist   *hdrhistogram.Histogram
		errs   []string
		scrape int
		bytes  int64
	}
	results := make([]result, scrapers)
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	cpuBefore := procCPU(t, pid)
	var wg sync.WaitGroup
	for i := range scrapers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &results[i]
			r.hist = hdrhistogram.New(1, 60_000_000, 3) // µs
			for ctx.Err() == nil {
				start := time.Now()
				n, err := scrape(ctx, client, "http://"+addr+"/metrics")
				if ctx.Err() != nil {
					return // cut short by the end of the run
				}
				if err != nil {
					r.errs = append(r.errs, err.Error())
					continue
				}
				_ = r.hist.RecordValue(time.Since(start).Microseconds())
				r.scrape++
				r.bytes += n
			}
		}()
	}
	wg.Wait()
	cpu := procCPU(t, pid) - cpuBefore
	hwm := vmHWM(t, pid)

	all := hdrhistogram.New(1, 60_000_000, 3)
	total, bytes := 0, int64(0)
	var errs []string
	for _, r := range results {
		all.Merge(r.hist)
		total += r.scrape
		bytes += r.bytes
		errs = append(errs, r.errs...)
	}
	ms := func(us int64) float64 { return float64(us) / 1000 }
	p99 := ms(all.ValueAtQuantile(99))
	t.Logf("%d scrapers, %s: %d scrapes (%.0f/s), %d errors, %.1f KiB each",
		scrapers, duration, total, float64(total)/duration.Seconds(), len(errs), float64(bytes)/float64(max(total, 1))/1024)
	t.Logf("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f (aim p99 ≤ 50)",
		ms(all.ValueAtQuantile(50)), ms(all.ValueAtQuantile(90)), p99, ms(all.Max()))
	t.Logf("serve process: VmHWM %.1f MB (aim ≤ 60), CPU %.1f s in %s (%.0f%% of one core)",
		float64(hwm)/1e6, cpu.Seconds(), duration, 100*cpu.Seconds()/duration.Seconds())
	if len(errs) > 0 {
		t.Errorf("%d scrapes failed; first: %s", len(errs), errs[0])
	}
	if total == 0 {
		t.Error("no scrape completed")
	}
	stopGracefully(t, "netvet serve", cmd)
}

func scrape(ctx context.Context, c *http.Client, url string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return n, err
	}
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Errorf("status %s", resp.Status)
	}
	return n, nil
}

// vmHWM is the process's peak resident set size in bytes
// (/proc/PID/status, proc(5)).
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", rest, err)
			}
			return kb * 1024
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// procCPU is the process's user + system CPU time (/proc/PID/stat
// fields 14 and 15, in clock ticks of 1/100 s on Linux).
func procCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// The command name (field 2) may hold spaces; fields count from after it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("/proc/%d/stat: %q", pid, s)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
