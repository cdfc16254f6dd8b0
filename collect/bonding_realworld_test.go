package collect

// realBond is a real proc/net/bonding sample and the Bond it must give.
type realBond struct {
	fixture, file string
	want          *Bond
}

// realworldBonds lists every bond sample of testdata/realworld with the
// whole expected Bond (a fresh copy per call: tests may not share them).
func realworldBonds() []realBond {
	return []realBond{
		{
			// Driver 3.2.4 (RHEL5): agg block indented with spaces; a stray
			// "Speed" line in eth2 that must be skipped.
			fixture: "bond-8023ad-aggregator-mismatch-no-partner", file: "bond0",
			want: &Bond{
				Name: "bond0", Mode: "802.3ad", ModeText: "IEEE 802.3ad Dynamic link aggregation",
				XmitHashPolicy: "layer2", MIIStatus: "up", MIIPollMs: 500, UpDelayMs: 0, DownDelayMs: 0,
				ARPIntervalMs: -1, LACPRate: "slow",
				ActiveAggregator: &Aggregator{ID: 3, Ports: 1, ActorKey: 17, PartnerKey: 1, PartnerMAC: "00:00:00:00:00:00"},
				Slaves: []BondSlave{
					{Name: "eth1", MIIStatus: "up", Speed: 1000, Duplex: "full", LinkFailures: 0, HasLinkFailures: true,
						PermHWAddr: "00:16:35:5e:42:fc", AggregatorID: 3, ActorPortState: -1, PartnerPortState: -1},
					{Name: "eth2", MIIStatus: "up", Speed: 1000, Duplex: "full", LinkFailures: 0, HasLinkFailures: true,
						PermHWAddr: "00:16:35:5e:02:7e", AggregatorID: 2, ActorPortState: -1, PartnerPortState: -1},
				},
				From: "proc",
			},
		},
		{
			fixture: "bond-8023ad-healthy-10g", file: "bondLACP",
			want: &Bond{
				Name: "bondLACP", Mode: "802.3ad", ModeText: "IEEE 802.3ad Dynamic link aggregation",
				XmitHashPolicy: "layer2", MIIStatus: "up", MIIPollMs: 100, UpDelayMs: 0, DownDelayMs: 0,
				ARPIntervalMs: -1, LACPRate: "fast", ADSelect: "stable",
				Slaves: []BondSlave{
					{Name: "eth0", MIIStatus: "up", Speed: 10000, Duplex: "full", LinkFailures: 2, HasLinkFailures: true,
						PermHWAddr: "3c:ec:ef:5e:71:58", AggregatorID: 2, ActorPortState: -1, PartnerPortState: -1,
						ActorChurn: "none", PartnerChurn: "none"},
					{Name: "eth1", MIIStatus: "up", Speed: 10000, Duplex: "full", LinkFailures: 1, HasLinkFailures: true,
						PermHWAddr: "3c:ec:ef:5e:71:59", AggregatorID: 2, ActorPortState: -1, PartnerPortState: -1,
						ActorChurn: "none", PartnerChurn: "none"},
				},
				From: "proc",
			},
		},
		{
			// The text names bond0 while the file is bond802: the file name wins.
			fixture: "bond-8023ad-no-active-aggregator", file: "bond802",
			want: &Bond{
				Name: "bond802", Mode: "802.3ad", ModeText: "IEEE 802.3ad Dynamic link aggregation",
				XmitHashPolicy: "layer2", MIIStatus: "up", MIIPollMs: 100, UpDelayMs: 0, DownDelayMs: 0,
				ARPIntervalMs: -1, LACPRate: "fast", ADSelect: "stable", NoActiveAgg: true,
				Slaves: []BondSlave{
					{Name: "eth1", MIIStatus: "up", Speed: -1, LinkFailures: 0, HasLinkFailures: true,
						PermHWAddr: "00:0c:29:f5:b7:11", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
					{Name: "eth2", MIIStatus: "up", Speed: -1, LinkFailures: 3, HasLinkFailures: true,
						PermHWAddr: "00:0c:29:f5:b7:1b", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
				},
				From: "proc",
			},
		},
		{
			fixture: "bond-8023ad-second-slave-down", file: "bond0",
			want: &Bond{
				Name: "bond0", Mode: "802.3ad", ModeText: "IEEE 802.3ad Dynamic link aggregation",
				XmitHashPolicy: "layer2", MIIStatus: "up", MIIPollMs: 100, UpDelayMs: 0, DownDelayMs: 0,
				ARPIntervalMs: -1, LACPRate: "fast", ADSelect: "stable",
				Slaves: []BondSlave{
					{Name: "eth0", MIIStatus: "up", Speed: 10000, Duplex: "full", LinkFailures: 2, HasLinkFailures: true,
						PermHWAddr: "3c:ec:ef:5e:71:58", AggregatorID: 2, ActorPortState: -1, PartnerPortState: -1,
						ActorChurn: "none", PartnerChurn: "none"},
					{Name: "eth1", MIIStatus: "down", Speed: -1, Duplex: "unknown", LinkFailures: 1, HasLinkFailures: true,
						PermHWAddr: "3c:ec:ef:5e:71:59", AggregatorID: 2, ActorPortState: -1, PartnerPortState: -1,
						ActorChurn: "none", PartnerChurn: "none"},
				},
				From: "proc",
			},
		},
		{
			// Agg block indented with tabs; per-slave lacp pdu details.
			fixture: "bond-8023ad-slave-down-churned", file: "bond0",
			want: &Bond{
				Name: "bond0", Mode: "802.3ad", ModeText: "IEEE 802.3ad Dynamic link aggregation",
				XmitHashPolicy: "layer2", MIIStatus: "up", MIIPollMs: 100, UpDelayMs: 2000, DownDelayMs: 1000,
				ARPIntervalMs: -1, LACPRate: "slow", ADSelect: "stable",
				ActiveAggregator: &Aggregator{ID: 1, Ports: 1, ActorKey: 9, PartnerKey: 1, PartnerMAC: "00:00:00:00:00:00"},
				Slaves: []BondSlave{
					{Name: "enp0s9", MIIStatus: "up", Speed: 1000, Duplex: "full", LinkFailures: 0, HasLinkFailures: true,
						PermHWAddr: "08:00:27:99:a3:6b", AggregatorID: 1, PartnerMAC: "00:00:00:00:00:00",
						ActorPortState: 77, PartnerPortState: 1, ActorChurn: "none", PartnerChurn: "churned"},
					{Name: "enp0s8", MIIStatus: "down", Speed: -1, Duplex: "unknown", LinkFailures: 0, HasLinkFailures: true,
						PermHWAddr: "08:00:27:a2:8d:f5", AggregatorID: 2, PartnerMAC: "00:00:00:00:00:00",
						ActorPortState: 69, PartnerPortState: 1, ActorChurn: "churned", PartnerChurn: "churned"},
				},
				From: "proc",
			},
		},
		{
			fixture: "bond-active-backup-10g-healthy", file: "bond0",
			want: &Bond{
				Name: "bond0", Mode: "active-backup", ModeText: "fault-tolerance (active-backup)",
				MIIStatus: "up", MIIPollMs: 100, UpDelayMs: 0, DownDelayMs: 0, ARPIntervalMs: -1,
				CurrentActive: "enp17s0f0",
				Slaves: []BondSlave{
					{Name: "enp17s0f0", MIIStatus: "up", Speed: 10000, Duplex: "full", HasLinkFailures: true,
						PermHWAddr: "00:1f:f3:af:d3:f0", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
					{Name: "enp17s0f1", MIIStatus: "up", Speed: 10000, Duplex: "full", HasLinkFailures: true,
						PermHWAddr: "00:1f:f3:af:d3:f1", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
				},
				From: "proc",
			},
		},
		{
			fixture: "bond-active-backup-arp-monitor-flapping", file: "bond0",
			want: &Bond{
				Name: "bond0", Mode: "active-backup", ModeText: "fault-tolerance (active-backup)",
				MIIStatus: "up", MIIPollMs: 0, UpDelayMs: 0, DownDelayMs: 0,
				ARPIntervalMs: 1000, ARPTargets: []string{"10.152.1.1"},
				PrimarySlave: "em3", PrimaryReselect: "failure", CurrentActive: "em3",
				Slaves: []BondSlave{
					{Name: "em3", MIIStatus: "up", Speed: 1000, Duplex: "full", LinkFailures: 92028, HasLinkFailures: true,
						PermHWAddr: "00:1f:f3:af:d3:f1", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
					{Name: "p2p3", MIIStatus: "up", Speed: 1000, Duplex: "full", LinkFailures: 71524, HasLinkFailures: true,
						PermHWAddr: "00:1f:f3:af:d3:f1", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
				},
				From: "proc",
			},
		},
		{
			// Empty "Permanent HW addr:" lines.
			fixture: "bond-active-backup-slave-down", file: "bondAB",
			want: &Bond{
				Name: "bondAB", Mode: "active-backup", ModeText: "fault-tolerance (active-backup)",
				MIIStatus: "up", MIIPollMs: 100, UpDelayMs: 0, DownDelayMs: 0, ARPIntervalMs: -1,
				PrimarySlave: "eth2", PrimaryReselect: "always", CurrentActive: "eth2",
				Slaves: []BondSlave{
					{Name: "eth3", MIIStatus: "down", Speed: 1000, Duplex: "full", LinkFailures: 2, HasLinkFailures: true,
						AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
					{Name: "eth2", MIIStatus: "up", Speed: 100, Duplex: "full", LinkFailures: 0, HasLinkFailures: true,
						AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
				},
				From: "proc",
			},
		},
		{
			fixture: "bond-rr-healthy", file: "bond0",
			want: &Bond{
				Name: "bond0", Mode: "balance-rr", ModeText: "load balancing (round-robin)",
				MIIStatus: "up", MIIPollMs: 100, UpDelayMs: 0, DownDelayMs: 0, ARPIntervalMs: -1,
				Slaves: []BondSlave{
					{Name: "eno1", MIIStatus: "up", Speed: 1000, Duplex: "full", HasLinkFailures: true,
						PermHWAddr: "2c:44:fd:80:5c:f8", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
					{Name: "eno2", MIIStatus: "up", Speed: 1000, Duplex: "full", HasLinkFailures: true,
						PermHWAddr: "2c:44:fd:80:5c:f9", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
				},
				From: "proc",
			},
		},
		{
			fixture: "bond-xor-layer2+3", file: "bond0",
			want: &Bond{
				Name: "bond0", Mode: "balance-xor", ModeText: "load balancing (xor)", XmitHashPolicy: "layer2+3",
				MIIStatus: "up", MIIPollMs: 100, UpDelayMs: 0, DownDelayMs: 0, ARPIntervalMs: -1,
				Slaves: []BondSlave{
					{Name: "eno1", MIIStatus: "up", Speed: 1000, Duplex: "full", HasLinkFailures: true,
						PermHWAddr: "2c:44:fd:80:5c:f8", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
					{Name: "eno2", MIIStatus: "up", Speed: 1000, Duplex: "full", HasLinkFailures: true,
						PermHWAddr: "2c:44:fd:80:5c:f9", AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1},
				},
				From: "proc",
			},
		},
	}
}
