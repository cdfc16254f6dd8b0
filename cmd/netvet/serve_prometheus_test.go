package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// freePort returns a loopback port nobody listens on now. Another process
// could take it before ours binds; on a test machine that is rare enough,
// and the test then fails naming the port.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// startServe runs the built `netvet serve` on a free loopback port until
// the test ends, and waits for /healthz.
func startServe(t *testing.T, args ...string) (addr string, cmd *exec.Cmd, stderr *bytes.Buffer) {
	t.Helper()
	bin := netvetBinary(t)
	addr = "127.0.0.1:" + freePort(t)
	cmd = exec.Command(bin, append([]string{"serve", "--listen", addr}, args...)...)
	stderr = &bytes.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	waitHTTP(t, "http://"+addr+"/healthz", 10*time.Second, func() string { return stderr.String() })
	return addr, cmd, stderr
}

func waitHTTP(t *testing.T, u string, within time.Duration, log func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s (%v)\n%s", u, within, err, log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stopGracefully sends SIGTERM and wants a clean exit within 10 s.
func stopGracefully(t *testing.T, name string, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s after SIGTERM: %v", name, err)
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Errorf("%s still running 10 s after SIGTERM", name)
	}
}

// TestServeScrapedByPrometheus: a real Prometheus (Debian's prometheus
// package) on loopback, with its own configuration and data folder,
// scrapes `netvet serve` every second; after two scrapes its HTTP API
// answers a query over netvet's series. Both are stopped at the end; serve
// with SIGTERM, which must end it cleanly.
func TestServeScrapedByPrometheus(t *testing.T) {
	promBin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not found: install Debian's prometheus package (.ci/run does)")
	}
	if testing.Short() {
		t.Skip("starts Prometheus: not in -short")
	}
	addr, serve, serveLog := startServe(t, "--interval", "1s", "--window", "10s")

	dir := t.TempDir()
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: netvet
    static_configs:
      - targets: [%q]
`, addr)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	promAddr := "127.0.0.1:" + freePort(t)
	prom := exec.Command(promBin,
		"--config.file="+cfgPath,
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+promAddr,
	)
	var promLog bytes.Buffer
	prom.Stdout, prom.Stderr = &promLog, &promLog
	if err := prom.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = prom.Process.Kill()
		_ = prom.Wait()
	}()
	waitHTTP(t, "http://"+promAddr+"/-/ready", 30*time.Second, promLog.String)

	// Two scrapes of the folded-or-not softnet counter of CPU 0, then a
	// rate over them: the series are Prometheus counters end to end.
	query := func(q string) []promSample {
		resp, err := http.Get("http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Status string `json:"status"`
			Data   struct {
				Result []promSample `json:"result"`
			} `json:"data"`
			Error string `json:"error"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Status != "success" {
			t.Fatalf("query %s: %v %s", q, err, r.Error)
		}
		return r.Data.Result
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		res := query(`count_over_time(netvet_softnet_processed_total{job="netvet",cpu="0"}[1m])`)
		if len(res) == 1 && res[0].value() >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus has not scraped netvet twice in 60 s: %v\nprometheus:\n%s\nnetvet:\n%s", res, promLog.String(), serveLog.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
	if up := query(`up{job="netvet"}`); len(up) != 1 || up[0].value() != 1 {
		t.Errorf("up = %v, want 1", up)
	}
	if r := query(`rate(netvet_softnet_processed_total{job="netvet"}[30s])`); len(r) == 0 {
		t.Error("no rate over netvet_softnet_processed_total")
	}
	if r := query(`netvet_collector_success{job="netvet",collector="softnet"}`); len(r) != 1 || r[0].value() != 1 {
		t.Errorf("netvet_collector_success{collector=softnet} = %v, want 1", r)
	}
	stopGracefully(t, "netvet serve", serve)
	if err := prom.Process.Signal(syscall.SIGTERM); err == nil {
		_ = prom.Wait()
	}
}

// promSample is one element of a Prometheus instant-query result.
type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func (s promSample) value() float64 {
	str, _ := s.Value[1].(string)
	v, _ := strconv.ParseFloat(str, 64)
	return v
}
