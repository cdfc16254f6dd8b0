package synthhost

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netvet/netvet/internal/cpumask"
)

// statNames are the files of sys/class/net/<if>/statistics (struct
// rtnl_link_stats64, net/core/net-sysfs.c).
var statNames = strings.Fields(`collisions multicast rx_bytes rx_compressed rx_crc_errors rx_dropped rx_errors rx_fifo_errors rx_frame_errors rx_length_errors rx_missed_errors rx_nohandler rx_over_errors rx_packets tx_aborted_errors tx_bytes tx_carrier_errors tx_compressed tx_dropped tx_errors tx_fifo_errors tx_heartbeat_errors tx_packets tx_window_errors`)

// bondQueues is the bonding driver's default tx_queues (and rx queues).
const bondQueues = 16

// ifaces lists the interfaces in ifindex order.
func (h *Host) ifaces() []string {
	names := []string{"lo"}
	for _, n := range h.nics {
		names = append(names, n.name)
	}
	return append(names, "bond0")
}

func (h *Host) nicByName(name string) *nic {
	for _, n := range h.nics {
		if n.name == name {
			return n
		}
	}
	return nil
}

func sum(v []uint64) uint64 {
	var t uint64
	for _, x := range v {
		t += x
	}
	return t
}

// linkStats returns an interface's statistics/* counters (every name in
// statNames is present).
func (h *Host) linkStats(name string) map[string]uint64 {
	s := make(map[string]uint64, len(statNames))
	for _, k := range statNames {
		s[k] = 0
	}
	switch name {
	case "lo":
		pk := uint64(h.uptime * 50)
		s["rx_packets"], s["tx_packets"], s["rx_bytes"], s["tx_bytes"] = pk, pk, pk*310, pk*310
	case "bond0":
		for _, n := range h.nics {
			if n.master == name {
				for k, v := range h.linkStats(n.name) {
					s[k] += v
				}
			}
		}
	default:
		n := h.nicByName(name)
		s["rx_packets"], s["tx_packets"] = sum(n.rxPkts), sum(n.txPkts)
		s["rx_bytes"], s["tx_bytes"] = sum(n.rxBytes), sum(n.txBytes)
		s["multicast"] = n.rxMulticast
		s["rx_missed_errors"] = n.rxMissed
	}
	return s
}

// devPath is the sysfs directory of a NIC's PCI function.
func devPath(n *nic) string {
	return fmt.Sprintf("sys/devices/pci0000:%s/%s/%s", n.port[5:7], n.port, n.pci)
}

// sysCounterFiles adds the per-sample sysfs files: link state and
// statistics, and the bonding state.
func (h *Host) sysCounterFiles(f map[string][]byte) {
	for _, name := range h.ifaces() {
		dir := "sys/class/net/" + name + "/"
		switch name {
		case "lo":
			// speed and duplex of lo cannot be read (EINVAL): absent.
			f[dir+"operstate"] = []byte("unknown\n")
		case "bond0":
			f[dir+"operstate"] = []byte("up\n")
			f[dir+"speed"] = []byte("20000\n")
			f[dir+"duplex"] = []byte("full\n")
		default:
			f[dir+"operstate"] = []byte("up\n")
			f[dir+"speed"] = []byte(strconv.Itoa(h.nicByName(name).speed) + "\n")
			f[dir+"duplex"] = []byte("full\n")
		}
		f[dir+"carrier"] = []byte("1\n")
		for k, v := range h.linkStats(name) {
			f[dir+"statistics/"+k] = []byte(strconv.FormatUint(v, 10) + "\n")
		}
	}
	h.bondingSysfs(f)
}

// configFiles adds what the configuration collectors read.
func (h *Host) configFiles(f map[string][]byte) {
	h.sysctlFiles(f)
	h.irqFiles(f)
	all := cpumask.Range(0, h.o.CPUs-1)
	zero := cpumask.Set{}.Hex(h.o.CPUs)
	for i, name := range h.ifaces() {
		dir := "sys/class/net/" + name + "/"
		f[dir+"ifindex"] = []byte(strconv.Itoa(i+1) + "\n")
		f[dir+"tx_queue_len"] = []byte("1000\n")
		rx, tx := 1, 1
		switch name {
		case "lo":
			f[dir+"mtu"] = []byte("65536\n")
			f[dir+"type"] = []byte("772\n")
			f[dir+"address"] = []byte("00:00:00:00:00:00\n")
		case "bond0":
			f[dir+"mtu"] = []byte("1500\n")
			f[dir+"type"] = []byte("1\n")
			f[dir+"address"] = []byte(h.nics[0].mac + "\n")
			rx, tx = bondQueues, bondQueues
			for _, n := range h.nics {
				if n.master == name {
					f[dir+"lower_"+n.name+symlink] = []byte("../../../" + devPath(n)[len("sys/devices/"):] + "/net/" + n.name)
				}
			}
		default:
			n := h.nicByName(name)
			f[dir+"mtu"] = []byte("1500\n")
			f[dir+"type"] = []byte("1\n")
			f[dir+"address"] = []byte(n.mac + "\n")
			rx, tx = len(n.cpuOf), len(n.cpuOf)
			// The links as the kernel has them, relative to the real
			// directory sys/devices/…/<pci>/net/<if>.
			f[dir+"device"+symlink] = []byte("../../../" + n.pci)
			f[dir+"device/driver"+symlink] = []byte("../../../../bus/pci/drivers/" + n.driver)
			f[dir+"device/numa_node"] = []byte(strconv.Itoa(n.node) + "\n")
			f[dir+"device/local_cpulist"] = []byte(cpumask.Of(h.nodeCPUs[n.node]...).List() + "\n")
			if n.master != "" {
				f[dir+"master"+symlink] = []byte("../../../../../virtual/net/" + n.master)
				f[dir+"upper_"+n.master+symlink] = []byte("../../../../../virtual/net/" + n.master)
			}
		}
		for q := range rx {
			qd := fmt.Sprintf("%squeues/rx-%d/", dir, q)
			f[qd+"rps_cpus"] = []byte(zero + "\n")
			f[qd+"rps_flow_cnt"] = []byte("0\n")
		}
		for q := range tx {
			if tx == 1 {
				continue // xps_cpus of a single-queue device cannot be read (ENOENT)
			}
			xps := zero
			if n := h.nicByName(name); n != nil {
				xps = cpumask.Of(n.cpuOf[q]).Hex(h.o.CPUs)
			}
			f[fmt.Sprintf("%squeues/tx-%d/xps_cpus", dir, q)] = []byte(xps + "\n")
		}
	}
	f["sys/devices/system/cpu/online"] = []byte(all.List() + "\n")
	f["sys/devices/system/cpu/possible"] = []byte(all.List() + "\n")
	f["sys/devices/system/node/online"] = []byte(cpumask.Range(0, h.o.Nodes-1).List() + "\n")
	for n, cpus := range h.nodeCPUs {
		f[fmt.Sprintf("sys/devices/system/node/node%d/cpulist", n)] = []byte(cpumask.Of(cpus...).List() + "\n")
	}
	for cpu := range h.o.CPUs {
		dir := fmt.Sprintf("sys/devices/system/cpu/cpu%d/topology/", cpu)
		core := cpu % h.cores()
		f[dir+"thread_siblings_list"] = []byte(cpumask.Of(core, core+h.cores()).List() + "\n")
		f[dir+"physical_package_id"] = []byte(strconv.Itoa(h.nodeOf(cpu)) + "\n")
		f[dir+"core_id"] = []byte(strconv.Itoa(core%(h.cores()/h.o.Nodes)) + "\n")
	}
	f["netvet/irqbalance.json"] = []byte(`{"running":false}` + "\n")
	f["netvet/addrs.json"] = []byte(`{"bond0":["10.20.0.15/24"],"eth2":["10.30.0.15/24"],"eth3":["10.31.0.15/24"],"lo":["127.0.0.1/8"]}` + "\n")
}

// symlink marks a file that stands for a symlink in a recording (DESIGN.md).
const symlink = ".symlink"
