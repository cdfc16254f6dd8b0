package collect

import (
	"bytes"
	"fmt"
)

// proc/net/dev is two header lines and one line per interface, printed by
// dev_seq_printf_stats in net/core/net-procfs.c:
// https://github.com/torvalds/linux/blob/master/net/core/net-procfs.c
//
//	Inter-|   Receive                            …|  Transmit
//	 face |bytes    packets errs drop fifo frame compressed multicast|bytes …
//	  eth0: 874354587 1036395 0 0 0 0 0 0 563352563 732147 0 0 0 0 0 0
//
// The name is right-aligned ("%6s:"). Today a blank follows the colon, but
// 2.6 kernels printed "%6s:%8lu", so a wide counter touches the name:
// "eth0:1234567890 …". Interface names cannot hold ':' (dev_valid_name), so
// the last colon ends the name; the old IPv4 alias labels ("eth0:1") are
// addresses, not devices, and never appear here, but would parse too.
// The 16 columns are unchanged since 2.2; drop is rx_dropped +
// rx_missed_errors, frame the sum of length/over/crc/frame errors, carrier
// the sum of carrier/aborted/window/heartbeat errors.

const netDevColumns = 16

func (c *Collector) collectNetDev(s *Snapshot) error {
	const name = "proc/net/dev"
	b, err := c.r.readFile(name)
	if err != nil {
		return err
	}
	m, err := parseNetDev(name, b)
	if m != nil {
		s.NetDev = m
	}
	return err
}

// parseNetDev parses proc/net/dev. A bad line is reported and its interface
// left out. A file with only the header is a namespace without interfaces
// (an empty map); a file without the header is reported but still parsed.
func parseNetDev(path string, b []byte) (map[string]NetDevStats, error) {
	if isBlankFile(b) {
		return nil, parseErr(path, 0, "empty file")
	}
	var errs errList
	m := make(map[string]NetDevStats, min(bytes.Count(b, []byte{'\n'}), len(b)/(2*netDevColumns+3)+1))
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		if lineNo <= 2 {
			if bytes.IndexByte(line, '|') >= 0 {
				continue
			}
			errs.add(parseErr(path, lineNo, "header line expected, found %s", quoted(line)))
		}
		if isBlankLine(line) {
			continue
		}
		name, st, err := parseNetDevLine(line)
		if err == nil {
			if _, dup := m[name]; dup {
				err = fmt.Errorf("interface %q repeated", name)
			}
		}
		if err != nil {
			errs.add(&ParseError{Path: path, Line: lineNo, Err: err})
			continue
		}
		m[name] = st
	}
	return m, errs.err()
}

func parseNetDevLine(line []byte) (string, NetDevStats, error) {
	colon := bytes.LastIndexByte(line, ':')
	if colon < 0 {
		return "", NetDevStats{}, fmt.Errorf("no \"name:\" in %s", quoted(line))
	}
	name := bytes.TrimSpace(line[:colon])
	if len(name) == 0 {
		return "", NetDevStats{}, fmt.Errorf("empty interface name")
	}
	var v [netDevColumns]uint64
	n := 0
	for rest := line[colon+1:]; ; n++ {
		var f []byte
		f, rest = cutField(rest)
		if len(f) == 0 {
			break
		}
		if n == netDevColumns {
			return "", NetDevStats{}, fmt.Errorf("%s: %d columns, want %d", name, countFields(line[colon+1:]), netDevColumns)
		}
		x, ok := parseDec(f)
		if !ok {
			return "", NetDevStats{}, fmt.Errorf("%s: column %d %s is not an unsigned integer", name, n+1, quoted(f))
		}
		v[n] = x
	}
	if n != netDevColumns {
		return "", NetDevStats{}, fmt.Errorf("%s: %d columns, want %d", name, n, netDevColumns)
	}
	return string(name), NetDevStats{
		RxBytes: v[0], RxPackets: v[1], RxErrs: v[2], RxDrop: v[3],
		RxFifo: v[4], RxFrame: v[5], RxCompressed: v[6], RxMulticast: v[7],
		TxBytes: v[8], TxPackets: v[9], TxErrs: v[10], TxDrop: v[11],
		TxFifo: v[12], TxColls: v[13], TxCarrier: v[14], TxCompressed: v[15],
	}, nil
}
