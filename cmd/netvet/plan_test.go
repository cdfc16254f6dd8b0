package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/fixtures"
	"github.com/netvet/netvet/tune"
)

// These tests read fixtures and refuse bad input; none changes anything,
// so they run as any user. The real-kernel ones are in
// apply_integration_test.go.

func TestPlanFromRecording(t *testing.T) {
	dir := fixtures.Path("recordings", "softnet-drops")
	code, stdout, stderr := runCLI(t, "plan", "--root", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"#!/usr/bin/env bash\n",
		"set -euo pipefail\n",
		"# --- 1. softnet.drops (critical) cpu1 ",
		"\tset_sysctl 'net.core.netdev_max_backlog' '2000'\n",
		"persist_line 644 \"$persist_root\"'/etc/sysctl.d/90-netvet.conf' 'net.core.netdev_max_backlog =' 'net.core.netdev_max_backlog = 2000'",
		"\nmain \"$@\"\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("script lacks %q", want)
		}
	}
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-n")
		cmd.Stdin = strings.NewReader(stdout)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("bash -n: %v\n%s", err, out)
		}
	}

	code, stdout, stderr = runCLI(t, "plan", "--root", dir, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var p tune.Plan
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatal(err)
	}
	var got []analyze.Change
	for _, s := range p.Steps() {
		got = append(got, s.Change)
	}
	want := []analyze.Change{{Kind: analyze.ChangeSysctl, Target: "net.core.netdev_max_backlog", Value: "2000"}}
	if d := cmp.Diff(want, got); d != "" || p.Schema != tune.Schema || p.Host != "vm" || !strings.HasPrefix(p.Source, "recording ") {
		t.Errorf("plan %s %q %q, changes (-want +got):\n%s", p.Schema, p.Host, p.Source, d)
	}
}

func TestPlanAndApplyRefuse(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	host, _ := os.Hostname()
	badJSON := write("bad.json", "{\"format\": \"netvet-rollback/1\",\n\"steps\": [\n  {\"change\": \n")
	wrongFormat := write("wrong.json", `{"format":"something-else/2","steps":[]}`)
	outside := write("outside.json", `{"format":"netvet-rollback/1","steps":[{"change":{"kind":"sysfs","device":"..","target":"queues/rx-0/rps_cpus","value":"1"},"previous":"0"}]}`)
	otherHost := write("other-host.json", `{"schema":"netvet.plan/v1","host":"not-`+host+`","source":"x","blocks":[{"finding":"a","severity":"info","subject":"s","summary":"t","changes":[{"kind":"sysctl","target":"net.core.somaxconn","value":"8192"}]}]}`)
	badChange := write("bad-plan.json", `{"schema":"netvet.plan/v1","source":"x","blocks":[{"finding":"a","severity":"info","subject":"s","summary":"t","changes":[{"kind":"sysctl","target":"kernel.core_pattern","value":"|/tmp/x"}]}]}`)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown ID in plan", []string{"plan", "--only", "tcp.syncookies_off,no.such_id"}, `--only: unknown finding ID "no.such_id"`},
		{"unknown ID in apply", []string{"apply", "--only", "nope"}, `--only: unknown finding ID "nope"`},
		{"a format plan does not have", []string{"plan", "--format", "yaml"}, `--format "yaml": want one of [sh json]`},
		{"a rollback file that is not JSON", []string{"apply", "--rollback", badJSON}, "rollback file " + badJSON + ": not a netvet rollback file: unexpected EOF"},
		{"a rollback file of another format", []string{"apply", "--rollback", wrongFormat}, `format "something-else/2", want "netvet-rollback/1"`},
		{"a rollback file writing outside", []string{"apply", "--rollback", outside}, `".." is not an interface name netvet writes to`},
		{"a missing rollback file", []string{"apply", "--rollback", filepath.Join(dir, "missing.json")}, "no such file or directory"},
		{"a plan for another host", []string{"apply", "--plan", otherHost}, `was made for host "not-` + host + `"`},
		{"a plan with a change netvet would not make", []string{"apply", "--plan", badChange}, `"kernel.core_pattern" is not a network sysctl`},
		{"--rollback with --plan", []string{"apply", "--rollback", badJSON, "--plan", otherHost}, "[plan rollback] were all set"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q, want 1 and %q (stdout %q)", code, stderr, tc.want, stdout)
			}
		})
	}
}
