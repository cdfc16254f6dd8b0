package main

import (
	"encoding/json"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/internal/netns"
	"github.com/netvet/netvet/internal/scenario"
	"github.com/netvet/netvet/tune"
)

// The tests in this file make problems happen in network namespaces they
// create, run the built netvet plan and netvet apply inside them (ip netns
// exec, as an operator would), and compare the namespaces' settings. They
// need root; the host's own settings are never written.

// tunedSysctls are the per-namespace settings the live scenario changes.
var tunedSysctls = []string{
	"net.core.somaxconn", "net.ipv4.tcp_syncookies", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_tw_reuse",
}

// problemNS makes a namespace with SYN cookies off, a narrow local port
// range, and listen overflows counted: what tcp.syncookies_off,
// tcp.ephemeral_ports (with tcp_tw_reuse) and tcp.listen_overflow (with
// somaxconn) find. With live false only the settings are made, for a twin
// that runs the script.
func problemNS(t *testing.T, prefix string, live bool) *netns.NS {
	t.Helper()
	ns, err := netns.New(prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	for name, v := range map[string]string{"net.ipv4.tcp_syncookies": "0", "net.ipv4.ip_local_port_range": "40000 40099"} {
		if err := ns.Sysctl(name, v); err != nil {
			t.Fatal(err)
		}
	}
	if !live {
		return ns
	}
	dst := netip.MustParseAddrPort("127.0.0.1:5432")
	srv, err := scenario.Accepting(ns, dst)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	if err := scenario.TimeWait(ns, dst, 80); err != nil {
		t.Fatal(err)
	}
	// Overflow a listener, then close it: the counters stay, and with no
	// listener at its limit the advice is the host-wide somaxconn.
	load, err := scenario.ListenOverflow(ns, netip.MustParseAddrPort("127.0.0.1:8080"), 1, 20*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := load.Stop(); err != nil {
		t.Fatal(err)
	}
	return ns
}

// sysctls reads the namespace's values of names, byte for byte.
func sysctls(t *testing.T, ns *netns.NS, names []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range names {
		b, err := ns.Exec("cat", "/proc/sys/"+strings.ReplaceAll(n, ".", "/"))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

func netvetIn(t *testing.T, bin string, ns *netns.NS, args ...string) (int, string, string) {
	t.Helper()
	code, stdout, stderr, err := scenario.Netvet(bin, ns, args...)
	if err != nil {
		t.Fatal(err)
	}
	return code, stdout, stderr
}

var undoLine = regexp.MustCompile(`To undo: netvet apply --rollback (\S+)`)

// TestPlanApplyRollbackLive: in a namespace with real problems, netvet plan
// proposes the changes; the script run with bash in a fresh twin namespace
// and netvet apply in the first reach the same state; the rollback file
// puts the first back byte for byte.
func TestPlanApplyRollbackLive(t *testing.T) {
	bin := buildNetvet(t)
	a := problemNS(t, "nvpa", true)
	b := problemNS(t, "nvpb", false)
	dir := t.TempDir()

	code, planJSON, stderr := netvetIn(t, bin, a, "plan", "--duration", "0", "--format", "json")
	if code != 0 {
		t.Fatalf("plan exit %d: %s", code, stderr)
	}
	var p tune.Plan
	if err := json.Unmarshal([]byte(planJSON), &p); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range p.Steps() {
		if s.Change.Kind == analyze.ChangeSysctl {
			got[s.Change.Target] = s.Change.Value
		}
	}
	want := map[string]string{
		"net.core.somaxconn": "8192", "net.ipv4.tcp_syncookies": "1",
		"net.ipv4.ip_local_port_range": "1024 65535", "net.ipv4.tcp_tw_reuse": "1",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("planned sysctls (-want +got):\n%s\n%s", d, planJSON)
	}
	planFile := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(planFile, []byte(planJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	code, script, stderr := netvetIn(t, bin, a, "plan", "--duration", "0")
	if code != 0 {
		t.Fatalf("plan exit %d: %s", code, stderr)
	}
	scriptFile := filepath.Join(dir, "plan.sh")
	if err := os.WriteFile(scriptFile, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}

	before := sysctls(t, a, tunedSysctls)
	code, stdout, stderr := netvetIn(t, bin, a, "apply", "--plan", planFile, "--yes", "--state-dir", filepath.Join(dir, "state"))
	if code != 0 {
		t.Fatalf("apply exit %d: %s\n%s", code, stdout, stderr)
	}
	applied := sysctls(t, a, tunedSysctls)
	for name, v := range want {
		if strings.Join(strings.Fields(applied[name]), " ") != v {
			t.Errorf("after apply %s = %q, want %q", name, applied[name], v)
		}
	}

	out, err := b.Exec("bash", scriptFile)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if d := cmp.Diff(applied, sysctls(t, b, tunedSysctls)); d != "" {
		t.Errorf("the script and apply disagree (-apply +script):\n%s", d)
	}

	// Applying again finds nothing to change and writes no rollback file.
	code, again, _ := netvetIn(t, bin, a, "apply", "--plan", planFile, "--yes", "--state-dir", filepath.Join(dir, "state2"))
	if code != 0 || !strings.Contains(again, "nothing to change: every setting already has its value") {
		t.Errorf("second apply (exit %d):\n%s", code, again)
	}
	if _, err := os.Stat(filepath.Join(dir, "state2")); !os.IsNotExist(err) {
		t.Errorf("a rollback folder for nothing: %v", err)
	}

	m := undoLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("apply did not say how to undo:\n%s", stdout)
	}
	code, stdout, stderr = netvetIn(t, bin, a, "apply", "--rollback", m[1])
	if code != 0 {
		t.Fatalf("rollback exit %d: %s\n%s", code, stdout, stderr)
	}
	if d := cmp.Diff(before, sysctls(t, a, tunedSysctls)); d != "" {
		t.Errorf("after rollback, byte for byte (-before +after):\n%s", d)
	}
	// The same file in another namespace is refused: its values belong to a.
	code, _, stderr = netvetIn(t, bin, b, "apply", "--rollback", m[1])
	if code != 1 || !strings.Contains(stderr, "written in network namespace") {
		t.Errorf("rollback in another namespace: exit %d, %s", code, stderr)
	}
}

// TestApplyLiveAsks: without --yes and without a terminal apply refuses
// and changes nothing; with --yes it samples, applies and verifies.
func TestApplyLiveAsks(t *testing.T) {
	bin := buildNetvet(t)
	ns := problemNS(t, "nvpq", false)
	args := []string{"apply", "--duration", "0", "--only", "tcp.syncookies_off", "--state-dir", t.TempDir()}
	code, stdout, stderr := netvetIn(t, bin, ns, args...)
	if code != 1 || !strings.Contains(stderr, "stdin is not a terminal") || !strings.Contains(stdout, "net.ipv4.tcp_syncookies") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if v := sysctls(t, ns, []string{"net.ipv4.tcp_syncookies"})["net.ipv4.tcp_syncookies"]; v != "0\n" {
		t.Errorf("tcp_syncookies = %q after a refused apply", v)
	}
	code, stdout, stderr = netvetIn(t, bin, ns, append(args, "--yes")...)
	if code != 0 || !strings.Contains(stdout, "changed  net.ipv4.tcp_syncookies: 0 -> 1") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if v := sysctls(t, ns, []string{"net.ipv4.tcp_syncookies"})["net.ipv4.tcp_syncookies"]; v != "1\n" {
		t.Errorf("tcp_syncookies = %q after apply --yes", v)
	}
}

// TestApplyNotRoot: another user is refused before anything is read or
// written, with what needs root named. It runs as nobody, so it cannot
// change anything whatever happens.
func TestApplyNotRoot(t *testing.T) {
	bin := buildNetvet(t)
	dir, err := os.MkdirTemp("", "netvet-nobody")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	host, _ := os.Hostname()
	plan := `{"schema":"netvet.plan/v1","host":"` + host + `","source":"x","blocks":[{"finding":"tcp.syncookies_off","severity":"warning","subject":"host","summary":"t",
"changes":[{"kind":"sysctl","target":"net.ipv4.tcp_syncookies","value":"1"},{"kind":"ring","device":"eth0","target":"rx","value":"4096"}]}]}`
	for name, data := range map[string]string{"plan.json": plan} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	nb := filepath.Join(dir, "netvet")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(nb, data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nb, "apply", "--plan", filepath.Join(dir, "plan.json"), "--yes")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	want := "netvet: apply needs root: the plan writes /proc/sys/net/ipv4/tcp_syncookies (a sysctl) and eth0's rx ring (an ethtool ioctl, CAP_NET_ADMIN); nothing was changed"
	if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), want) {
		t.Errorf("as nobody: %v\n%s\nwant %q", err, out, want)
	}
}
