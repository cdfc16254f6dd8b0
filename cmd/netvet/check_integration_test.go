package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/internal/netns"
	"github.com/netvet/netvet/internal/scenario"
)

// The tests in this file make a problem happen on the real kernel, in
// network namespaces they create, and run the built netvet binary on it
// live, as an operator would. They need root.

// buildNetvet returns the netvet binary built once for this test binary
// (TestMain in main_test.go removes it).
func buildNetvet(t *testing.T) string {
	t.Helper()
	if why := netns.Available(); why != "" {
		t.Skip(why)
	}
	return netvetBinary(t)
}

// netvetBinary builds the binary once, for tests that need no namespaces.
func netvetBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "netvet-test-bin")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		bin := filepath.Join(dir, "netvet")
		out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.path = bin
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// built is the binary shared by the integration tests of this package.
var built struct {
	once      sync.Once
	dir, path string
	err       error
}

// liveCheck runs `netvet check --format json` (inside ns when not nil) and
// decodes the result.
func liveCheck(t *testing.T, bin string, ns *netns.NS, args ...string) (int, checkJSON) {
	t.Helper()
	args = append([]string{"check", "--format", "json", "--duration", "3s", "--interval", "1s"}, args...)
	code, stdout, stderr, err := scenario.Netvet(bin, ns, args...)
	if err != nil {
		t.Fatal(err)
	}
	var out checkJSON
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("check output is not JSON (exit %d): %v\n%s\n%s", code, err, stdout, stderr)
	}
	if out.Schema != "netvet.check/v1" {
		t.Errorf("schema = %q", out.Schema)
	}
	return code, out
}

func findingOf(out checkJSON, id, subject string) (analyze.Finding, bool) {
	for _, f := range out.Findings {
		if f.ID == id && (subject == "" || f.Subject == subject) {
			return f, true
		}
	}
	return analyze.Finding{}, false
}

func dump(out checkJSON) string {
	var b strings.Builder
	for _, f := range out.Findings {
		fmt.Fprintf(&b, "  %s %s %s: %s\n", f.Severity, f.ID, f.Subject, f.Summary)
	}
	return b.String()
}

func TestCheckLiveListenOverflow(t *testing.T) {
	bin := buildNetvet(t)
	sc := scenarioNamed(t, "listen-overflow")
	err := sc.Run(func(ns *netns.NS) error {
		code, out := liveCheck(t, bin, ns)
		f, ok := findingOf(out, "tcp.listen_overflow", "")
		if !ok || f.Severity != analyze.Critical {
			t.Errorf("want tcp.listen_overflow critical, got:\n%s", dump(out))
		}
		if _, ok := findingOf(out, "tcp.listen_queue_full", "127.0.0.1:8080"); !ok {
			t.Errorf("want tcp.listen_queue_full for 127.0.0.1:8080, got:\n%s", dump(out))
		}
		if code != 2 {
			t.Errorf("exit code %d, want 2 (critical)", code)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheckLiveSoftnetDrops(t *testing.T) {
	bin := buildNetvet(t)
	err := scenarioNamed(t, "softnet-drops").Run(func(ns *netns.NS) error {
		_, out := liveCheck(t, bin, ns, "--only", "softnet.drops")
		var crit bool
		for _, f := range out.Findings {
			crit = crit || f.ID == "softnet.drops" && f.Severity == analyze.Critical
		}
		if !crit {
			t.Errorf("want softnet.drops critical, got:\n%s", dump(out))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCheckLiveRFSRecommended puts one end of a 4-queue veth in the host
// namespace (net.core.rps_sock_flow_entries exists only there), turns RPS on
// for its queues and expects rfs.recommended: entries is 0 by default, and
// when the host has RFS on, the queue's rps_flow_cnt stays 0.
func TestCheckLiveRFSRecommended(t *testing.T) {
	bin := buildNetvet(t)
	peer, err := netns.New("nvrf")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	name := netns.UniqueName("nvr")
	if err := netns.IP("link", "add", name, "numtxqueues", "4", "numrxqueues", "4", "type", "veth",
		"peer", "name", "p"+name, "numtxqueues", "4", "numrxqueues", "4", "netns", peer.Name); err != nil {
		t.Fatal(err)
	}
	defer netns.IP("link", "del", name)
	for q := 0; q < 4; q++ {
		if err := os.WriteFile(fmt.Sprintf("/sys/class/net/%s/queues/rx-%d/rps_cpus", name, q), []byte("1"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, out := liveCheck(t, bin, nil, "--duration", "0s", "--only", "rfs.recommended")
	f, ok := findingOf(out, "rfs.recommended", "")
	if !ok || !strings.Contains(f.Summary, name) && !strings.Contains(f.Subject, name) {
		t.Errorf("want rfs.recommended naming %s, got:\n%s", name, dump(out))
	}
}

func TestCheckLiveSyncookiesOff(t *testing.T) {
	bin := buildNetvet(t)
	ns, err := netns.New("nvsc")
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if err := ns.Sysctl("net.ipv4.tcp_syncookies", "0"); err != nil {
		t.Fatal(err)
	}
	_, out := liveCheck(t, bin, ns, "--duration", "0s")
	if _, ok := findingOf(out, "tcp.syncookies_off", "host"); !ok {
		t.Errorf("want tcp.syncookies_off, got:\n%s", dump(out))
	}
}

func TestCheckLiveEphemeralPorts(t *testing.T) {
	bin := buildNetvet(t)
	ns, err := netns.New("nvep")
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if err := ns.Sysctl("net.ipv4.ip_local_port_range", "40000 40099"); err != nil {
		t.Fatal(err)
	}
	dst := netip.MustParseAddrPort("127.0.0.1:5432")
	srv, err := scenario.Accepting(ns, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	if err := scenario.TimeWait(ns, dst, 80); err != nil {
		t.Fatal(err)
	}
	_, out := liveCheck(t, bin, ns, "--duration", "0s")
	f, ok := findingOf(out, "tcp.ephemeral_ports", dst.String())
	if !ok {
		t.Fatalf("want tcp.ephemeral_ports for %s, got:\n%s", dst, dump(out))
	}
	if !strings.Contains(strings.Join(f.Recommendations[0].Commands, "\n"), "ip_local_port_range") {
		t.Errorf("want a command widening ip_local_port_range, got %+v", f.Recommendations[0])
	}
}

// TestCheckLiveIdleNamespaceIsQuiet is the control: a namespace with
// nothing in it reports nothing above info. It holds the host lock so no
// flood of another test runs meanwhile (softnet_stat is host-wide).
func TestCheckLiveIdleNamespaceIsQuiet(t *testing.T) {
	bin := buildNetvet(t)
	unlock, err := netns.HostLock()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ns, err := netns.New("nvid")
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	code, out := liveCheck(t, bin, ns)
	for _, f := range out.Findings {
		if f.Severity > analyze.Info {
			t.Errorf("idle namespace: %s %s %s: %s", f.Severity, f.ID, f.Subject, f.Summary)
		}
	}
	if code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if out.Window.Snapshots != 4 || out.Window.Seconds < 2.5 {
		t.Errorf("window = %+v, want 4 snapshots over ~3 s", out.Window)
	}
}

func scenarioNamed(t *testing.T, name string) scenario.Scenario {
	t.Helper()
	for _, s := range scenario.Scenarios() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no scenario %q", name)
	return scenario.Scenario{}
}
