package collect

import (
	"time"

	"github.com/netvet/netvet/internal/cpumask"
)

// Snapshot is everything netvet read from one Source at one moment.
//
// Missing is not zero: a nil pointer, nil map or nil slice means the
// collector had nothing to read (see Status for why); a counter absent from a
// map was absent in the kernel's file. Snapshots are immutable once built:
// the Sampler shares the Config of one snapshot with the next ones until the
// configuration is read again.
type Snapshot struct {
	Time   time.Time         // when it was read; zero when the source does not say
	Host   HostInfo          // netvet/host.json and proc/uptime
	Status []CollectorStatus // one per collector, in run order

	// Counters and state, read at every sample.
	Interrupts *Interrupts            // proc/interrupts
	SoftIRQs   *SoftIRQs              // proc/softirqs
	Softnet    []SoftnetCPU           // proc/net/softnet_stat, one per row
	Netstat    *Counters              // proc/net/netstat: "TcpExt.ListenOverflows"
	SNMP       *Counters              // proc/net/snmp: "Tcp.RetransSegs"
	NetDev     map[string]NetDevStats // proc/net/dev
	Sockstat   *Counters              // proc/net/sockstat: "TCP.tw"
	Links      map[string]*Link       // sys/class/net/<if>: state and statistics/*
	Ethtool    map[string]*Ethtool    // netvet/ethtool/<if>.json (stats every sample; the rest carried)
	Bonds      map[string]*Bond       // proc/net/bonding/* and sys/class/net/<bond>/bonding
	Listeners  []Listener             // netvet/listeners.json
	TCPRemotes []TCPRemote            // netvet/tcp_remotes.json

	// Config is read at the first snapshot and then at a slower period; in
	// between it is the previous snapshot's value (the same pointer).
	Config *Config
}

// Config is what rarely changes: read at the first snapshot and then every
// config period, carried forward in between.
type Config struct {
	Time       time.Time                  // when it was read
	Sysctls    map[string]string          // "net.core.somaxconn" -> "4096" (trimmed text)
	IRQs       map[int]IRQAffinity        // proc/irq/N/{smp,effective}_affinity_list
	NICs       map[string]*NIC            // sys/class/net/<if>: attributes and queues
	Topology   *Topology                  // sys/devices/system/{cpu,node}
	IRQBalance *IRQBalance                // netvet/irqbalance.json
	Addrs      map[string][]string        // netvet/addrs.json: "eth0" -> ["10.0.0.2/24"]
	Status     map[string]CollectorStatus // status of the config collectors when they last ran
}

// HostInfo identifies the host and the moment.
type HostInfo struct {
	Hostname string    `json:"hostname,omitempty"`
	Kernel   string    `json:"kernel,omitempty"`
	BootID   string    `json:"boot_id,omitempty"`
	CPUs     int       `json:"cpus,omitempty"`
	Time     time.Time `json:"time,omitzero"`
	Uptime   float64   `json:"uptime,omitempty"` // seconds, from proc/uptime; 0 when unknown
}

// State is a collector's outcome.
type State string

const (
	StateOK          State = "ok"
	StateUnavailable State = "unavailable" // the file is absent or unreadable: no data, not an error
	StateError       State = "error"       // the file is there but could not be understood
)

// CollectorStatus reports one collector's run.
type CollectorStatus struct {
	Name     string        `json:"name"`
	State    State         `json:"state"`
	Err      string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration"`
	Carried  bool          `json:"carried,omitempty"` // config collector not re-run: value carried from an earlier snapshot
}

// Interrupts is proc/interrupts. Counts are stored flat, row-major
// (Counts[line*len(CPUs)+col]) so a 1,000-line × 256-CPU host is one
// allocation.
type Interrupts struct {
	CPUs   []int     // CPU number of each column, from the header (offline CPUs are absent)
	Lines  []IRQLine // one per row, in file order
	Counts []uint64  // len(Lines) × len(CPUs)
}

// Row returns the per-column counts of line i.
func (in *Interrupts) Row(i int) []uint64 {
	n := len(in.CPUs)
	return in.Counts[i*n : (i+1)*n]
}

// IRQLine describes one row of proc/interrupts.
type IRQLine struct {
	IRQ    string // "42", or "NMI", "LOC", … for summary rows
	Num    int    // the IRQ number; -1 for summary rows
	Chip   string // "IR-PCI-MSI", "PCI-MSIX-0000:00:03.0", "GICv3"
	HWIRQ  string // "524288-edge"
	Device string // action name(s) as printed: "eth0-TxRx-3", "mlx5_comp3@pci:0000:01:00.0"
	Desc   string // summary rows: "Local timer interrupts"
	NIC    string // interface or device the IRQ serves when recognised ("eth0", "virtio2", "mlx5@0000:01:00.0")
	Queue  int    // queue number when recognised; -1 otherwise
	Kind   string // "TxRx", "rx", "tx", "comp", "input", "output", … ; "" when not a queue
}

// SoftIRQs is proc/softirqs.
type SoftIRQs struct {
	CPUs []int               // CPU number of each column
	Rows map[string][]uint64 // "NET_RX" -> per column
}

// SoftnetCPU is one row of proc/net/softnet_stat (kernel net/core/net-procfs.c).
// Columns says how many the kernel printed; fields beyond it are absent, not 0.
type SoftnetCPU struct {
	CPU            int    // from the 13th column when present, else the row index
	Processed      uint64 // col 1
	Dropped        uint64 // col 2: backlog full (netdev_max_backlog)
	TimeSqueeze    uint64 // col 3: budget or time ran out
	CPUCollision   uint64 // col 9
	ReceivedRPS    uint64 // col 10
	FlowLimitCount uint64 // col 11
	BacklogLen     uint64 // col 12 (gauge, 6.x kernels)
	Columns        int
}

// HasRPS reports whether the kernel printed received_rps.
func (s SoftnetCPU) HasRPS() bool { return s.Columns >= 10 }

// HasFlowLimit reports whether the kernel printed flow_limit_count.
func (s SoftnetCPU) HasFlowLimit() bool { return s.Columns >= 11 }

// Counters is a flat map of a proc table: "Group.Name" -> value.
// Negative values (Tcp MaxConn -1) are kept apart in Signed.
type Counters struct {
	Values map[string]uint64
	Signed map[string]int64
}

// Get returns a counter and whether it was present.
func (c *Counters) Get(key string) (uint64, bool) {
	if c == nil {
		return 0, false
	}
	v, ok := c.Values[key]
	return v, ok
}

// NetDevStats is one interface's row of proc/net/dev.
type NetDevStats struct {
	RxBytes, RxPackets, RxErrs, RxDrop, RxFifo, RxFrame, RxCompressed, RxMulticast uint64
	TxBytes, TxPackets, TxErrs, TxDrop, TxFifo, TxColls, TxCarrier, TxCompressed   uint64
}

// Link is the per-sample view of sys/class/net/<if>.
type Link struct {
	Name      string
	Operstate string            // "up", "down", "unknown", …; "" when absent
	Carrier   int               // 1, 0, or -1 when unreadable (down interfaces refuse it)
	Speed     int               // Mb/s; -1 when unknown or absent
	Duplex    string            // "full", "half", "unknown", ""
	Stats     map[string]uint64 // statistics/<name>
}

// NIC is the configuration of sys/class/net/<if>.
type NIC struct {
	Name       string
	Kind       string // "physical", "virtual", "bond", "bridge", "vlan", "veth", "loopback", "tun"
	Driver     string // from device/driver link; "" for virtual devices
	Device     string // base name of the device link: "0000:03:00.0", "virtio2"; "" for virtual devices
	Bus        string // PCI address of the device or of its parent (virtio), when PCI
	MTU        int    // -1 when absent
	TxQueueLen int    // -1 when absent
	Master     string // bond or bridge this interface belongs to
	NUMANode   int    // -1 when unknown or no NUMA
	LocalCPUs  cpumask.Set
	HasLocal   bool // LocalCPUs was read (device/local_cpulist or its parent's)
	Rx         []RxQueue
	Tx         []TxQueue
}

// RxQueue is sys/class/net/<if>/queues/rx-N.
type RxQueue struct {
	Index      int
	RPSCPUs    cpumask.Set
	RPSFlowCnt int // -1 when absent
	HasRPS     bool
}

// TxQueue is sys/class/net/<if>/queues/tx-N.
type TxQueue struct {
	Index   int
	XPSCPUs cpumask.Set
	HasXPS  bool // xps_cpus readable (absent on single-queue devices and without CONFIG_XPS)
}

// IRQAffinity is proc/irq/N.
type IRQAffinity struct {
	Affinity     cpumask.Set
	Effective    cpumask.Set
	HasEffective bool
}

// Topology is the CPU and NUMA layout.
type Topology struct {
	Online   cpumask.Set         // empty when cpu/online is absent (a host always has one: empty means unknown)
	Nodes    map[int]cpumask.Set // node -> its CPUs
	Siblings map[int]cpumask.Set // cpu -> thread siblings (incl. itself)
	Packages map[int]int         // cpu -> physical package id
}

// IRQBalance says whether the irqbalance daemon is running (it rewrites
// smp_affinity every 10 s and would undo a manual ladder).
type IRQBalance struct {
	Running bool   `json:"running"`
	PID     int    `json:"pid,omitempty"`
	Banned  string `json:"banned_cpus,omitempty"` // IRQBALANCE_BANNED_CPUS / --banned-cpus when known
}

// Ethtool is netvet/ethtool/<if>.json. Absent parts are nil.
type Ethtool struct {
	Driver   string          `json:"driver,omitempty"`
	Bus      string          `json:"bus,omitempty"`
	Rings    *Rings          `json:"rings,omitempty"`
	Channels *Channels       `json:"channels,omitempty"`
	Features map[string]bool `json:"features,omitempty"`
	Stats    Stats           `json:"stats,omitempty"`
}

// Rings are ethtool -g current and maximum ring sizes.
type Rings struct {
	RX    uint32 `json:"rx"`
	RXMax uint32 `json:"rx_max"`
	TX    uint32 `json:"tx"`
	TXMax uint32 `json:"tx_max"`
}

// Channels are ethtool -l current and maximum channel counts.
type Channels struct {
	RX          uint32 `json:"rx"`
	RXMax       uint32 `json:"rx_max"`
	TX          uint32 `json:"tx"`
	TXMax       uint32 `json:"tx_max"`
	Combined    uint32 `json:"combined"`
	CombinedMax uint32 `json:"combined_max"`
}

// Stat is one ethtool -S counter.
type Stat struct {
	Name  string
	Value uint64
}

// Stats are ethtool -S counters in the driver's order; names may repeat.
// JSON form: [["rx_packets",123],…].
type Stats []Stat

// Bond is one bonding master.
type Bond struct {
	Name             string
	Mode             string // canonical: "balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"
	ModeText         string // as printed
	XmitHashPolicy   string
	MIIStatus        string
	MIIPollMs        int // 0: MII monitor off; -1: not in the source
	UpDelayMs        int // -1: not in the source
	DownDelayMs      int // -1: not in the source
	ARPIntervalMs    int // 0: ARP monitor off; -1: not in the source
	ARPTargets       []string
	PrimarySlave     string
	PrimaryReselect  string // "always", "better", "failure"; "" when not shown (proc shows it only with a primary)
	FailOverMAC      string // active-backup "(fail_over_mac active)": "active", "follow"; "" when not shown
	CurrentActive    string
	LACPRate         string      // 802.3ad: "slow", "fast"
	ADSelect         string      // 802.3ad aggregator selection: "stable", "bandwidth", "count"
	ActiveAggregator *Aggregator // 802.3ad only
	NoActiveAgg      bool        // "bond X has no active aggregator"
	Slaves           []BondSlave
	From             string // "proc", "sysfs", or "proc+sysfs"
}

// Aggregator is an 802.3ad aggregator as printed in proc/net/bonding.
type Aggregator struct {
	ID         int
	Ports      int
	ActorKey   int
	PartnerKey int
	PartnerMAC string
}

// BondSlave is one slave of a bond.
type BondSlave struct {
	Name             string
	MIIStatus        string // "up", "down", "going back", …
	Speed            int    // Mb/s; -1 unknown
	Duplex           string
	LinkFailures     uint64
	HasLinkFailures  bool
	PermHWAddr       string
	AggregatorID     int // -1 when none or N/A
	PartnerMAC       string
	ActorPortState   int    // -1 when absent
	PartnerPortState int    // -1 when absent
	ActorChurn       string // 802.3ad churn state: "none", "churned", "monitoring"; "" when absent
	PartnerChurn     string
	State            string // sysfs bonding_slave/state: "active", "backup"
}

// Listener is one listening TCP socket (inet_diag): Queue is the current
// accept-queue length (sk_ack_backlog), Limit the effective backlog
// (sk_max_ack_backlog = min(listen() backlog, somaxconn)).
type Listener struct {
	Local string `json:"local"`
	Queue uint32 `json:"queue"`
	Limit uint32 `json:"limit"`
}

// TCPRemote counts TCP sockets per remote address and port.
type TCPRemote struct {
	Remote      string `json:"remote"`
	Established int    `json:"established"`
	TimeWait    int    `json:"time_wait"`
	Other       int    `json:"other"`
}
