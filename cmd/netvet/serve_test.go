package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/netvet/netvet/export"
	"github.com/netvet/netvet/fixtures"
)

// serveFor runs serve with f in the background on a free loopback port and
// returns its address; the server stops when the test ends, and must stop
// cleanly.
func serveFor(t *testing.T, f serveFlags) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, io.Discard, f, func(a string) { addr <- a }) }()
	select {
	case a := <-addr:
		t.Cleanup(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve stopped with %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("serve did not stop within 10 s of its context")
			}
		})
		return a
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	}
	return ""
}

func defaultServeFlags() serveFlags {
	return serveFlags{listen: "127.0.0.1:0", interrupts: "nic", window: 5 * time.Minute, interval: 15 * time.Second,
		configEvery: time.Minute, timeout: 10 * time.Second}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// serve --root exports the recording's last snapshot and the findings over
// all of it; the process collectors are there too.
func TestServeRoot(t *testing.T) {
	f := defaultServeFlags()
	f.root = fixtures.Path("recordings", "listen-overflow")
	addr := serveFor(t, f)
	code, body := httpGet(t, "http://"+addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d\n%s", code, body)
	}
	for _, want := range []string{
		`netvet_finding{id="tcp.listen_overflow",severity="critical",subject="127.0.0.1:8080"} 1`,
		`netvet_listener_queue{local="127.0.0.1:8080"} 2`,
		`netvet_netstat_total{key="TcpExt.ListenOverflows"}`,
		`netvet_window_snapshots 6`,
		"process_resident_memory_bytes",
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %q", want)
		}
	}
	if code, body := httpGet(t, "http://"+addr+"/"); code != http.StatusOK || !strings.Contains(body, "recording "+f.root) {
		t.Errorf("/: %d\n%s", code, body)
	}
	if code, _ := httpGet(t, "http://"+addr+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d", code)
	}
}

// The live host: the first scrape has the host's counters at once; the
// findings appear after the sampler's second snapshot.
func TestServeLive(t *testing.T) {
	f := defaultServeFlags()
	f.interval, f.window = 200*time.Millisecond, 2*time.Second
	f.foldCPUs = true
	addr := serveFor(t, f)
	_, body := httpGet(t, "http://"+addr+"/metrics")
	if !regexp.MustCompile(`(?m)^netvet_softnet_processed_total \d`).MatchString(body) {
		t.Errorf("folded softnet series missing:\n%s", grepLines(body, "netvet_softnet"))
	}
	if regexp.MustCompile(`netvet_softnet_processed_total\{cpu=`).MatchString(body) {
		t.Error("--fold-cpus still exports per-CPU softnet series")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(body, "netvet_window_snapshots") {
		if time.Now().After(deadline) {
			t.Fatal("no analysis after 10 s of 200 ms samples")
		}
		time.Sleep(100 * time.Millisecond)
		_, body = httpGet(t, "http://"+addr+"/metrics")
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestServeFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--interrupts", "some"}, "--interrupts"},
		{[]string{"--ethtool-stats", "rx_("}, "--ethtool-stats"},
		{[]string{"--interval", "10m", "--window", "5m"}, "--interval"},
		{[]string{"--bandwidth", "fast"}, "--bandwidth"},
		{[]string{"--listen", "127.0.0.1:99999"}, "--listen"},
		{[]string{"--root", "/nonexistent/netvet"}, "open root"},
	}
	for _, tc := range tests {
		code, _, stderr := runCLI(t, append([]string{"serve"}, tc.args...)...)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("serve %v: exit %d, stderr %q; want an error naming %s", tc.args, code, stderr, tc.want)
		}
	}
}

// netvet rules prints the reviewed rule file (fixtures/golden/rules); the
// version in its header is normalised.
func TestRulesGolden(t *testing.T) {
	code, stdout, stderr := runCLI(t, "rules")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var f export.RuleFile
	if err := yaml.Unmarshal([]byte(stdout), &f); err != nil || len(f.Groups) != 1 || len(f.Groups[0].Rules) == 0 {
		t.Fatalf("not a rule file (%v):\n%s", err, stdout)
	}
	got := strings.Replace(stdout, "(netvet "+version+")", "(netvet VERSION)", 1)
	golden := fixtures.Path("golden", "rules", "netvet.rules.yml")
	if *updateGolden {
		if err := os.MkdirAll(fixtures.Path("golden", "rules"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/netvet -run Golden -update, then review)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("netvet rules differs from %s (-want +got):\n%s", golden, d)
	}
}

func TestRulesFlags(t *testing.T) {
	code, stdout, _ := runCLI(t, "rules", "--window", "10m", "--step", "2m")
	if code != 0 || !strings.Contains(stdout, "increase(netvet_softnet_dropped_total[10m])") || !strings.Contains(stdout, "[8m:2m]") {
		t.Errorf("--window 10m --step 2m: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := runCLI(t, "rules", "--window", "1m", "--step", "1m"); code == 0 || !strings.Contains(stderr, "2×step ≤ window") {
		t.Errorf("step as long as the window: exit %d %q", code, stderr)
	}
}

// The defaults of serve and rules agree: the rules' window is the
// analyzer's.
func TestServeAndRulesShareTheWindow(t *testing.T) {
	serveWindow := newServeCmd().Flags().Lookup("window").DefValue
	rulesWindow := newRulesCmd().Flags().Lookup("window").DefValue
	if serveWindow != rulesWindow || export.DefaultRuleOptions().Window.String() != rulesWindow {
		t.Errorf("serve --window %s, rules --window %s", serveWindow, rulesWindow)
	}
}
