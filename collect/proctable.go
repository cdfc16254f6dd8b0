package collect

import "bytes"

// proc/net/netstat and proc/net/snmp are pairs of lines, a header of names
// and a line of values, both starting with the same "Group:" prefix:
//
//	Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens …
//	Tcp: 1 200 120000 -1 1516 …
//
// Written by snmp_seq_show and netstat_seq_show in net/ipv4/proc.c:
// https://github.com/torvalds/linux/blob/master/net/ipv4/proc.c
// Groups come and go with kernels and configs (IpExt, MPTcpExt, TcpExt's
// ever longer list); a group can repeat (IcmpMsg prints 16 types per pair), so
// pairs are matched by position and prefix, and every key is kept as
// "Group.Name". Values are "%lu", except Tcp MaxConn ("%ld", -1 on Linux),
// which lands in Counters.Signed.

// parseProcTable parses a header/value table. A pair whose name and value
// counts differ cannot be matched up and is left out with an error naming its
// value line; the other pairs still parse.
func parseProcTable(path string, b []byte) (*Counters, error) {
	var cb counterBuilder
	var errs errList
	for lineNo := 1; len(b) > 0; lineNo++ {
		var hdr []byte
		hdr, b = cutLine(b)
		if isBlankLine(hdr) {
			continue
		}
		group, names, ok := cutGroup(hdr)
		if !ok {
			errs.add(parseErr(path, lineNo, "no \"Group:\" at the start of %s", quoted(hdr)))
			continue
		}
		if first, _ := cutField(names); isCounterField(first) {
			errs.add(parseErr(path, lineNo, "%s values without a header line", group))
			continue
		}
		next, after := cutLine(b)
		vgroup, vals, ok := cutGroup(next)
		if first, _ := cutField(vals); !ok || !bytes.Equal(vgroup, group) || (len(first) > 0 && !isCounterField(first)) {
			errs.add(parseErr(path, lineNo, "%s header without a value line", group))
			continue
		}
		b = after
		lineNo++
		if nn, nv := countFields(names), countFields(vals); nn != nv {
			errs.add(parseErr(path, lineNo, "%s: %d names but %d values", group, nn, nv))
			continue
		}
		for {
			var name, val []byte
			name, names = cutField(names)
			val, vals = cutField(vals)
			if len(name) == 0 {
				break
			}
			if !cb.add(group, name, val) {
				errs.add(parseErr(path, lineNo, "%s.%s: %s is not an integer", group, name, quoted(val)))
			}
		}
	}
	c := cb.counters()
	if c == nil && errs.first == nil {
		return nil, parseErr(path, 0, "no counters")
	}
	return c, errs.err()
}

// cutGroup splits "Tcp: a b c" into "Tcp" and " a b c". The group is the
// first field and must end in ':'.
func cutGroup(line []byte) (group, rest []byte, ok bool) {
	f, rest := cutField(line)
	if len(f) < 2 || f[len(f)-1] != ':' {
		return nil, nil, false
	}
	return f[:len(f)-1], rest, true
}

// isCounterField reports whether f looks like a value rather than a name:
// kernel counter names never start with a digit or '-'.
func isCounterField(f []byte) bool {
	return len(f) > 0 && (f[0] == '-' || (f[0] >= '0' && f[0] <= '9'))
}

// collectProcTable reads one table file into *dst.
func (c *Collector) collectProcTable(name string, dst **Counters) error {
	b, err := c.r.readFile(name)
	if err != nil {
		return err
	}
	t, err := parseProcTable(name, b)
	if t != nil {
		*dst = t
	}
	return err
}
