package export

import (
	"strconv"

	"github.com/netvet/netvet/collect"
)

// softnetField is one column of proc/net/softnet_stat
// (softnet_seq_show, https://github.com/torvalds/linux/blob/master/net/core/net-procfs.c).
// A column the kernel did not print (Columns < cols) is absent, not 0.
type softnetField struct {
	fam  family
	cols int
	get  func(collect.SoftnetCPU) uint64
}

var softnetFields = []softnetField{
	{counterFamily("netvet_softnet_processed_total", "Packets processed by the CPU's receive softirq (softnet_stat column 1).", "cpu"), 1,
		func(c collect.SoftnetCPU) uint64 { return c.Processed }},
	{counterFamily("netvet_softnet_dropped_total", "Packets dropped because the CPU's input backlog was full, net.core.netdev_max_backlog (softnet_stat column 2).", "cpu"), 2,
		func(c collect.SoftnetCPU) uint64 { return c.Dropped }},
	{counterFamily("netvet_softnet_time_squeeze_total", "Receive softirq runs that stopped with work left, netdev_budget or netdev_budget_usecs exhausted (softnet_stat column 3).", "cpu"), 3,
		func(c collect.SoftnetCPU) uint64 { return c.TimeSqueeze }},
	{counterFamily("netvet_softnet_cpu_collision_total", "Transmit lock collisions (softnet_stat column 9).", "cpu"), 9,
		func(c collect.SoftnetCPU) uint64 { return c.CPUCollision }},
	{counterFamily("netvet_softnet_received_rps_total", "RPS inter-processor interrupts the CPU received (softnet_stat column 10).", "cpu"), 10,
		func(c collect.SoftnetCPU) uint64 { return c.ReceivedRPS }},
	{counterFamily("netvet_softnet_flow_limit_count_total", "Packets dropped by the flow limit (softnet_stat column 11).", "cpu"), 11,
		func(c collect.SoftnetCPU) uint64 { return c.FlowLimitCount }},
}

// backlog_len is a queue length now, not a count: folded it is a plain sum.
var famSoftnetBacklog = gaugeFamily("netvet_softnet_backlog_len", "Packets waiting in the CPU's input backlog (softnet_stat column 12, kernels 6.x).", "cpu")

const softnetBacklogCols = 12

// softirqRows are the proc/softirqs rows netvet exports: the network ones.
var softirqRows = []string{"NET_RX", "NET_TX"}

var famSoftirqs = counterFamily("netvet_softirqs_total", "Network softirqs raised on the CPU (proc/softirqs NET_RX and NET_TX rows).", "cpu", "type")

func emitSoftnet(s sink, v *view, fold bool) {
	rows := v.snap.Softnet
	if len(rows) == 0 {
		return
	}
	for _, f := range softnetFields {
		if fold {
			if sum, ok := v.sums["softnet/"+f.fam.name]; ok {
				s.counter(f.fam.without("cpu"), sum)
			}
			continue
		}
		for _, r := range rows {
			if r.Columns >= f.cols {
				s.counter(f.fam, f.get(r), strconv.Itoa(r.CPU))
			}
		}
	}
	var sum uint64
	seen := false
	for _, r := range rows {
		if r.Columns < softnetBacklogCols {
			continue
		}
		if fold {
			sum += r.BacklogLen
			seen = true
			continue
		}
		s.add(famSoftnetBacklog, float64(r.BacklogLen), strconv.Itoa(r.CPU))
	}
	if fold && seen {
		s.add(famSoftnetBacklog.without("cpu"), float64(sum))
	}
}

// foldSoftnet sums each column over the CPUs that print it; a column no
// CPU prints (an old kernel) stays absent.
func foldSoftnet(f *folder, snap *collect.Snapshot, sums map[string]uint64) {
	for _, fld := range softnetFields {
		var cpus []int
		var vals []uint64
		for _, r := range snap.Softnet {
			if r.Columns >= fld.cols {
				cpus = append(cpus, r.CPU)
				vals = append(vals, fld.get(r))
			}
		}
		if len(cpus) > 0 {
			sums["softnet/"+fld.fam.name] = f.add("softnet/"+fld.fam.name, cpus, func(i int) uint64 { return vals[i] })
		}
	}
}

func emitSoftirqs(s sink, v *view, fold bool) {
	si := v.snap.SoftIRQs
	if si == nil {
		return
	}
	for _, row := range softirqRows {
		vals, ok := si.Rows[row]
		if !ok {
			continue
		}
		if fold {
			if sum, ok := v.sums["softirq/"+row]; ok {
				s.counter(famSoftirqs.without("cpu"), sum, row)
			}
			continue
		}
		for i, cpu := range si.CPUs {
			if i < len(vals) {
				s.counter(famSoftirqs, vals[i], strconv.Itoa(cpu), row)
			}
		}
	}
}

func foldSoftirqs(f *folder, snap *collect.Snapshot, sums map[string]uint64) {
	si := snap.SoftIRQs
	if si == nil {
		return
	}
	for _, row := range softirqRows {
		vals, ok := si.Rows[row]
		if !ok {
			continue
		}
		cpus := si.CPUs[:min(len(si.CPUs), len(vals))]
		sums["softirq/"+row] = f.add("softirq/"+row, cpus, func(i int) uint64 { return vals[i] })
	}
}
