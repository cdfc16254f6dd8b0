package analyze

import (
	"slices"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/counter"
)

// The kernel keeps these counters in 64 bits (unsigned long on 64-bit
// kernels, u64 in rtnl_link_stats64), so a decrease is a reset. Drivers whose
// hardware counters are 32 bits are not marked anywhere the kernel exposes;
// their wraps count as resets (internal/counter explains why that is the
// safe side). Gauges in these tables (Tcp.CurrEstab, Ip.Forwarding) have no
// meaningful delta: rules read them from a snapshot.

// NetstatDelta returns the increase of a proc/net/netstat counter
// ("TcpExt.ListenOverflows").
func (w *Window) NetstatDelta(key string) (Delta, bool) {
	return w.series(counter.Bits64, func(_ int, s *collect.Snapshot) (uint64, bool) { return s.Netstat.Get(key) })
}

// SNMPDelta returns the increase of a proc/net/snmp counter ("Tcp.RetransSegs").
func (w *Window) SNMPDelta(key string) (Delta, bool) {
	return w.series(counter.Bits64, func(_ int, s *collect.Snapshot) (uint64, bool) { return s.SNMP.Get(key) })
}

// LinkStatDelta returns the increase of sys/class/net/<iface>/statistics/<name>
// ("rx_missed_errors").
func (w *Window) LinkStatDelta(iface, name string) (Delta, bool) {
	return w.series(counter.Bits64, func(_ int, s *collect.Snapshot) (uint64, bool) {
		l := s.Links[iface]
		if l == nil {
			return 0, false
		}
		v, ok := l.Stats[name]
		return v, ok
	})
}

// BondLinkFailuresDelta returns the increase of a bond slave's "Link Failure
// Count" (u32 link_failure_count in struct slave,
// https://github.com/torvalds/linux/blob/master/include/net/bonding.h; it
// restarts at 0 when the slave is enslaved again).
func (w *Window) BondLinkFailuresDelta(bond, slave string) (Delta, bool) {
	return w.series(counter.Bits32, func(_ int, s *collect.Snapshot) (uint64, bool) {
		b := s.Bonds[bond]
		if b == nil {
			return 0, false
		}
		for _, sl := range b.Slaves {
			if sl.Name == slave {
				return sl.LinkFailures, sl.HasLinkFailures
			}
		}
		return 0, false
	})
}

// NetDevDelta is one interface's proc/net/dev row over the window.
type NetDevDelta struct {
	RxBytes, RxPackets, RxErrs, RxDrop, RxFifo, RxFrame, RxCompressed, RxMulticast Delta
	TxBytes, TxPackets, TxErrs, TxDrop, TxFifo, TxColls, TxCarrier, TxCompressed   Delta
}

func netDevValues(v *collect.NetDevStats) [16]uint64 {
	return [16]uint64{v.RxBytes, v.RxPackets, v.RxErrs, v.RxDrop, v.RxFifo, v.RxFrame, v.RxCompressed, v.RxMulticast,
		v.TxBytes, v.TxPackets, v.TxErrs, v.TxDrop, v.TxFifo, v.TxColls, v.TxCarrier, v.TxCompressed}
}

func (d *NetDevDelta) fields() [16]*Delta {
	return [16]*Delta{&d.RxBytes, &d.RxPackets, &d.RxErrs, &d.RxDrop, &d.RxFifo, &d.RxFrame, &d.RxCompressed, &d.RxMulticast,
		&d.TxBytes, &d.TxPackets, &d.TxErrs, &d.TxDrop, &d.TxFifo, &d.TxColls, &d.TxCarrier, &d.TxCompressed}
}

// NetDevDelta returns interface iface's proc/net/dev counters over the
// window, over the intervals where the interface existed at both ends.
func (w *Window) NetDevDelta(iface string) (NetDevDelta, bool) {
	var out NetDevDelta
	dst := out.fields()
	get := func(s *collect.Snapshot) ([16]uint64, bool) {
		v, ok := s.NetDev[iface]
		if !ok {
			return [16]uint64{}, false
		}
		return netDevValues(&v), true
	}
	switch len(w.Snaps) {
	case 0:
		return out, false
	case 1:
		v, ok := get(w.Snaps[0])
		if !ok {
			return out, false
		}
		for k := range v {
			*dst[k] = w.total(v[k])
		}
		return out, true
	}
	w.initSteps()
	var acc [16]accum
	pv, pok := get(w.Snaps[0])
	for i := 1; i < len(w.Snaps); i++ {
		cv, cok := get(w.Snaps[i])
		if pok && cok {
			for k := range cv {
				acc[k].add(i, w.steps[i], pv[k], cv[k], counter.Bits64)
			}
		}
		pv, pok = cv, cok
	}
	var ok bool
	for k := range acc {
		*dst[k], ok = acc[k].result(len(w.Snaps) - 1)
	}
	return out, ok
}

// EthtoolStatDelta returns the increase of an ethtool -S counter of iface.
// Drivers may print a name twice; the first one counts.
func (w *Window) EthtoolStatDelta(iface, name string) (Delta, bool) {
	idx := w.ethtoolIndex(iface)
	return w.series(counter.Bits64, func(i int, s *collect.Snapshot) (uint64, bool) {
		if idx[i] == nil {
			return 0, false
		}
		j, ok := idx[i][name]
		if !ok {
			return 0, false
		}
		return s.Ethtool[iface].Stats[j].Value, true
	})
}

// EthtoolStatNames lists iface's ethtool -S counter names as in the newest
// snapshot that has them (driver order, first of repeated names), so rules
// can find per-queue counters ("rx_queue_3_packets").
func (w *Window) EthtoolStatNames(iface string) []string {
	for i := len(w.Snaps) - 1; i >= 0; i-- {
		if e := w.Snaps[i].Ethtool[iface]; e != nil && e.Stats != nil {
			seen := make(map[string]bool, len(e.Stats))
			names := make([]string, 0, len(e.Stats))
			for _, st := range e.Stats {
				if !seen[st.Name] {
					seen[st.Name] = true
					names = append(names, st.Name)
				}
			}
			return names
		}
	}
	return nil
}

// ethtoolIndex maps iface's stat names to their position, per snapshot;
// snapshots listing the same names in the same order share one map. Built
// on first use per interface (a mlx5 NIC prints ~2,000 stats).
func (w *Window) ethtoolIndex(iface string) []map[string]int32 {
	w.ethMu.Lock()
	defer w.ethMu.Unlock()
	if idx, ok := w.ethIdx[iface]; ok {
		return idx
	}
	if w.ethIdx == nil {
		w.ethIdx = map[string][]map[string]int32{}
	}
	idx := make([]map[string]int32, len(w.Snaps))
	var prev collect.Stats
	for i, s := range w.Snaps {
		e := s.Ethtool[iface]
		if e == nil || e.Stats == nil {
			prev = nil
			continue
		}
		if prev != nil && slices.EqualFunc(prev, e.Stats, func(a, b collect.Stat) bool { return a.Name == b.Name }) {
			idx[i] = idx[i-1]
		} else {
			m := make(map[string]int32, len(e.Stats))
			for j, st := range e.Stats {
				if _, dup := m[st.Name]; !dup {
					m[st.Name] = int32(j)
				}
			}
			idx[i] = m
		}
		prev = e.Stats
	}
	w.ethIdx[iface] = idx
	return idx
}
