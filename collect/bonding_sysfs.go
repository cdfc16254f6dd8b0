package collect

import (
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// readBondSysfs reads a bond from sys/class/net/<bond>/bonding and its
// slaves' bonding_slave directories
// (drivers/net/bonding/bond_sysfs.c and bond_sysfs_slave.c:
// https://github.com/torvalds/linux/blob/master/drivers/net/bonding/bond_sysfs.c).
// Option files print "name number" ("802.3ad 4", "layer2 0"); the name is
// kept. lacp_rate and ad_select exist in every mode but mean something only
// in 802.3ad, like the ad_* files, which are empty in other modes. A file
// that is absent leaves its field unknown.
func (c *Collector) readBondSysfs(name, dir string) (*Bond, error) {
	b := newBond(name, "sysfs")
	bd := dir + "/bonding"
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	word := func(file string) string {
		v, _ := c.readAttr(bd + "/" + file)
		w, _, _ := strings.Cut(v, " ")
		return w
	}
	num := func(file string, old int) int {
		v, ok := c.readAttr(bd + "/" + file)
		if !ok || v == "" {
			return old
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			keep(parseErr(bd+"/"+file, 1, "%q is not an integer", clip(v)))
			return old
		}
		return int(n)
	}
	if v, ok := c.readAttr(bd + "/mode"); ok && v != "" {
		b.ModeText = v
		b.Mode, _, _ = strings.Cut(v, " ")
	}
	b.XmitHashPolicy = word("xmit_hash_policy")
	b.MIIStatus, _ = c.readAttr(bd + "/mii_status")
	b.MIIPollMs = num("miimon", b.MIIPollMs)
	b.UpDelayMs = num("updelay", b.UpDelayMs)
	b.DownDelayMs = num("downdelay", b.DownDelayMs)
	b.ARPIntervalMs = num("arp_interval", b.ARPIntervalMs)
	if v, ok := c.readAttr(bd + "/arp_ip_target"); ok {
		b.ARPTargets = strings.Fields(v)
	}
	b.PrimarySlave, _ = c.readAttr(bd + "/primary")
	b.PrimaryReselect = word("primary_reselect")
	b.FailOverMAC = word("fail_over_mac")
	b.CurrentActive, _ = c.readAttr(bd + "/active_slave")
	if b.Mode == "802.3ad" {
		b.LACPRate = word("lacp_rate")
		b.ADSelect = word("ad_select")
		// ad_aggregator is 0 when the bond has no active aggregator
		// (bonding_show_ad_aggregator).
		switch id := num("ad_aggregator", -1); {
		case id == 0:
			b.NoActiveAgg = true
		case id > 0:
			b.ActiveAggregator = &Aggregator{
				ID:         id,
				Ports:      num("ad_num_ports", 0),
				ActorKey:   num("ad_actor_key", 0),
				PartnerKey: num("ad_partner_key", 0),
			}
			b.ActiveAggregator.PartnerMAC, _ = c.readAttr(bd + "/ad_partner_mac")
		}
	}
	if v, ok := c.readAttr(bd + "/slaves"); ok {
		b.Slaves = []BondSlave{}
		for _, s := range strings.Fields(v) {
			if s == "++more++" {
				continue // the kernel's marker of a list cut at PAGE_SIZE
			}
			if !validIfName(s) {
				keep(parseErr(bd+"/slaves", 1, "%q is not an interface name", clip(s)))
				continue
			}
			sl, err := c.readBondSlaveSysfs(s, dir)
			keep(err)
			b.Slaves = append(b.Slaves, sl)
		}
	}
	return b, first
}

// readBondSlaveSysfs reads one slave's bonding_slave directory, found where
// the kernel of the day puts it: sys/class/net/<slave>/bonding_slave (3.14
// on), reached from the bond as lower_<slave> (3.13 on) or slave_<slave>
// (older kernels, and the node_exporter fixture). Speed and duplex come from
// the slave interface itself.
func (c *Collector) readBondSlaveSysfs(name, bondDir string) (BondSlave, error) {
	s := newBondSlave(name)
	sd := c.bondSlaveDir(name, bondDir)
	if sd == "" {
		return s, nil
	}
	var first error
	num := func(file string, old int) int {
		v, ok := c.readAttr(sd + "/" + file)
		if !ok || v == "" || v == "N/A" {
			return old
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			if first == nil {
				first = parseErr(sd+"/"+file, 1, "%q is not an integer", clip(v))
			}
			return old
		}
		return int(n)
	}
	s.State, _ = c.readAttr(sd + "/state")
	s.MIIStatus, _ = c.readAttr(sd + "/mii_status")
	if v, ok := c.readAttr(sd + "/link_failure_count"); ok && v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			if first == nil {
				first = parseErr(sd+"/link_failure_count", 1, "%q is not a count", clip(v))
			}
		} else {
			s.LinkFailures, s.HasLinkFailures = n, true
		}
	}
	s.PermHWAddr, _ = c.readAttr(sd + "/perm_hwaddr")
	s.AggregatorID = num("ad_aggregator_id", -1)
	s.ActorPortState = num("ad_actor_oper_port_state", -1)
	s.PartnerPortState = num("ad_partner_oper_port_state", -1)
	ifDir := path.Dir(sd)
	if v, ok := c.readAttr(ifDir + "/speed"); ok {
		sp, err := parseSpeed(v)
		if err != nil && first == nil {
			first = parseErr(ifDir+"/speed", 1, "%v", err)
		}
		s.Speed = sp
	}
	s.Duplex, _ = c.readAttr(ifDir + "/duplex")
	return s, first
}

// bondSlaveDir finds a slave's bonding_slave directory; "" when none.
func (c *Collector) bondSlaveDir(name, bondDir string) string {
	cands := []string{
		classNet + "/" + name + "/bonding_slave",
		bondDir + "/lower_" + name + "/bonding_slave",
		bondDir + "/slave_" + name + "/bonding_slave",
	}
	for _, d := range cands {
		if st, err := fs.Stat(c.r.fsys, d); err == nil && st.IsDir() {
			return d
		}
	}
	// A recording may hold the links as NAME.symlink files.
	for _, d := range cands {
		if p, err := c.r.follow(d); err == nil {
			return p
		}
	}
	return ""
}
