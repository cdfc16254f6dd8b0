package synthhost

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netvet/netvet/internal/cpumask"
)

// prec is show_interrupts' width of the IRQ column: 4 once nr_irqs reaches
// 1000, as on any host of this size (kernel/irq/proc.c).
const prec = 4

// procFiles adds the per-sample files under proc/.
func (h *Host) procFiles(f map[string][]byte) {
	f["proc/interrupts"] = h.interrupts()
	f["proc/softirqs"] = h.softirqs()
	f["proc/net/softnet_stat"] = h.softnetStat()
	f["proc/net/netstat"] = h.protoFile("netstat")
	f["proc/net/snmp"] = h.protoFile("snmp")
	f["proc/net/dev"] = h.netDev()
	f["proc/net/sockstat"] = fmt.Appendf(nil, "sockets: used %d\nTCP: inuse %d orphan %d tw %d alloc %d mem %d\nUDP: inuse %d mem %d\nUDPLITE: inuse 0\nRAW: inuse 1\nFRAG: inuse 0 memory 0\n",
		h.estab+h.tw/4+2100, h.estab+60, 12, h.tw, h.estab+900, h.tcpMem, 41, 30)
	idle := h.uptime * float64(h.o.CPUs) * 0.55
	f["proc/uptime"] = fmt.Appendf(nil, "%.2f %.2f\n", h.uptime, idle)
	f["proc/net/bonding/bond0"] = h.bondingProc()
}

// appendPad appends v right-aligned in width columns.
func appendPad(b []byte, v uint64, width int) []byte {
	var d [20]byte
	s := strconv.AppendUint(d[:0], v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// appendStr appends s right-aligned (width > 0) or left-aligned (width < 0).
func appendStr(b []byte, s string, width int) []byte {
	pad := max(0, abs(width)-len(s))
	if width < 0 {
		b = append(b, s...)
		return append(b, strings.Repeat(" ", pad)...)
	}
	b = append(b, strings.Repeat(" ", pad)...)
	return append(b, s...)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// interrupts renders proc/interrupts as show_interrupts and x86's
// arch_show_interrupts print it: per-CPU counts are the kernel's unsigned
// int (" %10u"), so they are written modulo 2^32.
func (h *Host) interrupts() []byte {
	n := h.o.CPUs
	b := make([]byte, 0, (len(h.irqs)+len(h.sums)+1)*(11*n+64))
	b = append(b, strings.Repeat(" ", prec+8)...)
	for c := range n {
		b = append(b, "CPU"...)
		b = appendStr(b, strconv.Itoa(c), -8)
	}
	b = append(b, '\n')
	for _, l := range h.irqs {
		b = appendPad(b, uint64(l.num), prec)
		b = append(b, ':')
		for _, v := range l.counts {
			b = append(b, ' ')
			b = appendPad(b, uint64(uint32(v)), 10)
		}
		b = append(b, ' ')
		b = appendStr(b, l.chip, 8)
		b = append(b, ' ')
		b = appendPad(b, uint64(l.hwirq), prec)
		b = append(b, '-')
		b = appendStr(b, l.handler, -8)
		b = append(b, "  "...)
		b = append(b, l.name...)
		b = append(b, '\n')
	}
	for _, s := range h.sums {
		b = appendStr(b, s.label, prec)
		b = append(b, ':')
		if s.single {
			b = append(b, ' ')
			b = appendPad(b, uint64(uint32(s.counts[0])), 10)
			b = append(b, '\n')
			continue
		}
		b = append(b, ' ')
		for _, v := range s.counts {
			b = appendPad(b, uint64(uint32(v)), 10)
			b = append(b, ' ')
		}
		b = append(b, "  "...)
		b = append(b, s.desc...)
		b = append(b, '\n')
	}
	return b
}

// softirqs renders proc/softirqs (kernel/softirq.c show_softirqs): every
// possible CPU, " %10u" each.
func (h *Host) softirqs() []byte {
	b := append([]byte(nil), strings.Repeat(" ", 20)...)
	for c := range h.o.CPUs {
		b = append(b, "CPU"...)
		b = appendStr(b, strconv.Itoa(c), -8)
	}
	b = append(b, '\n')
	for i, name := range softirqNames {
		b = appendStr(b, name, 12)
		b = append(b, ':')
		for _, v := range h.softirq[i] {
			b = append(b, ' ')
			b = appendPad(b, uint64(uint32(v)), 10)
		}
		b = append(b, '\n')
	}
	return b
}

// softnetStat renders proc/net/softnet_stat (net/core/net-procfs.c
// softnet_seq_show): one row per online CPU, "%08x" columns; the 13th is
// the CPU, 14 and 15 (newer kernels) split the backlog into input and
// process queue lengths.
func (h *Host) softnetStat() []byte {
	var b []byte
	for cpu, s := range h.softnet {
		cols := []uint64{s.processed, s.dropped, s.squeeze, 0, 0, 0, 0, 0, 0, s.rps, s.flowLimit, s.backlog, uint64(cpu)}
		if h.o.SoftnetColumns == 15 {
			cols = append(cols, s.backlog, 0)
		}
		for i, v := range cols {
			if i > 0 {
				b = append(b, ' ')
			}
			b = fmt.Appendf(b, "%08x", uint32(v))
		}
		b = append(b, '\n')
	}
	return b
}

// netDev renders proc/net/dev (net/core/net-procfs.c dev_seq_printf_stats).
func (h *Host) netDev() []byte {
	b := []byte("Inter-|   Receive                                                |  Transmit\n" +
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n")
	for _, name := range h.ifaces() {
		s := h.linkStats(name)
		b = fmt.Appendf(b, "%6s: %7d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d\n",
			name, s["rx_bytes"], s["rx_packets"], s["rx_errors"], s["rx_dropped"]+s["rx_missed_errors"],
			s["rx_fifo_errors"], s["rx_length_errors"]+s["rx_over_errors"]+s["rx_crc_errors"]+s["rx_frame_errors"],
			s["rx_compressed"], s["multicast"], s["tx_bytes"], s["tx_packets"], s["tx_errors"], s["tx_dropped"],
			s["tx_fifo_errors"], s["collisions"],
			s["tx_carrier_errors"]+s["tx_aborted_errors"]+s["tx_window_errors"]+s["tx_heartbeat_errors"], s["tx_compressed"])
	}
	return b
}

// irqFiles adds proc/irq/N/{smp_affinity_list,effective_affinity_list}.
func (h *Host) irqFiles(f map[string][]byte) {
	for _, l := range h.irqs {
		dir := "proc/irq/" + strconv.Itoa(l.num) + "/"
		f[dir+"smp_affinity_list"] = []byte(cpumask.Of(l.affinity...).List() + "\n")
		f[dir+"effective_affinity_list"] = []byte(strconv.Itoa(l.eff) + "\n")
	}
}

// sysctlFiles adds the proc/sys values netvet reads: the defaults of a 6.x
// kernel on a large host (vectors are tab-separated, as proc_dointvec
// prints them).
func (h *Host) sysctlFiles(f map[string][]byte) {
	zero := cpumask.Set{}.Hex(h.o.CPUs)
	for k, v := range map[string]string{
		"net/core/somaxconn":             "4096",
		"net/core/netdev_max_backlog":    "1000",
		"net/core/netdev_budget":         "300",
		"net/core/netdev_budget_usecs":   "8000",
		"net/core/rps_sock_flow_entries": "0",
		"net/core/rmem_max":              "212992",
		"net/core/wmem_max":              "212992",
		"net/core/rmem_default":          "212992",
		"net/core/wmem_default":          "212992",
		"net/core/flow_limit_cpu_bitmap": zero,
		"net/core/dev_weight":            "64",
		"net/ipv4/tcp_max_syn_backlog":   "4096",
		"net/ipv4/tcp_syncookies":        "1",
		"net/ipv4/tcp_rmem":              "4096\t131072\t6291456",
		"net/ipv4/tcp_wmem":              "4096\t16384\t4194304",
		"net/ipv4/tcp_mem":               "9240060\t12320080\t18480120",
		"net/ipv4/tcp_adv_win_scale":     "1",
		"net/ipv4/tcp_moderate_rcvbuf":   "1",
		"net/ipv4/ip_local_port_range":   "32768\t60999",
		"net/ipv4/tcp_tw_reuse":          "2",
		"net/ipv4/tcp_fin_timeout":       "60",
		"net/ipv4/udp_mem":               "18480120\t24640160\t36960240",
	} {
		f["proc/sys/"+k] = []byte(v + "\n")
	}
}
