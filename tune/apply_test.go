package tune

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/safchain/ethtool"

	"github.com/netvet/netvet/analyze"
)

// The tests in this file run on a fake tree (Target.Root) and a fake
// ethtool, as any user. The same code on the real kernel, in network
// namespaces, is in netns_test.go.

const interrupts = `           CPU0       CPU1
  42:        100          0   PCI-MSI 524288-edge      eth0-TxRx-0
  44:        100          0   PCI-MSI 524289-edge      eth0-TxRx-1
 NMI:          0          0   Non-maskable interrupts
`

func fakeHost(t *testing.T) (*Target, *fakeEthtool) {
	t.Helper()
	root := tree(t, map[string]string{
		"proc/sys/net/core/somaxconn":                 "4096\n",
		"proc/sys/net/ipv4/ip_local_port_range":       "32768\t60999\n",
		"proc/sys/net/ipv4/tcp_syncookies":            "1\n",
		"proc/sys/kernel/hostname":                    "web1\n",
		"proc/sys/kernel/random/boot_id":              "b00t\n",
		"proc/interrupts":                             interrupts,
		"proc/irq/42/smp_affinity_list":               "0-1\n",
		"proc/irq/44/smp_affinity_list":               "0-1\n",
		"sys/class/net/eth0/queues/rx-0/rps_cpus":     "00000000\n",
		"sys/class/net/eth0/queues/rx-0/rps_flow_cnt": "0\n",
		"sys/class/net/eth0/tx_queue_len":             "1000\n",
	})
	e := &fakeEthtool{devs: map[string]*fakeNIC{"eth0": {
		ring:     ethtool.Ring{RxPending: 512, RxMaxPending: 4096, TxPending: 512, TxMaxPending: 4096},
		channels: ethtool.Channels{CombinedCount: 2, MaxCombined: 8},
		features: map[string]bool{"rx-gro": true, "tx-tcp-segmentation": true, "tx-tcp-mangleid-segmentation": true, "rx-ntuple-filter": false},
		fixed:    map[string]bool{"rx-ntuple-filter": true},
		follows:  map[string][]string{"tx-tcp-segmentation": {"tx-tcp-mangleid-segmentation"}},
	}}}
	return &Target{Root: root, Ethtool: e}, e
}

func steps(cs ...analyze.Change) []Step {
	out := make([]Step, len(cs))
	for i, c := range cs {
		out[i] = Step{N: i + 1, Finding: "test.finding", Change: c}
	}
	return out
}

var (
	somaxconn = sysctl("net.core.somaxconn", "8192")
	portRange = sysctl("net.ipv4.ip_local_port_range", "1024 65535")
	cookies   = sysctl("net.ipv4.tcp_syncookies", "1")
	rpsCPUs   = analyze.Change{Kind: analyze.ChangeSysfs, Device: "eth0", Target: "queues/rx-0/rps_cpus", Value: "2"}
	flowCnt   = analyze.Change{Kind: analyze.ChangeSysfs, Device: "eth0", Target: "queues/rx-0/rps_flow_cnt", Value: "4096"}
	txqlen    = analyze.Change{Kind: analyze.ChangeTxQueueLen, Device: "eth0", Value: "2000"}
	irq0      = analyze.Change{Kind: analyze.ChangeIRQAffinity, IRQ: 42, Vector: "eth0-TxRx-0", Value: "0"}
	irq1      = analyze.Change{Kind: analyze.ChangeIRQAffinity, IRQ: 43, Vector: "eth0-TxRx-1", Value: "1"}
	rxRing    = analyze.Change{Kind: analyze.ChangeRing, Device: "eth0", Target: "rx", Value: "4096"}
	combined  = analyze.Change{Kind: analyze.ChangeChannels, Device: "eth0", Target: "combined", Value: "4"}
	tsoOff    = analyze.Change{Kind: analyze.ChangeFeature, Device: "eth0", Target: "tx-tcp-segmentation", Value: "off"}
)

// files are the fake tree's settings, by path.
var files = []string{
	"proc/sys/net/core/somaxconn", "proc/sys/net/ipv4/ip_local_port_range", "proc/sys/net/ipv4/tcp_syncookies",
	"proc/irq/42/smp_affinity_list", "proc/irq/44/smp_affinity_list",
	"sys/class/net/eth0/queues/rx-0/rps_cpus", "sys/class/net/eth0/queues/rx-0/rps_flow_cnt", "sys/class/net/eth0/tx_queue_len",
}

func state(t *testing.T, tg *Target, e *fakeEthtool) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range files {
		out[f] = read(t, tg.Root, f)
	}
	d := e.devs["eth0"]
	out["ring"] = fmtRing(d.ring)
	out["channels"] = fmtChannels(d.channels)
	for k, v := range d.features {
		out["feature "+k] = onOff(v)
	}
	return out
}

func fmtRing(r ethtool.Ring) string         { return fmt.Sprintf("%d/%d", r.RxPending, r.TxPending) }
func fmtChannels(c ethtool.Channels) string { return fmt.Sprint(c.CombinedCount) }

func TestPrepareReadsWithoutChanging(t *testing.T) {
	tg, e := fakeHost(t)
	before := state(t, tg, e)
	acts, err := Prepare(context.Background(), tg, steps(somaxconn, cookies, portRange, rpsCPUs, irq1, rxRing, tsoOff))
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Previous  string
		Unchanged bool
		IRQ       int
	}
	var gots []got
	for _, a := range acts {
		gots = append(gots, got{a.Previous, a.Unchanged, a.Change.IRQ})
	}
	want := []got{
		{"4096", false, 0},
		{"1", true, 0}, // already on
		{"32768\t60999", false, 0},
		{"00000000", false, 0},
		{"0-1", false, 44}, // eth0-TxRx-1 is IRQ 44 now, not 43
		{"512", false, 0},
		{"on", false, 0},
	}
	if d := cmp.Diff(want, gots); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
	if acts[6].Features["tx-tcp-mangleid-segmentation"] != true || len(acts[6].Features) != 4 {
		t.Errorf("a feature change keeps the device's features: %v", acts[6].Features)
	}
	if d := cmp.Diff(before, state(t, tg, e)); d != "" || e.sets != 0 {
		t.Errorf("Prepare changed something (%d ethtool sets):\n%s", e.sets, d)
	}
}

func TestPrepareRefuses(t *testing.T) {
	tests := []struct {
		name string
		c    analyze.Change
		want string
	}{
		{"a sysctl that does not exist", sysctl("net.core.no_such_thing", "1"), "step 2 (net.core.no_such_thing = 1, for test.finding) of 2: open"},
		{"a vector that is gone", analyze.Change{Kind: analyze.ChangeIRQAffinity, IRQ: 50, Vector: "eth9-TxRx-0", Value: "1"}, "no IRQ is named eth9-TxRx-0"},
		{"a device that is gone", analyze.Change{Kind: analyze.ChangeRing, Device: "eth9", Target: "rx", Value: "1024"}, "eth9: read ring sizes: no such device"},
		{"a feature the device lacks", analyze.Change{Kind: analyze.ChangeFeature, Device: "eth0", Target: "rx-lro", Value: "on"}, `eth0 has no feature "rx-lro"`},
		{"an invalid change", analyze.Change{Kind: analyze.ChangeSysfs, Device: "eth0", Target: "../../../../etc/passwd", Value: "1"}, "not rps_cpus"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg, _ := fakeHost(t)
			_, err := Prepare(context.Background(), tg, steps(somaxconn, tc.c))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasSuffix(err.Error(), "nothing was changed") {
				t.Errorf("error %v, want one with %q ending in \"nothing was changed\"", err, tc.want)
			}
		})
	}
}

// A previous value that could not be written back (so not rolled back)
// stops apply before it starts.
func TestPrepareRefusesUnrestorablePrevious(t *testing.T) {
	tg, _ := fakeHost(t)
	p := filepath.Join(tg.Root, "proc/sys/net/core/somaxconn")
	if err := os.WriteFile(p, []byte("4096 $(reboot)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Prepare(context.Background(), tg, steps(somaxconn))
	if err == nil || !strings.Contains(err.Error(), "cannot be written back") {
		t.Errorf("error %v", err)
	}
}

func TestApplyAndRestore(t *testing.T) {
	tg, e := fakeHost(t)
	before := state(t, tg, e)
	rb := filepath.Join(t.TempDir(), "state", "rollback.json")
	// The rollback file must exist, complete, before the first change.
	e.before = func() {
		if e.sets == 1 {
			r, err := LoadRollback(rb)
			if err != nil {
				t.Errorf("at the first change: %v", err)
				return
			}
			if len(r.Steps) != 10 {
				t.Errorf("at the first change the rollback file holds %d steps, want 10", len(r.Steps))
			}
		}
	}
	all := steps(rxRing, combined, tsoOff, somaxconn, cookies, portRange, rpsCPUs, flowCnt, txqlen, irq0, irq1)
	acts, err := Prepare(context.Background(), tg, all)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(context.Background(), tg, acts, rb)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Applied) != 10 || len(res.Unchanged) != 1 || res.RollbackFile != rb {
		t.Errorf("applied %d, unchanged %d, file %q", len(res.Applied), len(res.Unchanged), res.RollbackFile)
	}
	after := state(t, tg, e)
	wantAfter := map[string]string{
		"proc/sys/net/core/somaxconn":                 "8192\n",
		"proc/sys/net/ipv4/ip_local_port_range":       "1024 65535\n",
		"proc/sys/net/ipv4/tcp_syncookies":            "1\n",
		"proc/irq/42/smp_affinity_list":               "0\n",
		"proc/irq/44/smp_affinity_list":               "1\n",
		"sys/class/net/eth0/queues/rx-0/rps_cpus":     "2\n",
		"sys/class/net/eth0/queues/rx-0/rps_flow_cnt": "4096\n",
		"sys/class/net/eth0/tx_queue_len":             "2000\n",
		"ring":                                        "4096/512",
		"channels":                                    "4",
		"feature rx-gro":                              "on",
		"feature tx-tcp-segmentation":                 "off",
		"feature tx-tcp-mangleid-segmentation":        "off", // followed TSO off
		"feature rx-ntuple-filter":                    "off",
	}
	if d := cmp.Diff(wantAfter, after); d != "" {
		t.Errorf("after apply (-want +got):\n%s", d)
	}
	st, err := os.Stat(rb)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("rollback file: %v, mode %v", err, st.Mode())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(rb), ".netvet-rollback-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	r, err := LoadRollback(rb)
	if err != nil {
		t.Fatal(err)
	}
	done, err := Restore(context.Background(), tg, r)
	if err != nil || len(done) != 10 {
		t.Fatalf("restored %d: %v", len(done), err)
	}
	if d := cmp.Diff(before, state(t, tg, e)); d != "" {
		t.Errorf("after rollback (-before +now):\n%s", d)
	}
	// A second restore finds everything in place and writes nothing.
	sets := e.sets
	if _, err := Restore(context.Background(), tg, r); err != nil || e.sets != sets {
		t.Errorf("second restore: %v, %d ethtool sets", err, e.sets-sets)
	}
}

func TestApplyNothingToDo(t *testing.T) {
	tg, e := fakeHost(t)
	rb := filepath.Join(t.TempDir(), "rollback.json")
	acts, err := Prepare(context.Background(), tg, steps(cookies))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(context.Background(), tg, acts, rb)
	if err != nil || len(res.Applied) != 0 || res.RollbackFile != "" || e.sets != 0 {
		t.Errorf("res %+v, err %v", res, err)
	}
	if _, err := os.Stat(rb); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a rollback file for nothing: %v", err)
	}
}

// A step that fails leaves everything as it was, and the error says which.
func TestApplyFailureRollsBack(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(*fakeEthtool)
		steps  []analyze.Change
		want   string
	}{
		{"the driver refuses", func(e *fakeEthtool) { e.devs["eth0"].noRing = true }, []analyze.Change{somaxconn, tsoOff, portRange, rxRing},
			"step 4 (eth0 rx ring = 4096, for test.finding) failed: eth0: read ring sizes: operation not supported; the 3 step(s) applied before it were rolled back, nothing is changed"},
		{"the driver does not take it", func(e *fakeEthtool) { e.devs["eth0"].stubborn = true }, []analyze.Change{somaxconn, rxRing, cookies},
			`step 2 (eth0 rx ring = 4096, for test.finding) failed: wrote "4096" but it reads "512": the kernel did not take it; the 1 step(s) applied before it were rolled back, nothing is changed`},
		{"a fixed feature", func(*fakeEthtool) {}, []analyze.Change{portRange, {Kind: analyze.ChangeFeature, Device: "eth0", Target: "rx-ntuple-filter", Value: "on"}},
			`step 2 (eth0 rx-ntuple-filter = on, for test.finding) failed: wrote "on" but it reads "off"`},
		{"the first step", func(e *fakeEthtool) { e.devs["eth0"].stubborn = true }, []analyze.Change{rxRing, somaxconn},
			"nothing was changed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg, e := fakeHost(t)
			before := state(t, tg, e)
			acts, err := Prepare(context.Background(), tg, steps(tc.steps...))
			if err != nil {
				t.Fatal(err)
			}
			tc.break_(e)
			rb := filepath.Join(t.TempDir(), "rollback.json")
			_, err = Apply(context.Background(), tg, acts, rb)
			var se *StepError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want a StepError with %q", err, tc.want)
			}
			if d := cmp.Diff(before, state(t, tg, e)); d != "" {
				t.Errorf("left changed (-before +now):\n%s", d)
			}
		})
	}
}
