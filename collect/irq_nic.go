package collect

import (
	"cmp"
	"slices"
	"strings"
)

// QueueIRQ is one interrupt vector serving a queue of a network interface.
type QueueIRQ struct {
	Line  int    // index in Snapshot.Interrupts.Lines
	IRQ   int    // IRQ number (proc/irq/N)
	Queue int    // queue number as the driver names it; 0 for a NIC's only vector
	Kind  string // "TxRx", "rx", "tx", "comp", "ntfy", "input", "output", "single" (IRQLine.Kind)
}

// NICQueueIRQs returns the queue vectors of interface ifname, ordered by
// queue, kind and IRQ; nil when none are known. See NICIRQs.
func NICQueueIRQs(s *Snapshot, ifname string) []QueueIRQ {
	return NICIRQs(s)[ifname]
}

// NICIRQs maps each interface to the vectors serving its queues.
//
// The vector names say which device a vector serves (see
// interrupts_names.go); the configuration says which interface that device
// is:
//   - "eth0-TxRx-3", "i40e-eth0-TxRx-3": interface eth0 directly (also when
//     the configuration does not list eth0: a recording may hold only part
//     of sysfs).
//   - "virtio2-input.0": the interface whose NIC.Device is virtio2. A virtio
//     device that is no interface's is not a network device (virtio_console
//     and others also have input and output queues) and is left out.
//   - "mlx5_comp3@pci:0000:01:00.0": the interface whose NIC.Device (else
//     NIC.Bus) is that PCI function, else the one whose ethtool bus is. When
//     several interfaces share the function (a dual-port mlx4), the vector
//     cannot be attributed and is left out.
//   - With the configuration, also vectors the parser could not place: those
//     of renamed interfaces ("lan0-rx-0", "uplink"), a virtio_net device's
//     single legacy vector ("virtio1", "virtio1-virtqueues"), and every NIC
//     of a shared legacy line ("uhci_hcd:usb1, eth0, eth1").
//
// When an interface has vectors named after it, vectors found through its
// PCI address are dropped (mlx4_en's "eth6-0" rings beside the core's
// "mlx4-comp-0@…" EQs). A "single" vector is dropped when the interface has
// queue vectors (it is then the link vector). Without Config.NICs (a
// snapshot of proc/interrupts alone), devices map by the name in the vector:
// "eth0", "virtio2", "mlx5@0000:01:00.0".
func NICIRQs(s *Snapshot) map[string][]QueueIRQ {
	if s == nil || s.Interrupts == nil {
		return nil
	}
	m := newNICMatcher(s)
	type found struct {
		QueueIRQ
		named bool // the vector carries the interface's own name
	}
	byIf := map[string][]found{}
	add := func(i int, nic string, queue int, kind string) {
		if kind == "" {
			return
		}
		ifname, named := m.resolve(nic)
		if ifname == "" {
			return
		}
		byIf[ifname] = append(byIf[ifname], found{QueueIRQ{Line: i, IRQ: s.Interrupts.Lines[i].Num, Queue: queue, Kind: kind}, named})
	}
	for i, ln := range s.Interrupts.Lines {
		shared := strings.Contains(ln.Device, ", ")
		switch {
		case ln.Num < 0:
		case ln.NIC != "" && (!shared || !m.config):
			add(i, ln.NIC, ln.Queue, ln.Kind)
		case m.config:
			// Names the parser could not settle, and every action of a
			// shared line, now with the host's interface names known.
			m.addActions(i, ln.Device, add)
		}
	}
	out := make(map[string][]QueueIRQ, len(byIf))
	for ifname, fs := range byIf {
		named, queued := false, false
		for _, f := range fs {
			named = named || f.named && f.Kind != "single"
			queued = queued || f.Kind != "single"
		}
		var qs []QueueIRQ
		for _, f := range fs {
			if named && !f.named || queued && f.Kind == "single" {
				continue
			}
			qs = append(qs, f.QueueIRQ)
		}
		if len(qs) == 0 {
			continue
		}
		slices.SortFunc(qs, func(a, b QueueIRQ) int {
			return cmp.Or(cmp.Compare(a.Queue, b.Queue), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.IRQ, b.IRQ))
		})
		out[ifname] = qs
	}
	return out
}

// nicMatcher resolves the device a vector names to an interface.
type nicMatcher struct {
	config  bool                // Config.NICs is known
	names   map[string]bool     // interface names
	virtio  map[string]string   // "virtio2" -> interface
	pci     map[string][]string // "0000:01:00.0" -> interfaces on that PCI function
	ethBus  map[string][]string // the same from netvet/ethtool bus
	isIface func(string) bool
}

func newNICMatcher(s *Snapshot) *nicMatcher {
	m := &nicMatcher{
		names:  map[string]bool{},
		virtio: map[string]string{},
		pci:    map[string][]string{},
		ethBus: map[string][]string{},
	}
	if s.Config != nil && len(s.Config.NICs) > 0 {
		m.config = true
		for name, nic := range s.Config.NICs {
			if nic == nil {
				continue
			}
			m.names[name] = true
			switch {
			case strings.HasPrefix(nic.Device, "virtio"):
				m.virtio[nic.Device] = name
			case isPCIAddr(nic.Device):
				m.pci[nic.Device] = append(m.pci[nic.Device], name)
			case isPCIAddr(nic.Bus):
				m.pci[nic.Bus] = append(m.pci[nic.Bus], name)
			}
		}
	}
	for name, et := range s.Ethtool {
		if et != nil && isPCIAddr(et.Bus) {
			m.ethBus[et.Bus] = append(m.ethBus[et.Bus], name)
		}
	}
	m.isIface = func(n string) bool { return m.names[n] || looksLikeIface(n) }
	return m
}

// resolve returns the interface a vector's NIC field stands for, and whether
// the vector carries the interface's own name; "" when it is none.
func (m *nicMatcher) resolve(nic string) (ifname string, named bool) {
	if at := strings.LastIndexByte(nic, '@'); at >= 0 {
		addr := nic[at+1:]
		if ns := m.pci[addr]; len(ns) == 1 {
			return ns[0], false
		} else if len(ns) > 1 {
			return "", false
		}
		if ns := m.ethBus[addr]; len(ns) == 1 {
			return ns[0], false
		} else if len(ns) > 1 || m.config {
			return "", false
		}
		return nic, false
	}
	if _, _, _, ok := virtioQueue(nic + "-input.0"); ok {
		if !m.config {
			return nic, false
		}
		return m.virtio[nic], false
	}
	return nic, true
}

// addActions classifies each action of a line's device list.
func (m *nicMatcher) addActions(i int, device string, add func(i int, nic string, queue int, kind string)) {
	for a := range strings.SplitSeq(device, ", ") {
		if dev, ok := m.virtioSingle(a); ok {
			add(i, dev, 0, "single")
		} else if nic, q, k := classifyAction(a, m.isIface); nic != "" {
			add(i, nic, q, k)
		}
	}
}

// virtioSingle recognises the vector of a virtio_net device without
// per-queue vectors: "virtio1" (legacy INTx) or "virtio1-virtqueues" (one
// MSI-X vector shared by all queues).
func (m *nicMatcher) virtioSingle(a string) (string, bool) {
	dev := strings.TrimSuffix(a, "-virtqueues")
	_, ok := m.virtio[dev]
	return dev, ok
}
