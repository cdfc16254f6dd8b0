package collect

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// mixedInterrupts is a host with every kind of vector NICIRQs must place.
const mixedInterrupts = `            CPU0       CPU1
  30:          1          2   PCI-MSIX-0000:00:03.0   0-edge      virtio2-config
  31:         10         20   PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0
  32:         11         21   PCI-MSIX-0000:00:03.0   2-edge      virtio2-output.0
  33:          5          0   PCI-MSIX-0000:00:04.0   1-edge      virtio1-req.0
  34:          3          4   PCI-MSIX-0000:00:09.0   1-edge      virtio5-input.0
  40:          0          7   IR-PCI-MSIX-0000:01:00.0   0-edge      mlx5_async_eq@pci:0000:01:00.0
  41:          8          0   IR-PCI-MSIX-0000:01:00.0   1-edge      mlx5_comp0@pci:0000:01:00.0
  42:          0          9   IR-PCI-MSIX-0000:01:00.0   2-edge      mlx5_comp1@pci:0000:01:00.0
  43:          6          0   IR-PCI-MSIX-0000:01:00.1   1-edge      mlx5_comp0@pci:0000:01:00.1
  50:          1          0   IR-PCI-MSIX-0000:03:00.0   0-edge      eth0
  51:        100          0   IR-PCI-MSIX-0000:03:00.0   1-edge      eth0-TxRx-0
  52:          0        200   IR-PCI-MSIX-0000:03:00.0   2-edge      eth0-TxRx-1
  60:         12          0   IR-PCI-MSIX-0000:05:00.0   1-edge      lan0-rx-0
  61:          0         13   IR-PCI-MSIX-0000:05:00.0   2-edge      lan0-tx-0
  62:         14          0   IR-PCI-MSI-0000:06:00.0   0-edge      uplink
  11:         15         16   IO-APIC  11-fasteoi   uhci_hcd:usb1, eth5, eth6
  22:         17          0   IO-APIC  22-fasteoi   virtio7
  70:          0         18   PCI-MSIX-0000:00:08.0   1-edge      virtio8-virtqueues
  80:          1          1   IR-PCI-MSIX-0000:04:00.0   1-edge      mlx4-comp-0@pci:0000:04:00.0
  81:          2          2   IR-PCI-MSIX-0000:04:00.0   2-edge      eth6-0
 NMI:          0          0   Non-maskable interrupts
`

// mixedSnapshot parses mixedInterrupts through a Collector from an fstest.MapFS.
func mixedSnapshot(t *testing.T) *Snapshot {
	t.Helper()
	s := NewCollector().Collect(context.Background(), fstest.MapFS{"proc/interrupts": {Data: []byte(mixedInterrupts)}}, nil, true)
	if st, _ := s.StatusOf("interrupts"); st.State != StateOK {
		t.Fatalf("interrupts: %+v", st)
	}
	return s
}

// irqLineOf returns the index of IRQ num in s.
func irqLineOf(t *testing.T, s *Snapshot, num int) int {
	t.Helper()
	for i, l := range s.Interrupts.Lines {
		if l.Num == num {
			return i
		}
	}
	t.Fatalf("no IRQ %d", num)
	return -1
}

func TestNICIRQs(t *testing.T) {
	s := mixedSnapshot(t)
	q := func(irq, queue int, kind string) QueueIRQ {
		return QueueIRQ{Line: irqLineOf(t, s, irq), IRQ: irq, Queue: queue, Kind: kind}
	}
	withConfig := map[string]*NIC{
		"ens3":   {Name: "ens3", Driver: "virtio_net", Device: "virtio2", Bus: "0000:00:03.0"},
		"ens4":   {Name: "ens4", Driver: "mlx5_core", Device: "0000:01:00.0", Bus: "0000:01:00.0"},
		"ens4d1": {Name: "ens4d1", Driver: "mlx5_core", Device: "0000:01:00.1", Bus: "0000:01:00.1"},
		"eth0":   {Name: "eth0", Driver: "ixgbe", Device: "0000:03:00.0", Bus: "0000:03:00.0"},
		"lan0":   {Name: "lan0", Driver: "igb", Device: "0000:05:00.0", Bus: "0000:05:00.0"},
		"uplink": {Name: "uplink", Driver: "r8169", Device: "0000:06:00.0", Bus: "0000:06:00.0"},
		"eth5":   {Name: "eth5", Driver: "e1000", Device: "0000:00:0a.0", Bus: "0000:00:0a.0"},
		"eth6":   {Name: "eth6", Driver: "mlx4_en", Device: "0000:04:00.0", Bus: "0000:04:00.0"},
		"eth7":   {Name: "eth7", Driver: "mlx4_en", Device: "0000:04:00.0", Bus: "0000:04:00.0"},
		"ens7":   {Name: "ens7", Driver: "virtio_net", Device: "virtio7", Bus: "0000:00:07.0"},
		"ens8":   {Name: "ens8", Driver: "virtio_net", Device: "virtio8", Bus: "0000:00:08.0"},
		"bond0":  {Name: "bond0", Kind: "bond"},
	}
	tests := []struct {
		name    string
		nics    map[string]*NIC
		ethtool map[string]*Ethtool
		want    map[string][]QueueIRQ
	}{{
		name: "with the configuration",
		nics: withConfig,
		want: map[string][]QueueIRQ{
			"ens3":   {q(31, 0, "input"), q(32, 0, "output")}, // virtio1 (block) and virtio5 (not an interface) left out
			"ens4":   {q(41, 0, "comp"), q(42, 1, "comp")},
			"ens4d1": {q(43, 0, "comp")},
			"eth0":   {q(51, 0, "TxRx"), q(52, 1, "TxRx")}, // link vector 50 left out
			"lan0":   {q(60, 0, "rx"), q(61, 0, "tx")},     // renamed: known from the configuration
			"uplink": {q(62, 0, "single")},
			"eth5":   {q(11, 0, "single")}, // both NICs of the shared line
			"eth6":   {q(81, 0, "TxRx")},   // its own ring; mlx4-comp is shared by eth6 and eth7: left out
			"ens7":   {q(22, 0, "single")}, // legacy INTx of a virtio_net device
			"ens8":   {q(70, 0, "single")}, // one MSI-X vector for all queues
		},
	}, {
		name: "without configuration: by the name in the vector",
		want: map[string][]QueueIRQ{
			"virtio2":           {q(31, 0, "input"), q(32, 0, "output")},
			"virtio5":           {q(34, 0, "input")},
			"mlx5@0000:01:00.0": {q(41, 0, "comp"), q(42, 1, "comp")},
			"mlx5@0000:01:00.1": {q(43, 0, "comp")},
			"mlx4@0000:04:00.0": {q(80, 0, "comp")},
			"eth0":              {q(51, 0, "TxRx"), q(52, 1, "TxRx")},
			"eth5":              {q(11, 0, "single")}, // the parser names the first NIC of a shared line
			"eth6":              {q(81, 0, "TxRx")},
		},
	}, {
		name:    "without configuration, with ethtool bus addresses",
		ethtool: map[string]*Ethtool{"ens4": {Driver: "mlx5_core", Bus: "0000:01:00.0"}, "eth0": {Bus: "0000:03:00.0"}},
		want: map[string][]QueueIRQ{
			"virtio2":           {q(31, 0, "input"), q(32, 0, "output")},
			"virtio5":           {q(34, 0, "input")},
			"ens4":              {q(41, 0, "comp"), q(42, 1, "comp")},
			"mlx5@0000:01:00.1": {q(43, 0, "comp")},
			"mlx4@0000:04:00.0": {q(80, 0, "comp")},
			"eth0":              {q(51, 0, "TxRx"), q(52, 1, "TxRx")},
			"eth5":              {q(11, 0, "single")},
			"eth6":              {q(81, 0, "TxRx")},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := *s
			snap.Config = &Config{NICs: tt.nics}
			snap.Ethtool = tt.ethtool
			if diff := cmp.Diff(tt.want, NICIRQs(&snap)); diff != "" {
				t.Errorf("NICIRQs (-want +got):\n%s", diff)
			}
			for ifname, want := range tt.want {
				if diff := cmp.Diff(want, NICQueueIRQs(&snap, ifname)); diff != "" {
					t.Errorf("NICQueueIRQs(%s) (-want +got):\n%s", ifname, diff)
				}
			}
		})
	}
	if got := NICQueueIRQs(&Snapshot{}, "eth0"); got != nil {
		t.Errorf("no interrupts: %v, want nil", got)
	}
	if got := NICIRQs(nil); got != nil {
		t.Errorf("nil snapshot: %v, want nil", got)
	}
}

// TestNICIRQsRealWorld maps the vectors of real hosts from proc/interrupts
// alone and checks where their interrupts went.
func TestNICIRQsRealWorld(t *testing.T) {
	type queueCounts struct {
		Queue int
		Kind  string
		CPUs  map[int]uint64 // non-zero counts by CPU
	}
	tests := []struct {
		file string
		nic  string
		want []queueCounts
	}{{
		// PROVENANCE: "All 8 qlcnic vectors are on CPU0 only".
		file: "netutils-linux_qlcnic-48cpu-all-queues-on-cpu0",
		nic:  "eth0",
		want: []queueCounts{
			{0, "rx", map[int]uint64{0: 3343922568}},
			{1, "rx", map[int]uint64{0: 3304605593}},
			{2, "rx", map[int]uint64{0: 3357194971}},
			{3, "TxRx", map[int]uint64{0: 270815411}},
		},
	}, {
		file: "netutils-linux_qlcnic-48cpu-all-queues-on-cpu0",
		nic:  "eth1",
		want: []queueCounts{
			{0, "rx", map[int]uint64{0: 4017789298}},
			{1, "rx", map[int]uint64{0: 3948576485}},
			{2, "rx", map[int]uint64{0: 3892855696}},
			{3, "TxRx", map[int]uint64{0: 981837011}},
		},
	}, {
		// PROVENANCE: "Queues 5 and 7 are both on CPU7; CPU5 serves no data queue".
		file: "node_exporter_aws-graviton-ena-8cpu",
		nic:  "eth0",
		want: []queueCounts{
			{0, "TxRx", map[int]uint64{2: 1195697946, 3: 437}},
			{1, "TxRx", map[int]uint64{3: 2709937608, 4: 1619}},
			{2, "TxRx", map[int]uint64{1: 1457922109, 5: 71}},
			{3, "TxRx", map[int]uint64{0: 2052879736, 6: 124}},
			{4, "TxRx", map[int]uint64{6: 2268695629, 7: 1530}},
			{5, "TxRx", map[int]uint64{0: 50, 7: 1997799253}},
			{6, "TxRx", map[int]uint64{1: 48, 4: 1238622585}},
			{7, "TxRx", map[int]uint64{2: 47, 7: 1574978449}},
		},
	}, {
		// PROVENANCE: "single eth0 vector, 825.7M, all on CPU0 of 8".
		file: "netutils-linux_singlequeue-8cpu-series-1",
		nic:  "eth0",
		want: []queueCounts{{0, "single", map[int]uint64{0: 825698509}}},
	}}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.nic, func(t *testing.T) {
			s := NewCollector().Collect(context.Background(), fstest.MapFS{"proc/interrupts": {Data: readTestdata(t, tt.file)}}, nil, true)
			if s.Interrupts == nil {
				t.Fatal("no interrupts")
			}
			var got []queueCounts
			for _, q := range NICQueueIRQs(s, tt.nic) {
				qc := queueCounts{Queue: q.Queue, Kind: q.Kind, CPUs: map[int]uint64{}}
				for col, v := range s.Interrupts.Row(q.Line) {
					if v != 0 {
						qc.CPUs[s.Interrupts.CPUs[col]] = v
					}
				}
				got = append(got, qc)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestNICIRQsRealWorldEthtoolBus maps real Mellanox hosts with the PCI
// addresses their ethtool -i reported (netvet/ethtool/*.json in
// shared/realworld-snapshots).
func TestNICIRQsRealWorldEthtoolBus(t *testing.T) {
	tests := []struct {
		file    string
		ethtool map[string]*Ethtool
		want    map[string]int // queue vectors per interface
	}{{
		// ConnectX-3: eth6 and eth7 are two ports of one PCI function, so
		// the core's completion EQs cannot be given to either; each port
		// has its own named rings.
		file: "netutils-linux_mlx4-be2net-16cpu",
		ethtool: map[string]*Ethtool{
			"eth0": {Driver: "tg3", Bus: "0000:03:00.0"}, "eth1": {Driver: "tg3", Bus: "0000:03:00.1"},
			"eth2": {Driver: "tg3", Bus: "0000:03:00.2"}, "eth3": {Driver: "tg3", Bus: "0000:03:00.3"},
			"eth4": {Driver: "be2net", Bus: "0000:07:00.0"}, "eth5": {Driver: "be2net", Bus: "0000:07:00.1"},
			"eth6": {Driver: "mlx4_en", Bus: "0000:04:00.0"}, "eth7": {Driver: "mlx4_en", Bus: "0000:04:00.0"},
		},
		want: map[string]int{"eth0": 5, "eth1": 5, "eth6": 8, "eth7": 8},
	}, {
		// eth2 (mlx4_en) owns 0000:07:00.0 alone, but its named rings win
		// over the mlx4-comp EQs of the same function.
		file: "netutils-linux_bnx2-mlx4-12cpu-single-hot-queue",
		ethtool: map[string]*Ethtool{
			"eth0": {Driver: "bnx2", Bus: "0000:02:00.0"}, "eth1": {Driver: "bnx2", Bus: "0000:02:00.1"},
			"eth2": {Driver: "mlx4_en", Bus: "0000:07:00.0"},
		},
		want: map[string]int{"eth0": 8, "eth1": 8, "eth2": 8},
	}, {
		// mlx5: no vectors carry the interface name; the bus names it (this
		// host's ethtool output was not kept: the names are illustrative).
		file:    "netutils-linux_rss-ladder-mlx5.Q6700",
		ethtool: map[string]*Ethtool{"enp1s0f0": {Bus: "0000:01:00.0"}, "enp1s0f1": {Bus: "0000:01:00.1"}},
		want:    map[string]int{"enp1s0f0": 4, "enp1s0f1": 4, "eth0": 1, "eth1": 1},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := NewCollector().Collect(context.Background(), fstest.MapFS{"proc/interrupts": {Data: readTestdata(t, tt.file)}}, nil, true)
			s.Ethtool = tt.ethtool
			got := map[string]int{}
			for ifname, qs := range NICIRQs(s) {
				got[ifname] = len(qs)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("queue vectors per interface (-want +got):\n%s", diff)
			}
		})
	}
}
