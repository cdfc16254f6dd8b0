package export

import (
	"regexp"

	"github.com/netvet/netvet/collect"
)

var (
	famNICUp      = gaugeFamily("netvet_nic_up", "1 when the interface's operstate is up, 0 when it is another state (sys/class/net/IF/operstate); absent when unreadable.", "device")
	famNICCarrier = gaugeFamily("netvet_nic_carrier", "1 when the interface has a carrier, 0 when not (sys/class/net/IF/carrier); absent when the kernel refuses to say.", "device")
	famNICSpeed   = gaugeFamily("netvet_nic_speed_bytes", "Link speed in bytes per second (sys/class/net/IF/speed); absent when unknown.", "device")
	famNICInfo    = gaugeFamily("netvet_nic_info", "Always 1: the interface's kind (physical, virtual, bond, vlan, veth, …), driver and bond or bridge master.", "device", "kind", "driver", "master")
	famNICAddrs   = gaugeFamily("netvet_nic_addresses", "IP addresses configured on the interface (netlink RTM_GETADDR).", "device")
	famNICMTU     = gaugeFamily("netvet_nic_mtu_bytes", "The interface's MTU (sys/class/net/IF/mtu).", "device")
	famNICTxQLen  = gaugeFamily("netvet_nic_tx_queue_length", "The interface's txqueuelen in packets (sys/class/net/IF/tx_queue_len).", "device")
	famNICQueues  = gaugeFamily("netvet_nic_queues", "Kernel queues of the interface (sys/class/net/IF/queues/rx-N, tx-N).", "device", "direction")
	famRing       = gaugeFamily("netvet_nic_ring_descriptors", "Current ring size (ethtool -g).", "device", "ring")
	famRingMax    = gaugeFamily("netvet_nic_ring_max_descriptors", "Largest ring size the driver allows (ethtool -g).", "device", "ring")
	famChannels   = gaugeFamily("netvet_nic_channels", "Active channels (ethtool -l).", "device", "type")
	famChanMax    = gaugeFamily("netvet_nic_channels_max", "Most channels the driver allows (ethtool -l).", "device", "type")
	famEthtool    = counterFamily("netvet_ethtool_stat_total", "Driver statistics (ethtool -S) selected by --ethtool-stats; the first of a repeated name.", "device", "stat")
)

// statName is what a sys/class/net/IF/statistics file may be called to
// become netvet_nic_<name>_total; the kernel's are all of this form.
var statName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// statFamily is the counter of one statistics file. The kernel's list
// (rtnl_link_stats64 in include/uapi/linux/if_link.h) grows over time, so
// names are taken as the kernel gives them rather than from a fixed list.
func statFamily(name string) family {
	return counterFamily("netvet_nic_"+name+"_total",
		"sys/class/net/IF/statistics/"+name+" (rtnl_link_stats64, https://github.com/torvalds/linux/blob/master/include/uapi/linux/if_link.h).", "device")
}

func emitLinks(s sink, snap *collect.Snapshot) {
	for _, name := range sortedKeys(snap.Links) {
		l := snap.Links[name]
		if l.Operstate != "" {
			s.add(famNICUp, boolValue(l.Operstate == "up"), name)
		}
		if l.Carrier >= 0 {
			s.add(famNICCarrier, float64(l.Carrier), name)
		}
		if l.Speed > 0 {
			s.add(famNICSpeed, float64(l.Speed)*1e6/8, name)
		}
		for _, st := range sortedKeys(l.Stats) {
			if statName.MatchString(st) {
				s.counter(statFamily(st), l.Stats[st], name)
			}
		}
	}
}

func emitNICConfig(s sink, snap *collect.Snapshot) {
	cfg := snap.Config
	if cfg == nil {
		return
	}
	for _, name := range sortedKeys(cfg.NICs) {
		n := cfg.NICs[name]
		s.add(famNICInfo, 1, name, n.Kind, n.Driver, n.Master)
		if n.MTU >= 0 {
			s.add(famNICMTU, float64(n.MTU), name)
		}
		if n.TxQueueLen >= 0 {
			s.add(famNICTxQLen, float64(n.TxQueueLen), name)
		}
		s.add(famNICQueues, float64(len(n.Rx)), name, "rx")
		s.add(famNICQueues, float64(len(n.Tx)), name, "tx")
	}
	// The address list covers every interface when it was read: an
	// interface it does not name has none.
	if cfg.Addrs != nil {
		devs := map[string]bool{}
		for n := range cfg.NICs {
			devs[n] = true
		}
		for n := range snap.Links {
			devs[n] = true
		}
		for n := range cfg.Addrs {
			devs[n] = true
		}
		for _, name := range sortedKeys(devs) {
			s.add(famNICAddrs, float64(len(cfg.Addrs[name])), name)
		}
	}
}

func emitEthtool(s sink, snap *collect.Snapshot, stats *regexp.Regexp) {
	for _, name := range sortedKeys(snap.Ethtool) {
		e := snap.Ethtool[name]
		if r := e.Rings; r != nil {
			s.add(famRing, float64(r.RX), name, "rx")
			s.add(famRing, float64(r.TX), name, "tx")
			s.add(famRingMax, float64(r.RXMax), name, "rx")
			s.add(famRingMax, float64(r.TXMax), name, "tx")
		}
		if c := e.Channels; c != nil {
			for _, ch := range []struct {
				typ      string
				cur, max uint32
			}{{"rx", c.RX, c.RXMax}, {"tx", c.TX, c.TXMax}, {"combined", c.Combined, c.CombinedMax}} {
				s.add(famChannels, float64(ch.cur), name, ch.typ)
				s.add(famChanMax, float64(ch.max), name, ch.typ)
			}
		}
		seen := map[string]bool{}
		for _, st := range e.Stats {
			// Drivers repeat names (per-queue blocks without a prefix);
			// the analyzer reads the first, and so does the export.
			if seen[st.Name] || !stats.MatchString(st.Name) {
				continue
			}
			seen[st.Name] = true
			s.counter(famEthtool, st.Value, name, st.Name)
		}
	}
}
