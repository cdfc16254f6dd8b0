package collect

import (
	"strings"
)

const (
	procBonding    = "proc/net/bonding"
	bondingMasters = classNet + "/bonding_masters"
)

// collectBonding reads every bond from both places the bonding driver shows
// it, proc/net/bonding/<bond> (text) and sys/class/net/<bond>/bonding (one
// value per file), and merges them into one Bond per name.
//
// Merge rule: proc wins for every field both give. Its text is printed in
// one pass under RCU, so its values belong to one moment, while the sysfs
// files are read one by one; it also has what sysfs lacks (churn states,
// partner system MAC per slave). sysfs fills what proc does not print:
// a slave's state (active/backup), its port states when proc omits the lacp
// pdu details (they need CAP_NET_ADMIN), and everything when there is no proc
// file at all (a recording or fixture of sys/ only). Slaves are matched by
// name; proc's order is kept and slaves only sysfs lists are appended. From
// says which views a bond was built from: "proc", "sysfs" or "proc+sysfs".
//
// Neither view present means the bonding driver is not loaded: unavailable.
func (c *Collector) collectBonding(s *Snapshot) error {
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	procBonds, procErr := c.readBondsProc()
	sysBonds, sysErr := c.readBondsSysfs()
	if procBonds == nil && sysBonds == nil {
		if procErr != nil && !IsUnavailable(procErr) {
			return procErr
		}
		if sysErr != nil && !IsUnavailable(sysErr) {
			return sysErr
		}
		return procErr
	}
	if procBonds != nil {
		keep(procErr)
	}
	if sysBonds != nil {
		keep(sysErr)
	}
	bonds := make(map[string]*Bond, len(procBonds)+len(sysBonds))
	for name, b := range procBonds {
		bonds[name] = b
	}
	for name, sb := range sysBonds {
		bonds[name] = mergeBond(bonds[name], sb)
	}
	s.Bonds = bonds
	return first
}

// readBondsProc parses every file of proc/net/bonding. nil with the listing
// error when the directory is absent. A file that cannot be read (the bond
// went away) is skipped.
func (c *Collector) readBondsProc() (map[string]*Bond, error) {
	ents, err := c.r.readDir(procBonding)
	if err != nil {
		return nil, err
	}
	bonds := make(map[string]*Bond, len(ents))
	var first error
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		name := procBonding + "/" + e.Name()
		data, err := c.r.readFile(name)
		if err != nil {
			continue
		}
		b, err := parseBondingProc(name, data)
		if err != nil && first == nil {
			first = err
		}
		bonds[b.Name] = b
	}
	return bonds, first
}

// readBondsSysfs reads the bonds listed in sys/class/net/bonding_masters.
// nil with the read error when the file is absent.
func (c *Collector) readBondsSysfs() (map[string]*Bond, error) {
	v, err := c.r.readString(bondingMasters)
	if err != nil {
		return nil, err
	}
	dirs := map[string]string{}
	if devs, err := c.r.netDevs(); err == nil {
		for _, d := range devs {
			dirs[d.name] = d.dir
		}
	}
	bonds := map[string]*Bond{}
	var first error
	for _, name := range strings.Fields(v) {
		if name == "++more++" {
			continue // the kernel's marker of a list cut at PAGE_SIZE
		}
		if !validIfName(name) {
			if first == nil {
				first = parseErr(bondingMasters, 1, "%q is not an interface name", clip(name))
			}
			continue
		}
		dir, ok := dirs[name]
		if !ok {
			dir = classNet + "/" + name
		}
		b, err := c.readBondSysfs(name, dir)
		if err != nil && first == nil {
			first = err
		}
		bonds[name] = b
	}
	return bonds, first
}

// mergeBond merges the sysfs view s into the proc view p (either may be
// nil); see collectBonding for the rule.
func mergeBond(p, s *Bond) *Bond {
	if p == nil {
		return s
	}
	if s == nil {
		return p
	}
	out := *p
	out.From = "proc+sysfs"
	fillBondStr(&out.Mode, s.Mode)
	fillBondStr(&out.ModeText, s.ModeText)
	fillBondStr(&out.XmitHashPolicy, s.XmitHashPolicy)
	fillBondStr(&out.MIIStatus, s.MIIStatus)
	fillBondInt(&out.MIIPollMs, s.MIIPollMs)
	fillBondInt(&out.UpDelayMs, s.UpDelayMs)
	fillBondInt(&out.DownDelayMs, s.DownDelayMs)
	fillBondInt(&out.ARPIntervalMs, s.ARPIntervalMs)
	if out.ARPTargets == nil {
		out.ARPTargets = s.ARPTargets
	}
	fillBondStr(&out.PrimarySlave, s.PrimarySlave)
	fillBondStr(&out.PrimaryReselect, s.PrimaryReselect)
	fillBondStr(&out.FailOverMAC, s.FailOverMAC)
	fillBondStr(&out.CurrentActive, s.CurrentActive)
	fillBondStr(&out.LACPRate, s.LACPRate)
	fillBondStr(&out.ADSelect, s.ADSelect)
	if out.ActiveAggregator == nil && !out.NoActiveAgg {
		out.ActiveAggregator, out.NoActiveAgg = s.ActiveAggregator, s.NoActiveAgg
	}
	out.Slaves = mergeSlaves(p.Slaves, s.Slaves)
	return &out
}

func mergeSlaves(p, s []BondSlave) []BondSlave {
	if p == nil {
		return s
	}
	out := make([]BondSlave, 0, len(p)+len(s))
	seen := make(map[string]bool, len(p))
	bySys := make(map[string]BondSlave, len(s))
	for _, sl := range s {
		bySys[sl.Name] = sl
	}
	for _, sl := range p {
		seen[sl.Name] = true
		if ss, ok := bySys[sl.Name]; ok {
			fillBondStr(&sl.MIIStatus, ss.MIIStatus)
			fillBondInt(&sl.Speed, ss.Speed)
			fillBondStr(&sl.Duplex, ss.Duplex)
			if !sl.HasLinkFailures {
				sl.LinkFailures, sl.HasLinkFailures = ss.LinkFailures, ss.HasLinkFailures
			}
			fillBondStr(&sl.PermHWAddr, ss.PermHWAddr)
			fillBondInt(&sl.AggregatorID, ss.AggregatorID)
			fillBondStr(&sl.PartnerMAC, ss.PartnerMAC)
			fillBondInt(&sl.ActorPortState, ss.ActorPortState)
			fillBondInt(&sl.PartnerPortState, ss.PartnerPortState)
			fillBondStr(&sl.ActorChurn, ss.ActorChurn)
			fillBondStr(&sl.PartnerChurn, ss.PartnerChurn)
			fillBondStr(&sl.State, ss.State)
		}
		out = append(out, sl)
	}
	for _, sl := range s {
		if !seen[sl.Name] {
			out = append(out, sl)
		}
	}
	return out
}

func fillBondStr(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func fillBondInt(dst *int, v int) {
	if *dst == -1 {
		*dst = v
	}
}
