package synthhost

import "fmt"

// nic is one physical interface and its per-queue traffic.
type nic struct {
	name, driver string
	pci, port    string // PCI function and its root port
	node         int
	mac          string
	speed        int     // Mb/s
	master       string  // bond it is enslaved to
	cpuOf        []int   // queue -> CPU its vector is pinned to
	rxPPS, txPPS float64 // per queue
	rxSize       float64 // bytes per packet
	txSize       float64
	rxPkts       []uint64 // per queue
	txPkts       []uint64
	rxBytes      []uint64
	txBytes      []uint64
	rxMissed     uint64
	rxMulticast  uint64
	rxBroadcast  uint64
}

// irqLine is one numbered row of proc/interrupts and its proc/irq/N.
type irqLine struct {
	num      int
	chip     string
	hwirq    int
	handler  string // flow handler: "edge", "fasteoi"
	name     string // action
	affinity []int  // smp_affinity_list
	eff      int    // effective_affinity_list: the CPU that takes it
	rate     float64
	counts   []uint64 // per CPU
	nic      *nic     // queue vectors: the NIC and queue whose traffic drives the rate
	queue    int
	block    bool // an NVMe queue (BLOCK softirq)
}

// sumRow is an architecture summary row (arch/x86/kernel/irq.c).
type sumRow struct {
	label, desc string
	rate        float64  // per CPU per second
	single      bool     // ERR, MIS: one host-wide count
	counts      []uint64 // per CPU (single: [0])
}

func (h *Host) cores() int { return h.o.CPUs / 2 }

// layoutCPUs splits the cores evenly over the nodes; each core's sibling
// thread is core+cores (node 0 = 0-63,128-191 on the default host).
func (h *Host) layoutCPUs() {
	per := h.cores() / h.o.Nodes
	h.nodeCPUs = make([][]int, h.o.Nodes)
	for n := range h.o.Nodes {
		for c := n * per; c < (n+1)*per; c++ {
			h.nodeCPUs[n] = append(h.nodeCPUs[n], c)
		}
		for c := n * per; c < (n+1)*per; c++ {
			h.nodeCPUs[n] = append(h.nodeCPUs[n], c+h.cores())
		}
	}
}

// cpuIn returns the k-th CPU of a node (wrapping on small hosts).
func (h *Host) cpuIn(node, k int) int {
	return h.nodeCPUs[node][k%len(h.nodeCPUs[node])]
}

// nodeOf returns the node of a CPU.
func (h *Host) nodeOf(cpu int) int {
	return (cpu % h.cores()) / (h.cores() / h.o.Nodes)
}

// rootPort returns the j-th PCIe root port of a node.
func rootPort(node, j int) string {
	return fmt.Sprintf("0000:%02x:%02x.0", node*0x80+0x10+(j/2)*0x1a, (j%2)*2)
}

// below returns the address of the device behind a root port.
func below(port string, fn int) string {
	var bus int
	fmt.Sscanf(port[5:7], "%x", &bus)
	return fmt.Sprintf("0000:%02x:00.%d", bus+1, fn)
}

// layoutNICs places two ixgbe ports (bonded) on node 0 and two i40e ports
// on the last node; each queue's vector is pinned to its own local CPU: the
// ixgbe ports on node 0's cores and their siblings, the i40e ports likewise
// on the last node. A healthy, tuned host.
func (h *Host) layoutNICs() {
	last := h.o.Nodes - 1
	type spec struct {
		name, driver string
		node, fn     int
		sibling      bool
		rx, tx       float64
		mac          string
	}
	for _, s := range []spec{
		{"eth0", "ixgbe", 0, 0, false, 8000, 7000, "3c:fd:fe:9e:10:00"},
		{"eth1", "ixgbe", 0, 1, true, 8000, 7000, "3c:fd:fe:9e:10:01"},
		{"eth2", "i40e", last, 0, false, 12000, 9000, "40:a6:b7:22:30:00"},
		{"eth3", "i40e", last, 1, true, 12000, 9000, "40:a6:b7:22:30:01"},
	} {
		port := rootPort(s.node, 7)
		n := &nic{
			name: s.name, driver: s.driver, node: s.node, port: port, pci: below(port, s.fn),
			mac: s.mac, speed: 10000, rxPPS: s.rx, txPPS: s.tx, rxSize: 900, txSize: 1200,
		}
		if s.driver == "ixgbe" {
			n.master = "bond0"
		}
		per := h.cores() / h.o.Nodes
		for q := range h.o.Queues {
			cpu := s.node*per + q%per
			if s.sibling {
				cpu += h.cores()
			}
			n.cpuOf = append(n.cpuOf, cpu)
		}
		n.rxPkts = make([]uint64, h.o.Queues)
		n.txPkts = make([]uint64, h.o.Queues)
		n.rxBytes = make([]uint64, h.o.Queues)
		n.txBytes = make([]uint64, h.o.Queues)
		h.nics = append(h.nics, n)
	}
}

// allCPUs is smp_affinity_list "0-N".
func (h *Host) allCPUs() []int {
	a := make([]int, h.o.CPUs)
	for i := range a {
		a[i] = i
	}
	return a
}

// layoutIRQs lists the interrupt lines in IRQ order: legacy IO-APIC pins,
// then MSI vectors in probe order (DMAR, PCIe ports, I/OAT, USB, SATA, RAID,
// NVMe, NICs), as a 2-socket Xeon server shows them.
func (h *Host) layoutIRQs() {
	all := h.allCPUs()
	add := func(l *irqLine) {
		l.counts = make([]uint64, h.o.CPUs)
		if l.affinity == nil {
			l.affinity = all
		}
		h.irqs = append(h.irqs, l)
	}
	for _, l := range []struct {
		pin     int
		handler string
		name    string
		rate    float64
	}{{2, "edge", "timer", 0}, {4, "edge", "ttyS0", 0.01}, {8, "edge", "rtc0", 0}, {9, "fasteoi", "acpi", 0.001},
		{16, "fasteoi", "i801_smbus", 0}, {18, "fasteoi", "ipmi_si", 0.5}} {
		num := l.pin
		if l.name == "timer" {
			num = 0
		}
		add(&irqLine{num: num, chip: "IR-IO-APIC", hwirq: l.pin, handler: l.handler, name: l.name, rate: l.rate})
	}
	next := 24
	vec := func(chip string, hw int, name string, rate float64, eff int, aff []int) *irqLine {
		l := &irqLine{num: next, chip: chip, hwirq: hw, handler: "edge", name: name, rate: rate, eff: eff, affinity: aff}
		next++
		add(l)
		return l
	}
	for i := range 2 * h.o.Nodes {
		vec("DMAR-MSI", i, fmt.Sprintf("dmar%d", i), 0, h.cpuIn(i/2, i%2), nil)
	}
	for n := range h.o.Nodes {
		for j := range 8 {
			vec("IR-PCI-MSI-"+rootPort(n, j), 0, "PCIe PME, aerdrv", 0, h.cpuIn(n, j), nil)
		}
	}
	for n := range h.o.Nodes {
		for f := range 8 {
			vec(fmt.Sprintf("IR-PCI-MSIX-0000:%02x:04.%d", n*0x80, f), 0, "ioat-msix", 0, h.cpuIn(n, 8+f), nil)
		}
	}
	vec("IR-PCI-MSI-0000:00:14.0", 0, "xhci_hcd", 0.2, 1, nil)
	vec("IR-PCI-MSI-0000:00:17.0", 0, "ahci[0000:00:17.0]", 1, 2, nil)
	raid := below(rootPort(0, 4), 0)
	for k := range h.cores() {
		vec("IR-PCI-MSIX-"+raid, k, fmt.Sprintf("megasas0-msix%d", k), 3, 2*k%h.o.CPUs, []int{2 * k % h.o.CPUs, (2*k + 1) % h.o.CPUs})
	}
	for d := range 4 {
		node := d * h.o.Nodes / 4
		pci := below(rootPort(node, d%2), 0)
		vec("IR-PCI-MSIX-"+pci, 0, fmt.Sprintf("nvme%dq0", d), 0.05, 0, nil)
		for q := 1; q <= h.cores(); q++ {
			c := 2 * (q - 1) % h.o.CPUs
			l := vec("IR-PCI-MSIX-"+pci, q, fmt.Sprintf("nvme%dq%d", d, q), 250, c, []int{c, c + 1})
			l.block = true
		}
	}
	for _, n := range h.nics {
		chip := "IR-PCI-MSIX-" + n.pci
		if n.driver == "i40e" {
			vec(chip, 0, fmt.Sprintf("i40e-%s:misc", n.pci), 1, h.cpuIn(n.node, 0), nil)
		}
		for q, cpu := range n.cpuOf {
			hw, name := q, fmt.Sprintf("%s-TxRx-%d", n.name, q)
			if n.driver == "i40e" {
				hw, name = q+1, fmt.Sprintf("i40e-%s-TxRx-%d", n.name, q)
			}
			l := vec(chip, hw, name, 0, cpu, []int{cpu})
			l.nic, l.queue = n, q
		}
		if n.driver == "ixgbe" {
			vec(chip, len(n.cpuOf), n.name, 0.02, 0, nil) // the link ("other") vector
		}
	}
	for _, s := range []struct {
		label, desc string
		rate        float64
	}{
		{"NMI", "Non-maskable interrupts", 0.3}, {"LOC", "Local timer interrupts", 1000},
		{"SPU", "Spurious interrupts", 0}, {"PMI", "Performance monitoring interrupts", 0.3},
		{"IWI", "IRQ work interrupts", 2}, {"RTR", "APIC ICR read retries", 0},
		{"RES", "Rescheduling interrupts", 150}, {"CAL", "Function call interrupts", 40},
		{"TLB", "TLB shootdowns", 60}, {"TRM", "Thermal event interrupts", 0},
		{"THR", "Threshold APIC interrupts", 0}, {"DFR", "Deferred Error APIC interrupts", 0},
		{"MCE", "Machine check exceptions", 0}, {"MCP", "Machine check polls", 1.0 / 300},
		{"HYP", "Hypervisor callback interrupts", 0}, {"HRE", "Hyper-V reenlightenment interrupts", 0},
		{"HVS", "Hyper-V stimer0 interrupts", 0}, {"ERR", "", 0}, {"MIS", "", 0},
		{"PIN", "Posted-interrupt notification event", 0}, {"NPI", "Nested posted-interrupt event", 0},
		{"PIW", "Posted-interrupt wakeup event", 0},
	} {
		r := &sumRow{label: s.label, desc: s.desc, rate: s.rate, single: s.label == "ERR" || s.label == "MIS"}
		if r.single {
			r.counts = make([]uint64, 1)
		} else {
			r.counts = make([]uint64, h.o.CPUs)
		}
		h.sums = append(h.sums, r)
	}
}

// bootResidue puts the few interrupts every vector takes on CPU0 before its
// affinity is set, as real hosts show.
func (h *Host) bootResidue() {
	for _, l := range h.irqs {
		if l.eff != 0 {
			l.counts[0] += uint64(h.rng.IntN(4))
		}
	}
	h.irqs[0].counts[0] += 40 // the timer pin, used only at boot
}
