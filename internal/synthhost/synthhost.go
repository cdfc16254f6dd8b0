// Package synthhost generates a synthetic big host as the files netvet's
// collectors read, in the kernel's formats: 256 CPUs on 2 NUMA nodes, four
// 64-queue NICs (two ixgbe in an 802.3ad bond, two i40e), NVMe, a RAID
// controller and the usual platform devices, for ~1,000 interrupt lines and
// a 2.8 MB /proc/interrupts. Its counters advance plausibly from one
// snapshot to the next (a busy, healthy host); Options inject problems.
//
// It writes recordings (DESIGN.md: meta.json plus one folder per snapshot,
// symlinks as NAME.symlink text files) and gives one snapshot in memory,
// as an fstest.MapFS or as an indexed fs.FS for benchmarks (FS). Output is a
// pure function of the Options.
package synthhost

import (
	"fmt"
	"math/rand/v2"
	"testing/fstest"
	"time"
)

// Options shape the host. The zero value is not useful: start from Default.
type Options struct {
	Seed     uint64
	Hostname string
	Kernel   string
	BootID   string
	Start    time.Time     // time of snapshot 0
	Interval time.Duration // between snapshots
	Uptime   time.Duration // at snapshot 0

	CPUs   int // online CPUs; CPU n and n+CPUs/2 are hyperthread siblings
	Nodes  int // NUMA nodes, each holding an equal share of cores and their siblings
	Queues int // per NIC

	// SoftnetColumns is 13 (kernels 4.x to 6.x) or 15 (newer kernels add
	// input_qlen and process_qlen).
	SoftnetColumns int

	// ConfigEvery says which snapshots of a recording hold the
	// configuration files (sysctls, proc/irq, sysfs queues, topology): those
	// with index%ConfigEvery == 0. 0 means the first snapshot only.
	ConfigEvery int

	// Problems to inject; zero values mean a healthy host.
	SoftnetDropCPU     int     // this CPU's backlog overflows (softnet dropped and squeeze rise); -1 for none
	SoftnetDropRate    float64 // drops per second on that CPU
	ListenOverflowRate float64 // TcpExt ListenOverflows/ListenDrops per second, and a full accept queue on :443
	RxMissedIface      string  // this NIC misses packets (rx_missed_errors, ethtool rx_missed/port drops)
	RxMissedRate       float64 // per second
}

// Default is the 256-CPU host the benchmarks use.
func Default() Options {
	return Options{
		Seed:           1,
		Hostname:       "synth-256",
		Kernel:         "6.8.0-60-generic",
		BootID:         "6f1c2a9e-5b7d-4e0a-9c3f-2d8b1e4a7c55",
		Start:          time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		Interval:       time.Second,
		Uptime:         36 * time.Hour,
		CPUs:           256,
		Nodes:          2,
		Queues:         64,
		SoftnetColumns: 13,
		SoftnetDropCPU: -1,
	}
}

// Host is the generator's state: the layout and every counter at the
// current snapshot.
type Host struct {
	o      Options
	rng    *rand.Rand
	index  int       // snapshot number
	now    time.Time // its time
	uptime float64   // seconds since boot

	nodeCPUs [][]int // node -> CPUs
	nics     []*nic  // eth0..eth3
	irqs     []*irqLine
	sums     []*sumRow

	softirq      [len(softirqNames)][]uint64 // per CPU
	softnet      []softnetCPU
	proto        []*protoGroup // netstat and snmp groups, in file order
	estab        int           // Tcp CurrEstab
	tw           int           // sockstat TCP tw
	tcpMem       int           // sockstat TCP mem (pages)
	remoteJitter [5]int        // tcp_remotes.json: change in established per remote
	acceptQ      uint32        // :443 accept queue length
	linkFail     uint64        // bond slave link failures (stays 0: healthy)
}

// New builds the host at snapshot 0.
func New(o Options) (*Host, error) {
	if o.CPUs < 2 || o.CPUs%2 != 0 || o.Nodes < 1 || (o.CPUs/2)%o.Nodes != 0 {
		return nil, fmt.Errorf("synthhost: %d CPUs on %d nodes: need an even CPU count whose cores split evenly over the nodes", o.CPUs, o.Nodes)
	}
	if o.Queues < 1 || o.Queues > o.CPUs/2 {
		return nil, fmt.Errorf("synthhost: %d queues per NIC: need 1..%d", o.Queues, o.CPUs/2)
	}
	if o.SoftnetColumns != 13 && o.SoftnetColumns != 15 {
		return nil, fmt.Errorf("synthhost: softnet_stat has 13 or 15 columns, not %d", o.SoftnetColumns)
	}
	if o.Interval <= 0 {
		return nil, fmt.Errorf("synthhost: interval must be positive")
	}
	h := &Host{
		o:      o,
		rng:    rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15)),
		now:    o.Start,
		uptime: o.Uptime.Seconds(),
	}
	h.layoutCPUs()
	h.layoutNICs()
	h.layoutIRQs()
	h.layoutProto()
	for i := range h.softirq {
		h.softirq[i] = make([]uint64, o.CPUs)
	}
	h.softnet = make([]softnetCPU, o.CPUs)
	h.bootResidue()
	h.advance(h.uptime)
	return h, nil
}

// Step advances the host by one interval.
func (h *Host) Step() {
	dt := h.o.Interval.Seconds()
	h.index++
	h.now = h.now.Add(h.o.Interval)
	h.uptime += dt
	h.advance(dt)
}

// Index is the current snapshot number; Time its time.
func (h *Host) Index() int      { return h.index }
func (h *Host) Time() time.Time { return h.now }

// Full reports whether the current snapshot of a recording holds the
// configuration files.
func (h *Host) Full() bool {
	if h.o.ConfigEvery <= 0 {
		return h.index == 0
	}
	return h.index%h.o.ConfigEvery == 0
}

// Files returns the current snapshot's files by path; with config, also the
// configuration files. It does not change the host: every value it renders
// was drawn by New or Step.
func (h *Host) Files(config bool) map[string][]byte {
	f := map[string][]byte{}
	h.procFiles(f)
	h.sysCounterFiles(f)
	h.virtualFiles(f)
	if config {
		h.configFiles(f)
	}
	return f
}

// MapFS returns the current snapshot (with its configuration) as an
// in-memory file system.
func (h *Host) MapFS() fstest.MapFS {
	m := fstest.MapFS{}
	for name, data := range h.Files(true) {
		m[name] = &fstest.MapFile{Data: data, Mode: 0o444, ModTime: h.now}
	}
	return m
}

// jitter returns a factor in [1-spread/2, 1+spread/2].
func (h *Host) jitter(spread float64) float64 {
	return 1 + (h.rng.Float64()-0.5)*spread
}

// count turns a rate over dt seconds into a whole number of events.
func (h *Host) count(rate, dt float64) uint64 {
	if rate <= 0 {
		return 0
	}
	return uint64(rate*dt*h.jitter(0.2) + h.rng.Float64())
}
