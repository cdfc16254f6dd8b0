package tune

import (
	"strings"
	"testing"

	"github.com/netvet/netvet/analyze"
)

func TestValidate(t *testing.T) {
	const (
		sysctl = analyze.ChangeSysctl
		sysfs  = analyze.ChangeSysfs
		irq    = analyze.ChangeIRQAffinity
		ring   = analyze.ChangeRing
		ch     = analyze.ChangeChannels
		feat   = analyze.ChangeFeature
		txq    = analyze.ChangeTxQueueLen
	)
	tests := []struct {
		c    analyze.Change
		want string // "" for valid, else a part of the error
	}{
		{analyze.Change{Kind: sysctl, Target: "net.core.somaxconn", Value: "8192"}, ""},
		{analyze.Change{Kind: sysctl, Target: "net.ipv4.ip_local_port_range", Value: "1024 65535"}, ""},
		{analyze.Change{Kind: sysctl, Target: "net.ipv4.tcp_rmem", Value: "4096\t131072\t6291456"}, ""},
		{analyze.Change{Kind: sysctl, Target: "kernel.panic", Value: "1"}, "not a network sysctl"},
		{analyze.Change{Kind: sysctl, Target: "net..core", Value: "1"}, "not a network sysctl"},
		{analyze.Change{Kind: sysctl, Target: "net.core/../../kernel.panic", Value: "1"}, "not a network sysctl"},
		{analyze.Change{Kind: sysctl, Target: "net.core.somaxconn", Value: "1\nnet.core.x=2"}, "characters"},
		{analyze.Change{Kind: sysctl, Target: "net.core.somaxconn", Value: ""}, "characters"},
		{analyze.Change{Kind: sysctl, Target: "net.core.somaxconn", Value: "$(reboot)"}, "characters"},
		{analyze.Change{Kind: sysctl, Target: "net.core.somaxconn", Value: strings.Repeat("1", 5000)}, "longer"},
		{analyze.Change{Kind: sysfs, Device: "eth0", Target: "queues/rx-3/rps_cpus", Value: "0000,00fffffe"}, ""},
		{analyze.Change{Kind: sysfs, Device: "eth0", Target: "queues/rx-3/rps_flow_cnt", Value: "4096"}, ""},
		{analyze.Change{Kind: sysfs, Device: "eth0", Target: "queues/tx-0/xps_cpus", Value: "2"}, ""},
		{analyze.Change{Kind: sysfs, Device: "eth0", Target: "queues/rx-3/rps_flow_cnt", Value: "ff"}, "not a valid value"},
		{analyze.Change{Kind: sysfs, Device: "eth0", Target: "queues/rx-3/rps_cpus", Value: "0-3"}, "not a valid value"},
		{analyze.Change{Kind: sysfs, Device: "eth0", Target: "mtu", Value: "9000"}, "not rps_cpus"},
		{analyze.Change{Kind: sysfs, Device: "eth0", Target: "queues/rx-0/../../../../../etc/passwd", Value: "1"}, "not rps_cpus"},
		{analyze.Change{Kind: sysfs, Device: "..", Target: "queues/rx-0/rps_cpus", Value: "1"}, "not an interface name"},
		{analyze.Change{Kind: sysfs, Device: "a/b", Target: "queues/rx-0/rps_cpus", Value: "1"}, "not an interface name"},
		{analyze.Change{Kind: sysfs, Device: `e"th0`, Target: "queues/rx-0/rps_cpus", Value: "1"}, "not an interface name"},
		{analyze.Change{Kind: sysfs, Device: "abcdefghijklmnop", Target: "queues/rx-0/rps_cpus", Value: "1"}, "not an interface name"},
		{analyze.Change{Kind: irq, IRQ: 42, Vector: "eth0-TxRx-0", Value: "0-3,8"}, ""},
		{analyze.Change{Kind: irq, IRQ: 42, Vector: "mlx5_comp3@pci:0000:01:00.0", Value: "3"}, ""},
		{analyze.Change{Kind: irq, IRQ: 42, Vector: "", Value: "3"}, "vector name"},
		{analyze.Change{Kind: irq, IRQ: 42, Vector: "eth0 TxRx", Value: "3"}, "vector name"},
		{analyze.Change{Kind: irq, IRQ: 0, Vector: "eth0-TxRx-0", Value: "3"}, "out of range"},
		{analyze.Change{Kind: irq, IRQ: 42, Vector: "eth0-TxRx-0", Value: "ff"}, "not a CPU list"},
		{analyze.Change{Kind: ring, Device: "eth0", Target: "rx", Value: "4096"}, ""},
		{analyze.Change{Kind: ring, Device: "eth0", Target: "combined", Value: "4096"}, "not a ring kind"},
		{analyze.Change{Kind: ring, Device: "eth0", Target: "rx", Value: "0"}, "positive count"},
		{analyze.Change{Kind: ring, Device: "eth0", Target: "rx", Value: "99999999999"}, "positive count"},
		{analyze.Change{Kind: ch, Device: "eth0", Target: "combined", Value: "8"}, ""},
		{analyze.Change{Kind: ch, Device: "eth0", Target: "other", Value: "8"}, "not a channels kind"},
		{analyze.Change{Kind: feat, Device: "eth0", Target: "rx-gro", Value: "on"}, ""},
		{analyze.Change{Kind: feat, Device: "eth0", Target: "rx-gro", Value: "yes"}, "not on or off"},
		{analyze.Change{Kind: feat, Device: "eth0", Target: "RX GRO", Value: "on"}, "not a feature name"},
		{analyze.Change{Kind: txq, Device: "eth0", Value: "10000"}, ""},
		{analyze.Change{Kind: txq, Device: "eth0", Value: "-1"}, "not a queue length"},
		{analyze.Change{Kind: "mtu", Device: "eth0", Value: "9000"}, "unknown change kind"},
	}
	for _, tc := range tests {
		t.Run(string(tc.c.Kind)+" "+tc.c.Target+" "+tc.c.Value[:min(len(tc.c.Value), 20)], func(t *testing.T) {
			err := Validate(tc.c)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate(%+v) = %v, want nil", tc.c, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate(%+v) = %v, want an error with %q", tc.c, err, tc.want)
			}
		})
	}
}

// Every change the analyzer makes for the fixtures and the synthetic host
// passes Validate: a change it refused would fall to "manual" silently.
func TestValidateAcceptsAnalyzerChanges(t *testing.T) {
	n := 0
	for _, f := range fixtureFindings(t) {
		for _, r := range f.Recommendations {
			for _, c := range r.Changes {
				n++
				if err := Validate(c); err != nil {
					t.Errorf("%s %s: %v", f.ID, f.Subject, err)
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d changes in the fixtures: the test sees too little", n)
	}
}
