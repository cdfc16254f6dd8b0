package collect

import (
	"bufio"
	"bytes"
	"path"
	"strconv"
	"strings"
)

// parseBondingProc parses one proc/net/bonding/<bond> file, as printed by
// drivers/net/bonding/bond_procfs.c
// (https://github.com/torvalds/linux/blob/master/drivers/net/bonding/bond_procfs.c).
// The format grew over the driver versions, and the parser keys on the
// label of each line, so lines it does not know are skipped:
//
//   - 3.x (2.6 kernels): master section, then per slave "Slave Interface",
//     MII Status, Speed ("%d Mbps"), Duplex, Link Failure Count, Permanent
//     HW addr, and in 802.3ad "Aggregator ID". 3.7 adds "Slave queue ID",
//     "Min links", the churn states and counts.
//   - 4.x/5.x kernels: Speed/Duplex "Unknown", "Peer Notification Delay",
//     "ARP Missed Max", "LACP active", "System priority/MAC address", and
//     (with CAP_NET_ADMIN) per-slave "details actor/partner lacp pdu" blocks
//     of indented lines; "Aggregator ID: N/A" for a slave in no aggregator.
//   - "Active Aggregator Info:" is followed by tab-indented lines (8 spaces in
//     some distribution kernels); "bond X has no active aggregator" replaces
//     it when there is none.
//
// Indentation says which block a line belongs to: an indented line continues
// the Active Aggregator Info or the lacp pdu block above it; any other line
// ends it. A known label with a value that cannot be understood is a
// ParseError naming the line; the rest of the file is still read. Lines with
// no label at all (a stray "Speed" in a real sample) are skipped.
//
// The bond's name is the file's name: the text's own "bond X has no active
// aggregator" may name another (a renamed bond keeps its proc file).
func parseBondingProc(name string, data []byte) (*Bond, error) {
	b := newBond(path.Base(name), "proc")
	b.Slaves = []BondSlave{}
	p := bondParser{name: name, b: b}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxFile)
	for sc.Scan() {
		p.line++
		p.parseLine(strings.TrimRight(sc.Text(), " \t\r"))
	}
	if err := sc.Err(); err != nil && p.first == nil {
		p.first = parseErr(name, p.line+1, "%v", err)
	}
	if b.ModeText == "" && p.first == nil {
		// The driver always prints the mode (bond_info_show_master): an
		// empty or cut file.
		p.first = parseErr(name, 0, "no %q line", "Bonding Mode")
	}
	return b, p.first
}

// newBond returns a Bond whose numbers are "not in the source".
func newBond(name, from string) *Bond {
	return &Bond{Name: name, MIIPollMs: -1, UpDelayMs: -1, DownDelayMs: -1, ARPIntervalMs: -1, From: from}
}

// newBondSlave returns a slave whose numbers are "not in the source".
func newBondSlave(name string) BondSlave {
	return BondSlave{Name: name, Speed: -1, AggregatorID: -1, ActorPortState: -1, PartnerPortState: -1}
}

type bondBlock int

const (
	blockNone bondBlock = iota
	blockAgg
	blockActor
	blockPartner
)

type bondParser struct {
	name  string
	b     *Bond
	slave *BondSlave // the slave being read; nil in the master section
	// nameless is set after a "Slave Interface:" without a valid name,
	// whose lines are skipped up to the next slave.
	nameless bool
	block    bondBlock
	line     int
	first    error
}

func (p *bondParser) fail(format string, args ...any) {
	if p.first == nil {
		p.first = parseErr(p.name, p.line, format, args...)
	}
}

func (p *bondParser) parseLine(line string) {
	if line == "" {
		return
	}
	indented := line[0] == ' ' || line[0] == '\t'
	if !indented {
		p.block = blockNone
	}
	text := strings.TrimSpace(line)
	key, val, ok := strings.Cut(text, ": ")
	if !ok {
		k, hasColon := strings.CutSuffix(text, ":")
		if !hasColon {
			p.marker(text)
			return
		}
		key, val = k, ""
	}
	val = strings.TrimSpace(val)
	switch {
	case indented && p.block == blockAgg && p.b.ActiveAggregator != nil:
		p.aggField(key, val)
	case indented && p.slave != nil && (p.block == blockActor || p.block == blockPartner):
		p.pduField(key, val)
	case indented:
		// An indented line outside a block: skipped.
	case key == "Slave Interface":
		p.slave, p.nameless = nil, !validIfName(val)
		if p.nameless {
			p.fail("slave name %q is not an interface name", clip(val))
			return
		}
		p.b.Slaves = append(p.b.Slaves, newBondSlave(val))
		p.slave = &p.b.Slaves[len(p.b.Slaves)-1]
	case p.nameless:
		// The lines of a slave without a name belong to nobody.
	case p.slave != nil:
		p.slaveField(key, val)
	default:
		p.masterField(key, val)
	}
}

// marker handles the lines that carry no label.
func (p *bondParser) marker(text string) {
	if p.slave == nil && strings.HasPrefix(text, "bond ") && strings.HasSuffix(text, " has no active aggregator") {
		p.b.NoActiveAgg = true
	}
	// "802.3ad info" and stray lines say nothing of their own.
}

func (p *bondParser) masterField(key, val string) {
	b := p.b
	switch key {
	case "Bonding Mode":
		b.ModeText = val
		text := val
		if i := strings.Index(text, " (fail_over_mac "); i >= 0 && strings.HasSuffix(text, ")") {
			b.FailOverMAC = text[i+len(" (fail_over_mac ") : len(text)-1]
			text = text[:i]
		}
		if m, ok := modeFromProc(text); ok {
			b.Mode = m
		} else {
			p.fail("unknown bonding mode %q", clip(val))
		}
	case "Transmit Hash Policy":
		b.XmitHashPolicy = stripParenNumber(val)
	case "Primary Slave":
		name, rest, _ := strings.Cut(val, " ")
		if name != "None" {
			b.PrimarySlave = name
		}
		if r, ok := strings.CutPrefix(rest, "(primary_reselect "); ok {
			b.PrimaryReselect = strings.TrimSuffix(r, ")")
		}
	case "Currently Active Slave":
		if val != "None" {
			b.CurrentActive = val
		}
	case "MII Status":
		b.MIIStatus = val
	case "MII Polling Interval (ms)":
		b.MIIPollMs = p.atoi(val, b.MIIPollMs)
	case "Up Delay (ms)":
		b.UpDelayMs = p.atoi(val, b.UpDelayMs)
	case "Down Delay (ms)":
		b.DownDelayMs = p.atoi(val, b.DownDelayMs)
	case "ARP Polling Interval (ms)":
		b.ARPIntervalMs = p.atoi(val, b.ARPIntervalMs)
	case "ARP IP target/s (n.n.n.n form)":
		b.ARPTargets = []string{}
		for _, t := range strings.Split(val, ",") {
			if t = strings.TrimSpace(t); t != "" {
				b.ARPTargets = append(b.ARPTargets, t)
			}
		}
	case "LACP rate":
		b.LACPRate = val
	case "Aggregator selection policy (ad_select)":
		b.ADSelect = val
	case "Active Aggregator Info":
		b.ActiveAggregator = &Aggregator{}
		p.block = blockAgg
	default:
		if b.ActiveAggregator != nil {
			// Some kernels print the block without indentation.
			p.aggField(key, val)
		}
	}
}

func (p *bondParser) aggField(key, val string) {
	a := p.b.ActiveAggregator
	switch key {
	case "Aggregator ID":
		a.ID = p.atoi(val, a.ID)
	case "Number of ports":
		a.Ports = p.atoi(val, a.Ports)
	case "Actor Key":
		a.ActorKey = p.atoi(val, a.ActorKey)
	case "Partner Key":
		a.PartnerKey = p.atoi(val, a.PartnerKey)
	case "Partner Mac Address":
		a.PartnerMAC = val
	}
}

func (p *bondParser) slaveField(key, val string) {
	s := p.slave
	switch key {
	case "MII Status":
		s.MIIStatus = val
	case "Speed":
		if val == "Unknown" {
			s.Speed = -1
			return
		}
		sp, err := parseSpeed(strings.TrimSuffix(val, " Mbps"))
		if err != nil {
			p.fail("%v", err)
		}
		s.Speed = sp
	case "Duplex":
		s.Duplex = strings.ToLower(val)
	case "Link Failure Count":
		n, err := strconv.ParseUint(val, 10, 64)
		if err != nil {
			p.fail("link failure count %q is not a number", clip(val))
			return
		}
		s.LinkFailures, s.HasLinkFailures = n, true
	case "Permanent HW addr":
		s.PermHWAddr = val
	case "Aggregator ID":
		if val == "N/A" {
			s.AggregatorID = -1
			return
		}
		s.AggregatorID = p.atoi(val, s.AggregatorID)
	case "Actor Churn State":
		s.ActorChurn = val
	case "Partner Churn State":
		s.PartnerChurn = val
	case "details actor lacp pdu":
		p.block = blockActor
	case "details partner lacp pdu":
		p.block = blockPartner
	}
}

// pduField reads the indented lines of a slave's lacp pdu blocks.
func (p *bondParser) pduField(key, val string) {
	s := p.slave
	switch {
	case key == "port state" && p.block == blockActor:
		s.ActorPortState = p.atoi(val, s.ActorPortState)
	case key == "port state" && p.block == blockPartner:
		s.PartnerPortState = p.atoi(val, s.PartnerPortState)
	case key == "system mac address" && p.block == blockPartner:
		s.PartnerMAC = val
	}
}

// atoi parses a decimal int, reporting bad text and keeping old.
func (p *bondParser) atoi(val string, old int) int {
	n, err := strconv.ParseInt(val, 10, 32)
	if err != nil {
		p.fail("%q is not an integer", clip(val))
		return old
	}
	return int(n)
}

// stripParenNumber turns "layer2+3 (2)" into "layer2+3".
func stripParenNumber(v string) string {
	if i := strings.LastIndex(v, " ("); i >= 0 && strings.HasSuffix(v, ")") {
		return v[:i]
	}
	return v
}

// modeFromProc maps bond_mode_name() (drivers/net/bonding/bond_main.c) to
// the mode names of the sysfs mode file and of ip-link.
func modeFromProc(text string) (string, bool) {
	switch text {
	case "load balancing (round-robin)":
		return "balance-rr", true
	case "fault-tolerance (active-backup)":
		return "active-backup", true
	case "load balancing (xor)":
		return "balance-xor", true
	case "fault-tolerance (broadcast)":
		return "broadcast", true
	case "IEEE 802.3ad Dynamic link aggregation":
		return "802.3ad", true
	case "transmit load balancing":
		return "balance-tlb", true
	case "adaptive load balancing":
		return "balance-alb", true
	}
	return "", false
}
