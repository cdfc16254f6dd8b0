package collect

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestClassifyDevice runs the vector-name recogniser over action names as
// they appear in real files (the comment names the file or driver source).
func TestClassifyDevice(t *testing.T) {
	type want struct {
		NIC   string
		Queue int
		Kind  string
	}
	none := want{"", -1, ""}
	tests := []struct {
		device string
		want   want
	}{
		// NIC queue vectors
		{"eth0-TxRx-3", want{"eth0", 3, "TxRx"}},                                // igb, ixgbe (ixgbe-igb-32cpu)
		{"em2-TxRx-7", want{"em2", 7, "TxRx"}},                                  // igb (igb-em-16cpu)
		{"i40e-eth0-TxRx-3", want{"eth0", 3, "TxRx"}},                           // i40e (i40e-e1000e-4cpu)
		{"ice-ens1f0-TxRx-3", want{"ens1f0", 3, "TxRx"}},                        // ice
		{"iavf-eth1-TxRx-0", want{"eth1", 0, "TxRx"}},                           // iavf
		{"enp1s0f0-TxRx-12", want{"enp1s0f0", 12, "TxRx"}},                      // predictable name
		{"lan0-TxRx-2", want{"lan0", 2, "TxRx"}},                                // renamed: "-TxRx-N" is NIC vocabulary
		{"eth0-Tx-Rx-5", want{"eth0", 5, "TxRx"}},                               // ena (aws-graviton)
		{"eth2-TxRx-0", want{"eth2", 0, "TxRx"}},                                // bnxt_en
		{"eth0-rxtx-1", want{"eth0", 1, "TxRx"}},                                // vmxnet3, nfp
		{"eth0-txrx-2", want{"eth0", 2, "TxRx"}},                                // tg3
		{"eth3-fp-4", want{"eth3", 4, "TxRx"}},                                  // bnx2x, qede
		{"eth0-rx-0", want{"eth0", 0, "rx"}},                                    // e1000e (igb-e1000e-16cpu)
		{"eth1-tx-0", want{"eth1", 0, "tx"}},                                    // e1000e
		{"eth0-rx-4", want{"eth0", 4, "rx"}},                                    // tg3 (mlx4-be2net-16cpu)
		{"eth0-tx-0-rx-3", want{"eth0", 3, "TxRx"}},                             // qlcnic (qlcnic-48cpu)
		{"eth1-0", want{"eth1", 0, "TxRx"}},                                     // bnx2 (bnx2-mlx4-12cpu)
		{"eth6-7", want{"eth6", 7, "TxRx"}},                                     // mlx4_en rings (mlx4-be2net-16cpu)
		{"eth4-q2", want{"eth4", 2, "TxRx"}},                                    // be2net
		{"mlx5_comp3@pci:0000:01:00.0", want{"mlx5@0000:01:00.0", 3, "comp"}},   // rss-ladder-mlx5
		{"mlx4-comp-2@pci:0000:04:00.0", want{"mlx4@0000:04:00.0", 2, "comp"}},  // mlx4-be2net-16cpu
		{"mlx4-3@0000:04:00.0", want{"mlx4@0000:04:00.0", 3, "comp"}},           // older mlx4 name
		{"gve-ntfy-blk5@pci:0000:00:04.0", want{"gve@0000:00:04.0", 5, "ntfy"}}, // gve (GCP)
		{"hns3-0000:7d:00.0-TxRx-1", want{"hns3@0000:7d:00.0", 1, "TxRx"}},      // hns3
		{"virtio3-input.0", want{"virtio3", 0, "input"}},                        // virtio_net (virtio-vm-4cpu)
		{"virtio3-output.11", want{"virtio3", 11, "output"}},                    // virtio_net
		{"eth0", want{"eth0", 0, "single"}},                                     // only vector (resolveSingleVectors may demote)
		{"enp6s0", want{"enp6s0", 0, "single"}},                                 // r8169, one MSI vector
		{"enp0s25", want{"enp0s25", 0, "single"}},                               // e1000e (insights laptop)
		{"p1p1", want{"p1p1", 0, "single"}},                                     // biosdevname
		{"enx00155d3e0101", want{"enx00155d3e0101", 0, "single"}},               // USB NIC by MAC
		{"skge@pci:0000:05:00.0", want{"skge@0000:05:00.0", 0, "single"}},       // skge (igb-i350-4cpu)
		{"uhci_hcd:usb1, eth0, eth1", want{"eth0", 0, "single"}},                // shared legacy line (kvm-e1000-2cpu)
		{"ehci_hcd:usb1, eth2-rx-0", want{"eth2", 0, "rx"}},                     // first NIC action wins
		// device vectors of a NIC: recognised, not a queue
		{"i40e-0000:01:00.0:misc", want{"i40e@0000:01:00.0", -1, ""}},
		{"i40e-0000:01:00.0:fdir-TxRx-0", want{"i40e@0000:01:00.0", -1, ""}}, // flow director sideband
		{"mlx5_async_eq@pci:0000:01:00.1", want{"mlx5@0000:01:00.1", -1, ""}},
		{"mlx5_pages_eq@pci:0000:01:00.0", want{"mlx5@0000:01:00.0", -1, ""}},
		{"mlx4-async@pci:0000:07:00.0", want{"mlx4@0000:07:00.0", -1, ""}},
		{"ena-mgmnt@pci:0000:00:05.0", want{"ena@0000:00:05.0", -1, ""}},
		// not NICs
		{"nvme0q3", none},
		{"nvme1q0", none},
		{"virtio1-req.0", none},        // virtio_blk
		{"virtio4-input", none},        // virtio_console / virtio-rng: no queue number
		{"virtio3-rx", none},           // vsock (this VM)
		{"virtio0-virtqueues", none},   // any virtio device: NICIRQs decides with the configuration
		{"virtio1", none},              // legacy INTx of any virtio device
		{"virtio2-control", none},      // virtio_gpu
		{"ahci", none},                 //
		{"ahci[0000:00:1f.2]", none},   //
		{"xhci_hcd", none},             //
		{"i915", none},                 //
		{"timer", none},                //
		{"hpsa0-msix3", none},          // HP Smart Array
		{"hpsa0", none},                //
		{"ioat-msix", none},            //
		{"dmar0", none},                //
		{"snd_hda_intel:card1", none},  //
		{"ACPI:Ged", none},             //
		{"VCHIQ doorbell", none},       //
		{"dwc_otg, dwc_otg_pcd", none}, // the Pi's USB (its NIC is behind USB: not visible here)
		{"iwlwifi", none},              //
		{"foo@pci:0000:01:00.0", none}, // an unknown driver's PCI-named vector
		{"mlx5_comp1@pci:0000:01", none},
		{"eth0-TxRx-x", none},
		{"-TxRx-1", none},
		{"ens", none},
		{"encoder0", none},
		{"", none},
	}
	for _, tt := range tests {
		var got want
		got.NIC, got.Queue, got.Kind = classifyDevice(tt.device, looksLikeIface)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("classifyDevice(%q) (-want +got):\n%s", tt.device, diff)
		}
	}
}

// TestRealWorldNICVectors lists, per real file, the queue vectors recognised
// for each NIC ("eth0:8" = 8 queue vectors; "eth3:-" = only a link vector).
// Each entry was checked against the file and its PROVENANCE notes: every
// NIC vector in these files is recognised, and nothing else is.
func TestRealWorldNICVectors(t *testing.T) {
	want := map[string]string{
		"insights-core_laptop-8cpu":                            "enp0s25:1",
		"live-virtio-2cpu-6.18":                                "virtio2:2",
		"netutils-linux_bnx2-mlx4-12cpu-single-hot-queue":      "eth0:8 eth1:8 eth2:8 mlx4@0000:07:00.0:3",
		"netutils-linux_e1000e-atl1e-2cpu-legacy-irq":          "eth0:1 eth1:1 eth2:1",
		"netutils-linux_i40e-e1000e-4cpu":                      "eth0:4 eth2:1 eth3:4 i40e@0000:01:00.0:- i40e@0000:01:00.1:-",
		"netutils-linux_igb-8cpu-2x82576":                      "eth0:8 eth1:8 eth2:2 eth3:2",
		"netutils-linux_igb-e1000e-16cpu":                      "eth0:2 eth1:2 eth3:8",
		"netutils-linux_igb-em-16cpu":                          "em1:8 em2:8",
		"netutils-linux_igb-i350-4cpu":                         "eth0:1 eth6:4 skge@0000:05:00.0:1",
		"netutils-linux_ixgbe-igb-32cpu-mixed-affinity":        "eth0:8 eth1:8 eth2:32 eth3:32 eth4:32 eth5:32",
		"netutils-linux_kvm-e1000-2cpu":                        "eth0:1",
		"netutils-linux_mlx4-be2net-16cpu":                     "eth0:5 eth1:5 eth6:8 eth7:8 mlx4@0000:04:00.0:3",
		"netutils-linux_multinic-multiqueue-4cpu-series-1":     "eth0:1 eth4:4 eth5:4",
		"netutils-linux_multinic-multiqueue-4cpu-series-2":     "eth0:1 eth4:4 eth5:4",
		"netutils-linux_multinic-multiqueue-4cpu-series-short": "eth0:1 eth4:4 eth5:4",
		"netutils-linux_qlcnic-48cpu-all-queues-on-cpu0":       "eth0:4 eth1:4",
		"netutils-linux_rss-ladder-2xI350.i5-6400":             "eth0:8 eth1:8 eth2:1 eth3:1",
		"netutils-linux_rss-ladder-igb.E5606":                  "eth0:8 eth1:8 eth3:8 eth4:8 eth5:8",
		"netutils-linux_rss-ladder-ixgbe.E5645":                "eth0:8 eth1:8 eth2:1 eth3:1",
		"netutils-linux_rss-ladder-mlx5.Q6700":                 "eth0:1 eth1:1 mlx5@0000:01:00.0:4 mlx5@0000:01:00.1:4",
		"netutils-linux_singlequeue-8cpu-series-1":             "eth0:1 eth1:1",
		"netutils-linux_singlequeue-8cpu-series-2":             "eth0:1 eth1:1",
		"netutils-linux_singlequeue-8cpu-series-short":         "eth0:1 eth1:1",
		"netutils-linux_strange-cpu-8cpu-irq-spread":           "eth0:8 eth1:8",
		"netutils-linux_vscale-vm-1cpu":                        "virtio0:2",
		"node_exporter_aws-graviton-ena-8cpu":                  "ena@0000:00:05.0:- eth0:8",
		"node_exporter_laptop-4cpu-softnet-drops":              "",
		"procfs_virtio-vm-4cpu":                                "virtio0:2",
		"telegraf_raspberrypi-arm-4cpu-usb-nic-cpu0":           "",
	}
	for file, w := range want {
		in, err := parseInterrupts("proc/interrupts", readTestdata(t, file), nil)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		queues := map[string]int{}
		for _, l := range in.Lines {
			if l.NIC == "" {
				continue
			}
			if l.Kind != "" {
				queues[l.NIC]++
			} else if _, ok := queues[l.NIC]; !ok {
				queues[l.NIC] = 0
			}
		}
		var got []string
		for nic, n := range queues {
			if n == 0 {
				got = append(got, nic+":-")
			} else {
				got = append(got, fmt.Sprintf("%s:%d", nic, n))
			}
		}
		slices.Sort(got)
		if g := strings.Join(got, " "); g != w {
			t.Errorf("%s:\n got %s\nwant %s", file, g, w)
		}
	}
}
