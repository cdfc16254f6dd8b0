package tune

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/internal/netns"
)

// The tests in this file apply and roll back on the real kernel, inside
// network namespaces they create (a namespace's sysctls, a veth's queues
// and features), so they need root. The host's own settings are never
// touched: every read and write happens on a thread that joined the test's
// namespace, with that namespace's sysfs mounted on /sys for that thread
// only.

// world is a fresh namespace with a 2-queue veth pair inside it.
type world struct {
	ns        *netns.NS
	dev, peer string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	if why := netns.Available(); why != "" {
		t.Skip(why)
	}
	ns, err := netns.New("nvtu")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	w := &world{ns: ns, dev: "vtu0", peer: "vtu1"}
	if err := netns.Veth(ns, w.dev, "", nil, w.peer, "", 2); err != nil {
		t.Fatal(err)
	}
	return w
}

// in runs fn on a thread inside the world's namespace with its sysfs on
// /sys (what `ip netns exec` does, for one thread: the mount namespace
// dies with it).
func (w *world) in(t *testing.T, fn func() error) {
	t.Helper()
	err := w.ns.Do(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			return fmt.Errorf("unshare mount namespace: %w", err)
		}
		if err := unix.Mount("", "/", "", unix.MS_SLAVE|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("make / a slave mount: %w", err)
		}
		if err := unix.Unmount("/sys", unix.MNT_DETACH); err != nil {
			return fmt.Errorf("unmount /sys: %w", err)
		}
		if err := unix.Mount(w.ns.Name, "/sys", "sysfs", 0, ""); err != nil {
			return fmt.Errorf("mount the namespace's sysfs: %w", err)
		}
		return fn()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// settings are the files the tests change, with their bytes.
func (w *world) files() []string {
	q := "/sys/class/net/" + w.dev + "/queues/"
	return []string{
		"/proc/sys/net/core/somaxconn", "/proc/sys/net/ipv4/tcp_max_syn_backlog",
		"/proc/sys/net/ipv4/tcp_syncookies", "/proc/sys/net/ipv4/ip_local_port_range",
		q + "rx-0/rps_cpus", q + "rx-0/rps_flow_cnt", q + "rx-1/rps_cpus", q + "rx-1/rps_flow_cnt",
		"/sys/class/net/" + w.dev + "/tx_queue_len",
	}
}

// state reads every setting the tests change, byte for byte, and the
// veth's channels and features through ethtool (must run inside w.in).
// A queue's files are left out while the queue does not exist (rx-1 with
// one rx channel).
func (w *world) state() (map[string]string, error) {
	out := map[string]string{}
	for _, f := range w.files() {
		b, err := os.ReadFile(f)
		if errors.Is(err, os.ErrNotExist) && strings.Contains(f, "/rx-1/") {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[f] = string(b)
	}
	t := &Target{}
	defer t.Close()
	for _, c := range []analyze.Change{
		{Kind: analyze.ChangeChannels, Device: w.dev, Target: "rx"},
		{Kind: analyze.ChangeFeature, Device: w.dev, Target: "rx-gro"},
		{Kind: analyze.ChangeFeature, Device: w.dev, Target: "tx-tcp-segmentation"},
	} {
		v, err := t.Read(c)
		if err != nil {
			return nil, err
		}
		out[string(c.Kind)+" "+c.Target] = v
	}
	return out, nil
}

// changes is a plan's worth of changes for the world: the per-namespace
// sysctls and the veth's queue settings, features and channels.
func (w *world) changes(somaxconn string) []analyze.Change {
	dev := func(kind analyze.ChangeKind, target, v string) analyze.Change {
		return analyze.Change{Kind: kind, Device: w.dev, Target: target, Value: v}
	}
	return []analyze.Change{
		dev(analyze.ChangeChannels, "rx", "1"),
		dev(analyze.ChangeFeature, "rx-gro", "on"),
		dev(analyze.ChangeFeature, "tx-tcp-segmentation", "off"),
		{Kind: analyze.ChangeTxQueueLen, Device: w.dev, Value: "2000"},
		sysctl("net.core.somaxconn", somaxconn),
		sysctl("net.ipv4.tcp_max_syn_backlog", "8192"),
		sysctl("net.ipv4.tcp_syncookies", "1"),
		sysctl("net.ipv4.ip_local_port_range", "1024 65535"),
		dev(analyze.ChangeSysfs, "queues/rx-0/rps_cpus", "3"),
		dev(analyze.ChangeSysfs, "queues/rx-0/rps_flow_cnt", "2048"),
	}
}

func TestNamespaceApplyVerifyRollback(t *testing.T) {
	w := newWorld(t)
	if err := w.ns.Sysctl("net.ipv4.tcp_syncookies", "0"); err != nil {
		t.Fatal(err)
	}
	rb := filepath.Join(t.TempDir(), "rollback.json")
	w.in(t, func() error {
		before, err := w.state()
		if err != nil {
			return err
		}
		tg := &Target{}
		defer tg.Close()
		acts, err := Prepare(context.Background(), tg, steps(w.changes("8192")...))
		if err != nil {
			return err
		}
		res, err := Apply(context.Background(), tg, acts, rb)
		if err != nil {
			return err
		}
		if len(res.Applied) != 10 {
			t.Errorf("applied %d steps, want 10", len(res.Applied))
		}
		after, err := w.state()
		if err != nil {
			return err
		}
		q := "/sys/class/net/" + w.dev + "/queues/"
		want := map[string]string{
			"/proc/sys/net/core/somaxconn": "8192\n", "/proc/sys/net/ipv4/tcp_max_syn_backlog": "8192\n",
			"/proc/sys/net/ipv4/tcp_syncookies": "1\n", "/proc/sys/net/ipv4/ip_local_port_range": "1024\t65535\n",
			q + "rx-0/rps_cpus": "3\n", q + "rx-0/rps_flow_cnt": "2048\n",
			"/sys/class/net/" + w.dev + "/tx_queue_len": "2000\n",
			"channels rx": "1", "feature rx-gro": "on", "feature tx-tcp-segmentation": "off",
		}
		for k, v := range want {
			if after[k] != v {
				t.Errorf("after apply %s = %q, want %q", k, after[k], v)
			}
		}
		if _, ok := after[q+"rx-1/rps_cpus"]; ok {
			return errors.New("rx-1 is still there with one rx channel")
		}

		r, err := LoadRollback(rb)
		if err != nil {
			return err
		}
		if _, err := Restore(context.Background(), tg, r); err != nil {
			return err
		}
		restored, err := w.state()
		if err != nil {
			return err
		}
		if d := cmp.Diff(before, restored); d != "" {
			t.Errorf("after rollback, byte for byte (-before +after):\n%s", d)
		}
		return nil
	})
}

func TestNamespaceFailureLeavesNothingChanged(t *testing.T) {
	tests := []struct {
		name string
		bad  analyze.Change
		want string
	}{
		// The kernel refuses the value: the range's low end above its high end.
		{"a value the kernel refuses", sysctl("net.ipv4.ip_local_port_range", "60000 1024"), "invalid argument; the 5 step(s) applied before it were rolled back"},
		// Host-wide sysctls are read-only inside a network namespace.
		{"a read-only sysctl", sysctl("net.core.rmem_max", "33554432"), "read-only here"},
		// veth has no ring parameters.
		{"a driver without the setting", analyze.Change{Kind: analyze.ChangeRing, Device: "vtu0", Target: "rx", Value: "1024"}, "operation not supported"},
		// Found before anything is written.
		{"a sysctl that does not exist", sysctl("net.core.no_such_setting", "1"), "no such file or directory; nothing was changed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if err := w.ns.Sysctl("net.ipv4.tcp_syncookies", "0"); err != nil {
				t.Fatal(err)
			}
			cs := w.changes("8192")
			// Channels stay (rx-1 must exist for the byte-for-byte check);
			// the bad step goes after five good ones.
			cs = append(append(cs[1:6:6], tc.bad), cs[6:]...)
			rb := filepath.Join(t.TempDir(), "rollback.json")
			w.in(t, func() error {
				before, err := w.state()
				if err != nil {
					return err
				}
				tg := &Target{}
				defer tg.Close()
				acts, err := Prepare(context.Background(), tg, steps(cs...))
				if err == nil {
					_, err = Apply(context.Background(), tg, acts, rb)
				}
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %v, want %q", err, tc.want)
				}
				now, serr := w.state()
				if serr != nil {
					return serr
				}
				if d := cmp.Diff(before, now); d != "" {
					t.Errorf("changed (-before +now):\n%s", d)
				}
				return nil
			})
		})
	}
}

// TestNamespaceScriptMatchesApply runs the plan's script with bash in one
// fresh namespace and applies the same plan in another: both end in the
// same state. The script's second run changes nothing, and --persist
// writes the files (under NETVET_PERSIST_ROOT).
func TestNamespaceScriptMatchesApply(t *testing.T) {
	bash := needBash(t)
	if _, err := exec.LookPath("ethtool"); err != nil {
		t.Skip("needs ethtool (the script's channel and feature steps use it)")
	}
	a, b := newWorld(t), newWorld(t)
	for _, w := range []*world{a, b} {
		if err := w.ns.Sysctl("net.ipv4.tcp_syncookies", "0"); err != nil {
			t.Fatal(err)
		}
	}
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	var findings []analyze.Finding
	for i, c := range a.changes("8192") {
		findings = append(findings, analyze.Finding{ID: fmt.Sprintf("test.finding%d", i), Severity: analyze.Warning, Subject: "host",
			Summary: "a setting to change", Recommendations: []analyze.Recommendation{rec("change it", c)}})
	}
	p := New(Meta{Host: host, Source: "a test"}, findings)
	dir := t.TempDir()
	planFile := filepath.Join(dir, "plan.sh")
	if err := os.WriteFile(planFile, []byte(scriptOf(t, p)), 0o644); err != nil {
		t.Fatal(err)
	}

	var applied map[string]string
	a.in(t, func() error {
		tg := &Target{}
		defer tg.Close()
		acts, err := Prepare(context.Background(), tg, p.Steps())
		if err != nil {
			return err
		}
		if _, err := Apply(context.Background(), tg, acts, filepath.Join(dir, "rollback.json")); err != nil {
			return err
		}
		applied, err = a.state()
		return err
	})

	run := func(args ...string) string {
		out, err := b.ns.Exec(bash, append([]string{planFile}, args...)...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return string(out)
	}
	out := run()
	if !strings.Contains(out, "netvet plan: 10 changed, 0 already set") {
		t.Errorf("first run:\n%s", out)
	}
	var scripted map[string]string
	b.in(t, func() error {
		var err error
		scripted, err = b.state()
		return err
	})
	if d := cmp.Diff(applied, scripted); d != "" {
		t.Errorf("the script and apply disagree (-apply +script):\n%s", d)
	}
	if out := run(); !strings.Contains(out, "netvet plan: 0 changed, 10 already set") {
		t.Errorf("second run is not idempotent:\n%s", out)
	}

	root := filepath.Join(dir, "persist")
	for range 2 { // twice: one line per setting all the same
		cmd := exec.Command("ip", "netns", "exec", b.ns.Name, bash, planFile, "--persist")
		cmd.Env = append(os.Environ(), "NETVET_PERSIST_ROOT="+root)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("--persist: %v\n%s", err, out)
		}
	}
	ethtoolBin, _ := exec.LookPath("ethtool")
	wantFiles := map[string]string{
		analyze.SysctlFile: "net.core.somaxconn = 8192\nnet.ipv4.tcp_max_syn_backlog = 8192\nnet.ipv4.tcp_syncookies = 1\nnet.ipv4.ip_local_port_range = 1024 65535\n",
		analyze.UdevFile: strings.ReplaceAll(`ACTION=="add", SUBSYSTEM=="net", KERNEL=="vtu0", RUN+="ETHTOOL -L %k rx 1"
ACTION=="add", SUBSYSTEM=="net", KERNEL=="vtu0", RUN+="ETHTOOL -K %k rx-gro on"
ACTION=="add", SUBSYSTEM=="net", KERNEL=="vtu0", RUN+="ETHTOOL -K %k tx-tcp-segmentation off"
ACTION=="add", SUBSYSTEM=="net", KERNEL=="vtu0", ATTR{tx_queue_len}="2000"
ACTION=="add", SUBSYSTEM=="net", KERNEL=="vtu0", ATTR{queues/rx-0/rps_cpus}="3"
ACTION=="add", SUBSYSTEM=="net", KERNEL=="vtu0", ATTR{queues/rx-0/rps_flow_cnt}="2048"
`, "ETHTOOL", ethtoolBin),
	}
	for name, want := range wantFiles {
		got, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, string(got)); d != "" {
			t.Errorf("%s (-want +got):\n%s", name, d)
		}
	}
}
