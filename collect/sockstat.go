package collect

import "bytes"

// proc/net/sockstat is one line per protocol of "name value" pairs, printed
// by sockstat_seq_show in net/ipv4/proc.c (and socket_seq_show in
// net/socket.c for the first line); proc/net/sockstat6 likewise by
// sockstat6_seq_show in net/ipv6/proc.c:
// https://github.com/torvalds/linux/blob/master/net/ipv4/proc.c
// https://github.com/torvalds/linux/blob/master/net/ipv6/proc.c
//
//	sockets: used 1316
//	TCP: inuse 10 orphan 0 tw 1 alloc 14 mem 2
//	TCP6: inuse 0
//
// Keys are "TCP.tw", "sockets.used", "TCP6.inuse". Values are "%d"/"%ld",
// so a negative one (a racy per-CPU sum) goes to Signed. "mem" is in pages.

func (c *Collector) collectSockstat(s *Snapshot) error {
	var cb counterBuilder
	var errs errList
	b, err := c.r.readFile("proc/net/sockstat")
	if err != nil {
		return err
	}
	parseSockstat("proc/net/sockstat", b, &cb, &errs)
	// sockstat6 is absent without IPv6: no error, and the IPv4 keys stand.
	if b, err := c.r.readFile("proc/net/sockstat6"); err == nil {
		parseSockstat("proc/net/sockstat6", b, &cb, &errs)
	} else if !IsUnavailable(err) {
		errs.add(err)
	}
	if t := cb.counters(); t != nil {
		s.Sockstat = t
	}
	return errs.err()
}

// parseSockstat adds the pairs of one sockstat file to cb. A line with an odd
// pair keeps its complete pairs (each pair names itself).
func parseSockstat(path string, b []byte, cb *counterBuilder, errs *errList) {
	if isBlankFile(b) {
		errs.add(parseErr(path, 0, "empty file"))
		return
	}
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		if isBlankLine(line) {
			continue
		}
		group, rest, ok := cutGroup(line)
		if !ok {
			errs.add(parseErr(path, lineNo, "no \"NAME:\" at the start of %s", quoted(line)))
			continue
		}
		for {
			var name, val []byte
			name, rest = cutField(rest)
			if len(name) == 0 {
				break
			}
			val, rest = cutField(rest)
			if len(val) == 0 {
				errs.add(parseErr(path, lineNo, "%s.%s has no value", group, name))
				break
			}
			if isCounterField(name) || bytes.IndexByte(name, ':') >= 0 {
				errs.add(parseErr(path, lineNo, "%s: %s is not a name", group, quoted(name)))
				break
			}
			if !cb.add(group, name, val) {
				errs.add(parseErr(path, lineNo, "%s.%s: %s is not an integer", group, name, quoted(val)))
			}
		}
	}
}
