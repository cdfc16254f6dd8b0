package analyze

import (
	"context"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/fixtures"
)

func TestChangeForms(t *testing.T) {
	tests := []struct {
		c                   Change
		command, path, text string
	}{
		{Change{Kind: ChangeSysctl, Target: "net.core.somaxconn", Value: "8192"},
			"sysctl -w net.core.somaxconn=8192", "proc/sys/net/core/somaxconn", "net.core.somaxconn = 8192"},
		{Change{Kind: ChangeSysctl, Target: "net.ipv4.ip_local_port_range", Value: "1024 65535"},
			`sysctl -w net.ipv4.ip_local_port_range="1024 65535"`, "proc/sys/net/ipv4/ip_local_port_range", "net.ipv4.ip_local_port_range = 1024 65535"},
		{Change{Kind: ChangeSysfs, Device: "eth0", Target: "queues/rx-3/rps_cpus", Value: "0000,00fffffe"},
			"echo 0000,00fffffe > /sys/class/net/eth0/queues/rx-3/rps_cpus", "sys/class/net/eth0/queues/rx-3/rps_cpus", "eth0 queues/rx-3/rps_cpus = 0000,00fffffe"},
		{Change{Kind: ChangeIRQAffinity, IRQ: 42, Vector: "eth0-TxRx-3", Value: "6"},
			"echo 6 > /proc/irq/42/smp_affinity_list", "proc/irq/42/smp_affinity_list", "IRQ 42 (eth0-TxRx-3) smp_affinity_list = 6"},
		{Change{Kind: ChangeRing, Device: "eth2", Target: "rx", Value: "4096"},
			"ethtool -G eth2 rx 4096", "", "eth2 rx ring = 4096"},
		{Change{Kind: ChangeChannels, Device: "eth2", Target: "combined", Value: "8"},
			"ethtool -L eth2 combined 8", "", "eth2 combined channels = 8"},
		{Change{Kind: ChangeFeature, Device: "eth2", Target: "tx-tcp-segmentation", Value: "on"},
			"ethtool -K eth2 tso on", "", "eth2 tx-tcp-segmentation = on"},
		{Change{Kind: ChangeFeature, Device: "eth2", Target: "rx-vlan-filter", Value: "off"},
			"ethtool -K eth2 rx-vlan-filter off", "", "eth2 rx-vlan-filter = off"},
		{Change{Kind: ChangeTxQueueLen, Device: "eth2", Value: "2000"},
			"ip link set eth2 txqueuelen 2000", "sys/class/net/eth2/tx_queue_len", "eth2 txqueuelen = 2000"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			if got := tc.c.Command(); got != tc.command {
				t.Errorf("Command() = %q, want %q", got, tc.command)
			}
			if got := tc.c.Path(); got != tc.path {
				t.Errorf("Path() = %q, want %q", got, tc.path)
			}
			if got := tc.c.String(); got != tc.text {
				t.Errorf("String() = %q, want %q", got, tc.text)
			}
		})
	}
}

func TestCommandsOfMergesFeatures(t *testing.T) {
	got := commandsOf([]Change{
		{Kind: ChangeFeature, Device: "eth0", Target: "rx-gro", Value: "on"},
		{Kind: ChangeRing, Device: "eth0", Target: "rx", Value: "1024"},
		{Kind: ChangeFeature, Device: "eth1", Target: "rx-gro", Value: "on"},
		{Kind: ChangeFeature, Device: "eth0", Target: "tx-tcp-segmentation", Value: "on"},
	})
	want := []string{"ethtool -K eth0 gro on tso on", "ethtool -G eth0 rx 1024", "ethtool -K eth1 gro on"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
}

// Setting commands as the recommendations print them. parseSetter turns
// one back into Changes, independently of Change.Command, so the test
// below catches a builder whose text and structure disagree.
var (
	setSysctl   = regexp.MustCompile(`^sysctl -w ([a-z0-9_.]+)=(.*)$`)
	setSysfs    = regexp.MustCompile(`^echo (\S+) > /sys/class/net/([^/ ]+)/(\S+)$`)
	setIRQ      = regexp.MustCompile(`^echo (\S+) > /proc/irq/(\d+)/smp_affinity_list$`)
	setRing     = regexp.MustCompile(`^ethtool -G (\S+) (rx|tx) (\S+)$`)
	setChannels = regexp.MustCompile(`^ethtool -L (\S+) (combined|rx|tx) (\S+)$`)
	setFeatures = regexp.MustCompile(`^ethtool -K (\S+)((?: \S+ (?:on|off))+)$`)
	setTxqlen   = regexp.MustCompile(`^ip link set (\S+) txqueuelen (\S+)$`)
)

// shortFeature is ethtool's short names back to the kernel's.
var shortFeature = map[string]string{"gro": "rx-gro", "gso": "tx-generic-segmentation", "tso": "tx-tcp-segmentation", "ntuple": "rx-ntuple-filter"}

func parseSetter(cmd string) ([]Change, bool) {
	if m := setSysctl.FindStringSubmatch(cmd); m != nil {
		return []Change{{Kind: ChangeSysctl, Target: m[1], Value: strings.Trim(m[2], `"`)}}, true
	}
	if m := setSysfs.FindStringSubmatch(cmd); m != nil {
		return []Change{{Kind: ChangeSysfs, Device: m[2], Target: m[3], Value: m[1]}}, true
	}
	if m := setIRQ.FindStringSubmatch(cmd); m != nil {
		irq, _ := strconv.Atoi(m[2])
		return []Change{{Kind: ChangeIRQAffinity, IRQ: irq, Value: m[1]}}, true
	}
	if m := setRing.FindStringSubmatch(cmd); m != nil {
		return []Change{{Kind: ChangeRing, Device: m[1], Target: m[2], Value: m[3]}}, true
	}
	if m := setChannels.FindStringSubmatch(cmd); m != nil {
		return []Change{{Kind: ChangeChannels, Device: m[1], Target: m[2], Value: m[3]}}, true
	}
	if m := setFeatures.FindStringSubmatch(cmd); m != nil {
		var out []Change
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			name := f[i]
			if k, ok := shortFeature[name]; ok {
				name = k
			}
			out = append(out, Change{Kind: ChangeFeature, Device: m[1], Target: name, Value: f[i+1]})
		}
		return out, true
	}
	if m := setTxqlen.FindStringSubmatch(cmd); m != nil {
		return []Change{{Kind: ChangeTxQueueLen, Device: m[1], Value: m[2]}}, true
	}
	return nil, false
}

// checkChanges fails when a recommendation's commands and changes say
// different things: the setting commands, parsed back, must be exactly
// the changes (the vector name aside, which the text does not carry), and
// each IRQ change must name its IRQ's vector in the snapshot. It counts
// the kinds seen.
func checkChanges(t *testing.T, where string, f Finding, last *collect.Snapshot, seen map[ChangeKind]int) {
	t.Helper()
	for _, r := range f.Recommendations {
		var parsed []Change
		for _, cmd := range r.Commands {
			if cs, ok := parseSetter(cmd); ok {
				parsed = append(parsed, cs...)
			}
		}
		if len(r.Changes) == 0 {
			// Setting commands without a change are those whose value rests
			// on what the snapshot did not hold: computed on the host from
			// its own value ("$(( 2 * $(sysctl -n …) ))"), or rps_cpus for a
			// NIC whose current rps_cpus is unknown, which the
			// recommendation says to check first.
			for _, c := range parsed {
				if !strings.Contains(c.Value, "$(") && !(f.ID == "rps.recommended" && strings.HasPrefix(r.Summary, "Check RPS")) {
					t.Errorf("%s: %s %s: a command sets %v but the recommendation has no changes", where, f.ID, f.Subject, c)
				}
			}
			continue
		}
		var structured []Change
		for _, c := range r.Changes {
			seen[c.Kind]++
			if c.Kind == ChangeIRQAffinity {
				if name := irqName(last, c.IRQ); c.Vector == "" || c.Vector != name {
					t.Errorf("%s: %s: IRQ %d has vector %q, proc/interrupts names it %q", where, f.ID, c.IRQ, c.Vector, name)
				}
				c.Vector = ""
			}
			structured = append(structured, c)
		}
		if d := cmp.Diff(parsed, structured); d != "" {
			t.Errorf("%s: %s %s: commands %q disagree with changes (-commands +changes):\n%s", where, f.ID, f.Subject, r.Commands, d)
		}
	}
}

func irqName(s *collect.Snapshot, irq int) string {
	if s == nil || s.Interrupts == nil {
		return ""
	}
	for _, l := range s.Interrupts.Lines {
		if l.Num == irq {
			return l.Device
		}
	}
	return ""
}

// TestChangesAgreeWithCommands checks every recommendation of 400 random
// hosts and of every fixture: what it tells a person to type and what
// `netvet apply` would write are the same settings and values.
func TestChangesAgreeWithCommands(t *testing.T) {
	seen := map[ChangeKind]int{}
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range 400 {
		sc, opts := randomHost(rng)
		last := sc.snaps[len(sc.snaps)-1]
		for _, f := range sc.analyze(opts).Findings {
			checkChanges(t, "random host "+strconv.Itoa(i), f, last, seen)
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	for _, rel := range fixtureDirs(t) {
		w := replayFolder(t, fixtures.Path(rel))
		for _, f := range Analyze(w, Options{}).Findings {
			checkChanges(t, rel, f, w.Last(), seen)
		}
	}
	for _, k := range []ChangeKind{ChangeSysctl, ChangeSysfs, ChangeIRQAffinity, ChangeRing, ChangeChannels, ChangeFeature, ChangeTxQueueLen} {
		if seen[k] == 0 {
			t.Errorf("no %s change in any host or fixture: the coverage misses it", k)
		}
	}
}

// replayFolder reads a fixture folder to its end into a window.
func replayFolder(t *testing.T, dir string) *Window {
	t.Helper()
	o, err := collect.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	var snaps []*collect.Snapshot
	s := &collect.Sampler{Origin: o}
	if err := s.Run(context.Background(), 0, func(snap *collect.Snapshot) error {
		snaps = append(snaps, snap)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return NewWindow(snaps, o.Interval())
}
