package tune

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/fixtures"
)

var update = flag.Bool("update", false, "rewrite the golden files (review the diff before committing)")

func needBash(t *testing.T) string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("needs bash")
	}
	return bash
}

func scriptOf(t *testing.T, p *Plan) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteScript(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// bashCheck fails when bash cannot parse the script.
func bashCheck(t *testing.T, text string) {
	t.Helper()
	cmd := exec.Command(needBash(t), "-n")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
}

// TestScriptGoldens compares the scripts of two fixtures with reviewed
// golden files (fixtures/golden/plan/*.sh); -update rewrites them.
func TestScriptGoldens(t *testing.T) {
	for _, rel := range []string{"recordings/softnet-drops", "realworld/ethtool-g-small-rx-ring", "realworld/rss-ladder-2xI350.i5-6400"} {
		t.Run(rel, func(t *testing.T) {
			res, last := analyzeFixture(t, rel)
			got := scriptOf(t, New(MetaOf(last, "recording "+rel), res.Findings))
			bashCheck(t, got)
			golden := fixtures.Path("golden", "plan", strings.ReplaceAll(rel, "/", "_")+".sh")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("script differs from %s (-golden +got):\n%s", golden, d)
			}
		})
	}
}

// Text from a snapshot — a recording may come from anywhere — ends up in
// comments. A newline in it must not end the comment and start code.
func TestScriptTextCannotBecomeCode(t *testing.T) {
	evil := "x\ntouch /tmp/netvet-pwned\r\ntouch /tmp/netvet-pwned\u2028touch /tmp/netvet-pwned\x00"
	rate := 1.5
	p := New(Meta{Host: "web1'; touch /tmp/netvet-pwned; '", Kernel: evil, Source: evil}, []analyze.Finding{{
		ID: "tcp.syncookies_off", Severity: analyze.Warning, Subject: evil, Summary: evil,
		Evidence: []analyze.Evidence{{Metric: evil, Text: evil, Source: evil, Rate: &rate}},
		Recommendations: []analyze.Recommendation{
			{Summary: evil, Risk: evil, Changes: []analyze.Change{cookies,
				{Kind: analyze.ChangeSysfs, Device: "eth0\ntouch /tmp/netvet-pwned", Target: "queues/rx-0/rps_cpus", Value: "1"}}},
			{Summary: evil, Commands: []string{evil}},
		},
	}})
	text := scriptOf(t, p)
	bashCheck(t, text)
	for i, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "touch") || strings.Contains(line, "\r") {
			t.Errorf("line %d runs the snapshot's text: %q", i+1, line)
		}
	}
	if !strings.Contains(text, `local plan_host='web1'\''; touch /tmp/netvet-pwned; '\'''`) {
		t.Error("the host name is not quoted as one word")
	}
}

// The bash helpers compare values as the kernel prints them.
func TestScriptNorm(t *testing.T) {
	bash := needBash(t)
	tests := []struct{ kind, in, want string }{
		{"words", "32768\t60999", "32768 60999"},
		{"words", "  4096 131072\t 6291456 ", "4096 131072 6291456"},
		{"words", "*", "*"}, // no globbing
		{"mask", "00000000,00000003", "3"},
		{"mask", "0000,00FFFFFE", "fffffe"},
		{"mask", "0", "0"},
		{"mask", "00", "0"},
		{"list", "0-3,8", "0 1 2 3 8"},
		{"list", "5", "5"},
		{"list", "0,1", "0 1"},
	}
	for _, tc := range tests {
		cmd := exec.Command(bash, "-c", helpers+"\nnorm \"$1\" \"$2\"", "bash", tc.kind, tc.in)
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		if err != nil || string(out) != tc.want {
			t.Errorf("norm %s %q = %q (%v), want %q", tc.kind, tc.in, out, err, tc.want)
		}
	}
}

// A plan with nothing to change is still a valid script that says so.
func TestScriptEmptyPlan(t *testing.T) {
	text := scriptOf(t, New(Meta{}, []analyze.Finding{{ID: "softnet.cpu_skew", Summary: "one CPU", Recommendations: []analyze.Recommendation{{Summary: "spread it"}}}}))
	bashCheck(t, text)
	for _, want := range []string{": # nothing here for a program to change", "# 1. softnet.cpu_skew", "why:  spread it"} {
		if !strings.Contains(text, want) {
			t.Errorf("script lacks %q", want)
		}
	}
	if strings.Contains(text, "persist_all()") {
		t.Error("a persist part for nothing")
	}
}

func TestScriptIRQBalanceNote(t *testing.T) {
	irqPlan := func(ib *collect.IRQBalance) string {
		return scriptOf(t, New(Meta{IRQBalance: ib}, []analyze.Finding{{ID: "irq.concentrated", Recommendations: []analyze.Recommendation{rec("ladder", irq0)}}}))
	}
	tests := []struct {
		ib        *collect.IRQBalance
		want      string
		runsCheck bool
	}{
		{nil, "# irqbalance: not known whether it runs.", true},
		{&collect.IRQBalance{Running: true, PID: 812}, "# irqbalance: running (pid 812): it rewrites IRQ affinity every 10 s and will undo the IRQ steps", true},
		{&collect.IRQBalance{Running: false}, "# irqbalance: not running, so nothing moves the IRQs back.", false},
	}
	for _, tc := range tests {
		text := irqPlan(tc.ib)
		if !strings.Contains(text, tc.want) {
			t.Errorf("irqbalance %+v: script lacks %q:\n%s", tc.ib, tc.want, text)
		}
		if got := strings.Contains(text, `IRQBALANCE_ARGS="--banirq=42"`); got != tc.runsCheck {
			t.Errorf("irqbalance %+v: how to ban the IRQ shown %v, want %v", tc.ib, got, tc.runsCheck)
		}
		if got := strings.Contains(text, "pgrep -x irqbalance"); got != tc.runsCheck {
			t.Errorf("irqbalance %+v: run-time check %v, want %v", tc.ib, got, tc.runsCheck)
		}
	}
}

// TestScriptIRQSteps runs the script's IRQ steps and the boot-time pin
// script against a fake /proc/interrupts and /proc/irq, bind-mounted in a
// private mount namespace (/proc/irq is host-wide: the real one is never
// written). eth0-TxRx-1 moved from IRQ 43 to 44 since the snapshot: the
// step finds it by name.
func TestScriptIRQSteps(t *testing.T) {
	bash := needBash(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root (a mount namespace)")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs util-linux's unshare")
	}
	host, _ := os.Hostname()
	p := New(Meta{Host: host, IRQBalance: &collect.IRQBalance{}}, []analyze.Finding{{ID: "irq.concentrated", Subject: "eth0",
		Recommendations: []analyze.Recommendation{rec("ladder", irq0, irq1)}}})
	dir := t.TempDir()
	files := map[string]string{
		"interrupts":               interrupts,
		"irq/42/smp_affinity_list": "0-1\n",
		"irq/44/smp_affinity_list": "0-1\n",
		"plan.sh":                  scriptOf(t, p),
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(script string) string {
		cmd := exec.Command(unshare, "--mount", "--propagation", "private", bash, "-c",
			`mount --bind "$1/interrupts" /proc/interrupts && mount --bind "$1/irq" /proc/irq && `+script, "bash", dir)
		cmd.Env = append(os.Environ(), "NETVET_PERSIST_ROOT="+filepath.Join(dir, "persist"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", script, err, out)
		}
		return string(out)
	}
	out := run(`bash "$1/plan.sh" --persist`)
	for _, want := range []string{
		"changed /proc/irq/42/smp_affinity_list: 0-1 -> 0",
		"note    eth0-TxRx-1 is IRQ 44 now (it was 43)",
		"changed /proc/irq/44/smp_affinity_list: 0-1 -> 1",
		"netvet plan: 2 changed, 0 already set",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for f, want := range map[string]string{"irq/42/smp_affinity_list": "0\n", "irq/44/smp_affinity_list": "1\n"} {
		if got := read(t, dir, f); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
	if out := run(`bash "$1/plan.sh"`); !strings.Contains(out, "netvet plan: 0 changed, 2 already set") {
		t.Errorf("second run:\n%s", out)
	}
	if got := read(t, dir, filepath.Join("persist", irqUnitPath)); got != irqUnit+"\n" {
		t.Errorf("unit file:\n%s", got)
	}
	if !strings.HasSuffix(read(t, dir, filepath.Join("persist", irqScriptPath)), "pin 'eth0-TxRx-0' '0'\npin 'eth0-TxRx-1' '1'\n") {
		t.Errorf("pin script:\n%s", read(t, dir, filepath.Join("persist", irqScriptPath)))
	}
	// At the next boot the boot script pins by name, whatever the numbers.
	for _, f := range []string{"irq/42/smp_affinity_list", "irq/44/smp_affinity_list"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("0-1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(`sh "$1/persist` + irqScriptPath + `"`)
	for f, want := range map[string]string{"irq/42/smp_affinity_list": "0\n", "irq/44/smp_affinity_list": "1\n"} {
		if got := read(t, dir, f); got != want {
			t.Errorf("after the boot script %s = %q, want %q", f, got, want)
		}
	}
}
