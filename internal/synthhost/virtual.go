package synthhost

import (
	"fmt"
	"strconv"
	"strings"
)

// virtualFiles adds the netvet/ files the live source builds from ioctls and
// socket diagnostics (DESIGN.md "Recording format").
func (h *Host) virtualFiles(f map[string][]byte) {
	f["netvet/host.json"] = fmt.Appendf(nil, `{"hostname":%q,"kernel":%q,"boot_id":%q,"cpus":%d,"time":%q}`+"\n",
		h.o.Hostname, h.o.Kernel, h.o.BootID, h.o.CPUs, h.now.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
	for _, n := range h.nics {
		f["netvet/ethtool/"+n.name+".json"] = h.ethtoolJSON(n)
	}
	f["netvet/ethtool/bond0.json"] = []byte(`{"driver":"bonding","features":{"rx-gro":true,"tx-generic-segmentation":true,"tx-tcp-segmentation":true}}` + "\n")
	f["netvet/listeners.json"] = fmt.Appendf(nil, `[{"local":"0.0.0.0:443","queue":%d,"limit":4096},{"local":"0.0.0.0:80","queue":0,"limit":4096},`+
		`{"local":"[::]:443","queue":0,"limit":4096},{"local":"0.0.0.0:22","queue":0,"limit":128},{"local":"127.0.0.1:9100","queue":0,"limit":4096}]`+"\n", h.acceptQ)
	var r []string
	for i, svc := range []struct {
		addr    string
		est, tw int
	}{{"10.20.5.11:5432", 240, 12}, {"10.20.5.12:5432", 236, 9}, {"10.20.6.21:6379", 512, 40}, {"10.20.7.31:9092", 96, 3}, {"10.30.1.8:443", 64, 1800}} {
		r = append(r, fmt.Sprintf(`{"remote":%q,"established":%d,"time_wait":%d,"other":%d}`,
			svc.addr, svc.est+h.remoteJitter[i], svc.tw+h.remoteJitter[i]/2+2, i%2))
	}
	f["netvet/tcp_remotes.json"] = []byte("[" + strings.Join(r, ",") + "]\n")
}

// ethtoolJSON renders netvet/ethtool/<if>.json: driver, bus, rings,
// channels, features and the -S counters in the driver's order.
func (h *Host) ethtoolJSON(n *nic) []byte {
	b := fmt.Appendf(nil, `{"driver":%q,"bus":%q,"rings":{"rx":512,"rx_max":4096,"tx":512,"tx_max":4096},`+
		`"channels":{"rx":0,"rx_max":0,"tx":0,"tx_max":0,"combined":%d,"combined_max":%d},"features":{`,
		n.driver, n.pci, len(n.cpuOf), len(n.cpuOf))
	for i, feat := range []struct {
		name string
		on   bool
	}{
		{"highdma", true}, {"rx-checksum", true}, {"rx-gro", true}, {"rx-gro-hw", false}, {"rx-hashing", true},
		{"rx-lro", false}, {"rx-ntuple-filter", n.driver == "ixgbe"}, {"rx-vlan-hw-parse", true},
		{"tx-checksum-ipv4", true}, {"tx-checksum-ipv6", true}, {"tx-generic-segmentation", true},
		{"tx-scatter-gather", true}, {"tx-tcp-segmentation", true}, {"tx-vlan-hw-insert", true},
	} {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "%q:%t", feat.name, feat.on)
	}
	b = append(b, `},"stats":[`...)
	for i, s := range h.ethtoolStats(n) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `["`...)
		b = append(b, s.name...)
		b = append(b, `",`...)
		b = strconv.AppendUint(b, s.value, 10)
		b = append(b, ']')
	}
	return append(b, "]}\n"...)
}

type stat struct {
	name  string
	value uint64
}

// ethtoolStats lists ethtool -S in the driver's layout: ixgbe's global
// counters then tx_queue_N_*/rx_queue_N_* (ixgbe_ethtool.c), or i40e's
// netdev counters, tx-N./rx-N. queue pairs, veb.* and port.* (the layout of
// a real X710, i40e_ethtool.c).
func (h *Host) ethtoolStats(n *nic) []stat {
	rx, tx := sum(n.rxPkts), sum(n.txPkts)
	rxb, txb := sum(n.rxBytes), sum(n.txBytes)
	var st []stat
	add := func(name string, v uint64) { st = append(st, stat{name, v}) }
	zeros := func(names string) {
		for _, f := range strings.Fields(names) {
			add(f, 0)
		}
	}
	if n.driver == "ixgbe" {
		add("rx_packets", rx)
		add("tx_packets", tx)
		add("rx_bytes", rxb)
		add("tx_bytes", txb)
		add("rx_pkts_nic", rx+n.rxMissed)
		add("tx_pkts_nic", tx)
		add("rx_bytes_nic", rxb+n.rxMissed*uint64(n.rxSize))
		add("tx_bytes_nic", txb)
		add("lsc_int", 2)
		zeros("tx_busy non_eop_descs rx_errors tx_errors rx_dropped tx_dropped")
		add("multicast", n.rxMulticast)
		add("broadcast", n.rxBroadcast)
		zeros("rx_no_buffer_count collisions rx_over_errors rx_crc_errors rx_frame_errors hw_rsc_aggregated hw_rsc_flushed")
		add("fdir_match", rx/10*9)
		add("fdir_miss", rx/10)
		zeros("fdir_overflow rx_fifo_errors")
		add("rx_missed_errors", n.rxMissed)
		zeros(`tx_aborted_errors tx_carrier_errors tx_fifo_errors tx_heartbeat_errors tx_timeout_count tx_restart_queue
			rx_length_errors rx_long_length_errors rx_short_length_errors tx_flow_control_xon rx_flow_control_xon
			tx_flow_control_xoff rx_flow_control_xoff rx_csum_offload_errors`)
		add("alloc_rx_page", 262144)
		zeros(`alloc_rx_page_failed alloc_rx_buff_failed rx_no_dma_resources os2bmc_rx_by_bmc os2bmc_tx_by_bmc
			os2bmc_tx_by_host os2bmc_rx_by_host tx_hwtstamp_timeouts tx_hwtstamp_skipped rx_hwtstamp_cleared
			tx_ipsec rx_ipsec rx_ipsec_failed`)
		for q := range n.cpuOf {
			add(fmt.Sprintf("tx_queue_%d_packets", q), n.txPkts[q])
			add(fmt.Sprintf("tx_queue_%d_bytes", q), n.txBytes[q])
		}
		for q := range n.cpuOf {
			add(fmt.Sprintf("rx_queue_%d_packets", q), n.rxPkts[q])
			add(fmt.Sprintf("rx_queue_%d_bytes", q), n.rxBytes[q])
		}
		for _, dir := range []string{"tx", "rx"} {
			for p := range 8 {
				add(fmt.Sprintf("%s_pb_%d_pxon", dir, p), 0)
				add(fmt.Sprintf("%s_pb_%d_pxoff", dir, p), 0)
			}
		}
		return st
	}
	add("rx_packets", rx)
	add("tx_packets", tx)
	add("rx_bytes", rxb)
	add("tx_bytes", txb)
	zeros("rx_errors tx_errors rx_dropped tx_dropped collisions rx_length_errors rx_crc_errors")
	add("rx_unicast", rx-n.rxMulticast-n.rxBroadcast)
	add("tx_unicast", tx)
	add("rx_multicast", n.rxMulticast)
	add("tx_multicast", 0)
	add("rx_broadcast", n.rxBroadcast)
	zeros("tx_broadcast rx_unknown_protocol tx_linearize tx_force_wb tx_busy rx_alloc_fail rx_pg_alloc_fail")
	for q := range n.cpuOf {
		add(fmt.Sprintf("tx-%d.packets", q), n.txPkts[q])
		add(fmt.Sprintf("tx-%d.bytes", q), n.txBytes[q])
		add(fmt.Sprintf("rx-%d.packets", q), n.rxPkts[q])
		add(fmt.Sprintf("rx-%d.bytes", q), n.rxBytes[q])
	}
	zeros(`veb.rx_bytes veb.tx_bytes veb.rx_unicast veb.tx_unicast veb.rx_multicast veb.tx_multicast veb.rx_broadcast
		veb.tx_broadcast veb.rx_discards veb.tx_discards veb.tx_errors veb.rx_unknown_protocol`)
	for tc := range 8 {
		zeros(fmt.Sprintf("veb.tc_%d_tx_packets veb.tc_%d_tx_bytes veb.tc_%d_rx_packets veb.tc_%d_rx_bytes", tc, tc, tc, tc))
	}
	add("port.rx_bytes", rxb+rx*4)
	add("port.tx_bytes", txb+tx*4)
	add("port.rx_unicast", rx-n.rxMulticast-n.rxBroadcast+n.rxMissed)
	add("port.tx_unicast", tx)
	add("port.rx_multicast", n.rxMulticast)
	add("port.tx_multicast", 0)
	add("port.rx_broadcast", n.rxBroadcast)
	add("port.tx_broadcast", 0)
	add("port.tx_errors", 0)
	add("port.rx_dropped", n.rxMissed)
	zeros(`port.tx_dropped_link_down port.rx_crc_errors port.illegal_bytes port.mac_local_faults port.mac_remote_faults
		port.tx_timeout port.rx_csum_bad port.rx_length_errors port.link_xon_rx port.link_xoff_rx port.link_xon_tx port.link_xoff_tx`)
	for i, share := range []uint64{8, 22, 10, 6, 9, 45} { // percent of packets per size bucket
		add([]string{"port.rx_size_64", "port.rx_size_127", "port.rx_size_255", "port.rx_size_511", "port.rx_size_1023", "port.rx_size_1522"}[i], rx/100*share)
	}
	add("port.rx_size_big", 0)
	for i, share := range []uint64{5, 18, 12, 8, 9, 48} {
		add([]string{"port.tx_size_64", "port.tx_size_127", "port.tx_size_255", "port.tx_size_511", "port.tx_size_1023", "port.tx_size_1522"}[i], tx/100*share)
	}
	zeros(`port.tx_size_big port.rx_undersize port.rx_fragments port.rx_oversize port.rx_jabber port.VF_admin_queue_requests
		port.arq_overflows port.tx_hwtstamp_timeouts port.rx_hwtstamp_cleared port.tx_hwtstamp_skipped`)
	add("port.fdir_flush_cnt", 12)
	add("port.fdir_atr_match", rx/10*9)
	add("port.fdir_atr_tunnel_match", 0)
	add("port.fdir_atr_status", 1)
	add("port.fdir_sb_match", 0)
	add("port.fdir_sb_status", 1)
	zeros("port.tx_lpi_status port.rx_lpi_status port.tx_lpi_count port.rx_lpi_count")
	for p := range 8 {
		zeros(fmt.Sprintf("port.tx_priority_%d_xon_tx port.tx_priority_%d_xoff_tx port.rx_priority_%d_xon_rx port.rx_priority_%d_xoff_rx port.rx_priority_%d_xon_2_xoff", p, p, p, p, p))
	}
	return st
}
