package collect

import (
	"bufio"
	"bytes"
	"errors"
	"path"
	"strconv"
	"strings"

	"github.com/netvet/netvet/internal/cpumask"
)

// collectNICs reads the configuration of every interface in sys/class/net:
// kind, driver and device, the PCI address and NUMA locality of the device,
// MTU and txqueuelen, the master it is enslaved to, and the RPS/XPS settings
// of its queues. Attributes: net/core/net-sysfs.c; numa_node and
// local_cpulist: drivers/pci/pci-sysfs.c
// (https://github.com/torvalds/linux/blob/master/drivers/pci/pci-sysfs.c).
func (c *Collector) collectNICs(s *Snapshot) error {
	devs, err := c.r.netDevs()
	if err != nil {
		return err
	}
	nics := make(map[string]*NIC, len(devs))
	var first error
	for _, d := range devs {
		n, err := c.readNIC(d)
		if err != nil && first == nil {
			first = err
		}
		nics[d.name] = n
	}
	s.Config.NICs = nics
	return first
}

// readNIC reads one interface, keeping what it can when a file is bad.
func (c *Collector) readNIC(d netDev) (*NIC, error) {
	n := &NIC{Name: d.name, MTU: -1, TxQueueLen: -1, NUMANode: -1}
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	entries, _ := c.r.entryNames(d.dir)
	h := kindHints{name: d.name, entries: entries, typ: -1, ifindex: -1, iflink: -1}
	if ue, ok, err := c.readUevent(d.dir + "/uevent"); ok {
		h.hasUevent, h.devType = true, ue["DEVTYPE"]
	} else {
		keep(err)
	}
	if v, ok, _, err := c.readIntAttr(d.dir + "/mtu"); ok {
		n.MTU = int(v)
	} else {
		keep(err)
	}
	if v, ok, _, err := c.readIntAttr(d.dir + "/tx_queue_len"); ok {
		n.TxQueueLen = int(v)
	} else {
		keep(err)
	}
	h.typ = c.hintInt(d.dir + "/type")
	h.ifindex = c.hintInt(d.dir + "/ifindex")
	h.iflink = c.hintInt(d.dir + "/iflink")
	if v, ok, _ := c.readAttrVia(d.dir + "/flags"); ok {
		if f, err := strconv.ParseInt(v, 0, 64); err == nil {
			h.flags, h.hasFlags = f, true
		}
	}
	// Every fact the kind rests on comes from a read (a file or a link),
	// never from a directory listing alone, so a recording (which keeps
	// what was read) classifies the interface as the live host did.
	if t, err := c.r.readLink(d.dir + "/master"); err == nil {
		n.Master = path.Base(t)
	}
	if _, ok := c.readAttr(d.dir + "/tun_flags"); ok {
		h.tun = true
	}
	for e := range entries {
		if strings.HasPrefix(e, "lower_") {
			if _, err := c.r.readLink(d.dir + "/" + e); err == nil {
				h.lower = true
			}
		}
	}

	var err error
	h.device, err = c.readDevice(n, d.dir, c.realDir(d))
	keep(err)
	if !h.device && h.devType == "" && d.name != "config" {
		// Older kernels give vlan devices no DEVTYPE, but list each in
		// proc/net/vlan next to the "config" file (net/8021q/vlanproc.c).
		if _, err := c.r.readFile("proc/net/vlan/" + d.name); err == nil {
			h.procVLAN = true
		}
	}
	n.Kind = nicKind(h)

	rx, tx, err := c.readQueues(d.dir)
	n.Rx, n.Tx = rx, tx
	keep(err)
	return n, first
}

// hintInt reads a decimal attribute used only to classify the interface;
// -1 when absent or not a number (it fills no field of its own).
func (c *Collector) hintInt(name string) int {
	v, ok, _, err := c.readIntAttr(name)
	if !ok || err != nil {
		return -1
	}
	return int(v)
}

// realDir returns the interface's directory under sys/devices, which the
// device link's relative target is relative to: the sys/class/net entry's
// own link target on the live host or a recording that kept NAME.symlink,
// or the directory netDevs already resolved. "" when unknown (a recording
// with plain directories): then no parent device can be found.
func (c *Collector) realDir(d netDev) string {
	class := classNet + "/" + d.name
	if d.dir != class {
		return d.dir
	}
	t, err := c.r.readLink(class)
	if err != nil {
		return ""
	}
	if p, ok := resolveLink(class, t); ok {
		return p
	}
	return ""
}

// readDevice fills Device, Driver, Bus, NUMANode and LocalCPUs from the
// interface's device link.
//
// The parent-device fallback: a virtio NIC's device is the virtio bus device
// (sys/devices/pci0000:00/0000:00:03.0/virtio2) which has no numa_node or
// local_cpulist; they belong to the PCI function above it, whose address is
// also the one in the interrupt names (PCI-MSIX-0000:00:03.0). So Bus,
// NUMANode and LocalCPUs come from the device when it has them, else from
// its parent. A numa_node of -1 is an answer (no NUMA affinity), not absent.
//
// found reports whether the interface has a device link at all.
func (c *Collector) readDevice(n *NIC, dir, realDir string) (found bool, err error) {
	target, err := c.r.readLink(dir + "/device")
	if err != nil {
		if attrAbsent(err) {
			return false, nil
		}
		return false, err
	}
	n.Device = path.Base(target)
	devDir, parent := dir+"/device", ""
	if realDir != "" {
		if p, ok := resolveLink(realDir+"/device", target); ok {
			devDir = p
			if pp := path.Dir(p); pp != "." && strings.HasPrefix(pp, "sys/devices/") {
				parent = pp
			}
		}
	}
	switch {
	case isPCIAddr(n.Device):
		n.Bus = n.Device
	case parent != "" && isPCIAddr(path.Base(parent)):
		n.Bus = path.Base(parent)
	}

	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	if t, err := c.r.readLink(devDir + "/driver"); err == nil {
		n.Driver = path.Base(t)
	} else if ue, ok, err := c.readUevent(devDir + "/uevent"); ok {
		n.Driver = ue["DRIVER"]
	} else {
		keep(err)
	}

	for _, d := range []string{devDir, parent} {
		if d == "" {
			break
		}
		v, ok, absent, err := c.readIntAttr(d + "/numa_node")
		keep(err)
		if ok {
			n.NUMANode = int(v)
		}
		if !absent {
			break
		}
	}
	for _, d := range []string{devDir, parent} {
		if d == "" {
			break
		}
		set, ok, absent, err := c.readLocalCPUs(d)
		keep(err)
		if ok {
			n.LocalCPUs, n.HasLocal = set, true
		}
		if !absent {
			break
		}
	}
	return true, first
}

// readLocalCPUs reads a device's local_cpulist, or local_cpus (hex) where
// the list is missing. absent is true when neither file exists.
func (c *Collector) readLocalCPUs(dir string) (set cpumask.Set, ok, absent bool, err error) {
	if v, has, err := c.readAttrVia(dir + "/local_cpulist"); has {
		set, err := parseListText(dir+"/local_cpulist", v)
		return set, err == nil, false, err
	} else if err != nil {
		return set, false, false, err
	}
	name := dir + "/local_cpus"
	v, err := c.r.readStringVia(name)
	if err != nil {
		if errors.Is(err, errLinkLoop) {
			return set, false, false, err
		}
		return set, false, missingFile(err), nil
	}
	set, err = parseMaskText(name, v)
	return set, err == nil, false, err
}

// readUevent reads a uevent file's KEY=VALUE lines. ok is false when the file
// is absent; err is set only for a symlink loop.
func (c *Collector) readUevent(name string) (map[string]string, bool, error) {
	b, err := c.r.readVia(name)
	if err != nil {
		if errors.Is(err, errLinkLoop) {
			return nil, false, err
		}
		return nil, false, nil
	}
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m, true, nil
}
