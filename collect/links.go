package collect

import (
	"bytes"
	"fmt"
	"strconv"
)

// collectLinks reads, for every interface in sys/class/net, the state files
// and statistics/* (net/core/net-sysfs.c:
// https://github.com/torvalds/linux/blob/master/net/core/net-sysfs.c).
// It runs every sample, so it reads each file once, with the reader's
// buffer, and follows no links per attribute (netDevs resolved them).
//
// A value the kernel refuses is unknown, not an error: carrier, speed and
// duplex return EINVAL while the interface is down, and virtual devices have
// no speed at all. Bad text (a speed that is not a number) is a ParseError;
// everything else of that interface and the others is kept.
func (c *Collector) collectLinks(s *Snapshot) error {
	devs, err := c.r.netDevs()
	if err != nil {
		return err
	}
	links := make(map[string]*Link, len(devs))
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	for _, d := range devs {
		l := &Link{Name: d.name, Carrier: -1, Speed: -1}
		if v, ok := c.readAttr(d.dir + "/operstate"); ok {
			l.Operstate = v
		}
		if v, ok := c.readAttr(d.dir + "/carrier"); ok && v != "" {
			switch v {
			case "0":
				l.Carrier = 0
			case "1":
				l.Carrier = 1
			default:
				keep(parseErr(d.dir+"/carrier", 1, "carrier %q is not 0 or 1", clip(v)))
			}
		}
		if v, ok := c.readAttr(d.dir + "/speed"); ok {
			sp, err := parseSpeed(v)
			if err != nil {
				keep(parseErr(d.dir+"/speed", 1, "%v", err))
			}
			l.Speed = sp
		}
		if v, ok := c.readAttr(d.dir + "/duplex"); ok {
			l.Duplex = v
		}
		stats, err := c.readStats(d.dir + "/statistics")
		if err != nil {
			keep(err)
		}
		l.Stats = stats
		links[d.name] = l
	}
	s.Links = links
	return first
}

// readAttr reads a one-line attribute; ok is false when the kernel or the
// Source has no value for it (see attrAbsent). Other read errors (a file
// larger than maxFile) also count as no value: one attribute never fails the
// whole collector.
func (c *Collector) readAttr(name string) (string, bool) {
	b, err := c.r.readFile(name)
	if err != nil {
		return "", false
	}
	return string(bytes.TrimSpace(b)), true
}

// readStats reads every file of a statistics directory as an unsigned
// counter. An absent directory gives nil (missing is not zero); a counter
// that cannot be read is left out; one that is not a number is left out and
// reported.
func (c *Collector) readStats(dir string) (map[string]uint64, error) {
	ents, err := c.r.readDir(dir)
	if err != nil {
		return nil, nil
	}
	stats := make(map[string]uint64, len(ents))
	var first error
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		name := dir + "/" + e.Name()
		b, err := c.r.readFile(name)
		if err != nil {
			continue
		}
		v, ok := parseStatValue(bytes.TrimSpace(b))
		if !ok {
			if first == nil {
				first = parseErr(name, 1, "%q is not an unsigned integer", clip(string(bytes.TrimSpace(b))))
			}
			continue
		}
		stats[e.Name()] = v
	}
	return stats, first
}

// parseStatValue parses a decimal uint64 without converting to a string
// (this runs for every counter of every interface, every second).
func parseStatValue(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		d := uint64(ch - '0')
		if v > (^uint64(0)-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// parseSpeed reads a link speed in Mb/s as sysfs or the bonding driver prints
// it. Unknown is -1: the kernel prints SPEED_UNKNOWN (-1) with %d; kernels
// before the u32 speed field (2.6) printed it as 65535, and a %u print of -1
// gives 4294967295; an empty text (a fixture of a refused read) is unknown
// too. Text that is not a number gives -1 and an error.
func parseSpeed(v string) (int, error) {
	if v == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return -1, fmt.Errorf("speed %q is not an integer", clip(v))
	}
	if n < 0 || n == 65535 || n == 4294967295 || n > 1<<31 {
		return -1, nil
	}
	return int(n), nil
}
