package collect

import (
	"strconv"
	"strings"

	"github.com/netvet/netvet/internal/cpumask"
)

const (
	sysCPU  = "sys/devices/system/cpu"
	sysNode = "sys/devices/system/node"
)

// collectTopology reads the CPU and NUMA layout:
//
//   - sys/devices/system/cpu/online (drivers/base/cpu.c);
//   - sys/devices/system/node/nodeN/cpulist (drivers/base/node.c). Node
//     numbers are whatever the firmware gave: a host may have only node1;
//   - cpuN/topology/thread_siblings_list and physical_package_id
//     (drivers/base/topology.c; kernels before 2.6.29 have only the hex
//     thread_siblings). Offline CPUs have no topology directory: skipped;
//   - when node/ is absent (no CONFIG_NUMA, or a partial snapshot) but the
//     CPU directories hold nodeX entries (the kernel's cpuN/nodeX links,
//     register_cpu_under_node), the nodes are rebuilt from those.
//
// https://github.com/torvalds/linux/blob/master/drivers/base/topology.c
//
// Online stays empty when cpu/online is absent: a host always has a CPU
// online, so empty means unknown. The collector is unavailable only when
// neither cpu/ nor node/ can be listed.
func (c *Collector) collectTopology(s *Snapshot) error {
	t := &Topology{}
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	cpuEnts, cpuErr := c.r.readDir(sysCPU)
	nodeEnts, nodeErr := c.r.readDir(sysNode)
	if cpuErr != nil && nodeErr != nil {
		return cpuErr
	}

	if v, ok := c.readAttr(sysCPU + "/online"); ok {
		set, err := parseListText(sysCPU+"/online", v)
		if err == nil && set.IsEmpty() {
			// The kernel's cpulist grammar allows an empty list, but a
			// running host has at least one CPU online: empty is damage.
			err = parseErr(sysCPU+"/online", 1, "empty list of online CPUs")
		}
		keep(err)
		t.Online = set
	}

	for _, e := range nodeEnts {
		n, ok := sysfsNumber(e.Name(), "node")
		if !ok {
			continue // has_cpu, online, possible, …
		}
		name := sysNode + "/" + e.Name() + "/cpulist"
		v, ok := c.readAttr(name)
		if !ok {
			continue
		}
		set, err := parseListText(name, v)
		if err != nil {
			keep(err)
			continue
		}
		if t.Nodes == nil {
			t.Nodes = map[int]cpumask.Set{}
		}
		t.Nodes[n] = set
	}
	needNodes := t.Nodes == nil

	for _, e := range cpuEnts {
		cpu, ok := sysfsNumber(e.Name(), "cpu")
		if !ok {
			continue // cpufreq, cpuidle, online, possible, …
		}
		d := sysCPU + "/" + e.Name()
		keep(c.readCPUTopology(t, cpu, d))
		if needNodes {
			c.nodesFromCPUDir(t, cpu, d)
		}
	}
	s.Config.Topology = t
	return first
}

// readCPUTopology reads one CPU's thread siblings and package.
func (c *Collector) readCPUTopology(t *Topology, cpu int, dir string) error {
	var sib cpumask.Set
	var sibErr error
	has := false
	if v, ok := c.readAttr(dir + "/topology/thread_siblings_list"); ok {
		sib, sibErr = parseListText(dir+"/topology/thread_siblings_list", v)
		has = sibErr == nil
	} else if v, ok := c.readAttr(dir + "/topology/thread_siblings"); ok {
		sib, sibErr = parseMaskText(dir+"/topology/thread_siblings", v)
		has = sibErr == nil
	}
	if has {
		if t.Siblings == nil {
			t.Siblings = map[int]cpumask.Set{}
		}
		t.Siblings[cpu] = sib
	}
	name := dir + "/topology/physical_package_id"
	v, ok := c.readAttr(name)
	if !ok {
		return sibErr
	}
	p, err := strconv.Atoi(v)
	if err != nil {
		if sibErr != nil {
			return sibErr
		}
		return parseErr(name, 1, "%q is not a package id", clip(v))
	}
	if t.Packages == nil {
		t.Packages = map[int]int{}
	}
	t.Packages[cpu] = p
	return sibErr
}

// nodesFromCPUDir adds cpu to the node named by a nodeX entry of its
// directory (a symlink on the host; a recording may hold it as a file).
func (c *Collector) nodesFromCPUDir(t *Topology, cpu int, dir string) {
	names, err := c.r.entryNames(dir)
	if err != nil {
		return
	}
	for n := range names {
		node, ok := sysfsNumber(n, "node")
		if !ok {
			continue
		}
		if t.Nodes == nil {
			t.Nodes = map[int]cpumask.Set{}
		}
		t.Nodes[node] = t.Nodes[node].With(cpu)
	}
}

// sysfsNumber parses names like "cpu12" or "node1".
func sysfsNumber(name, prefix string) (int, bool) {
	num, ok := strings.CutPrefix(name, prefix)
	if !ok || num == "" || num[0] == '+' || num[0] == '-' {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n > cpumask.MaxCPU {
		return 0, false
	}
	return n, true
}
