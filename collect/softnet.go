package collect

import (
	"bytes"
	"fmt"
)

// proc/net/softnet_stat has one row per online CPU, every column printed by
// the kernel as "%08x" of a 32-bit counter, so counters wrap at 2^32 (the
// analyzer's deltas must allow for that). The row is written by
// softnet_seq_show in net/core/net-procfs.c:
// https://github.com/torvalds/linux/blob/master/net/core/net-procfs.c
//
// The number of columns grew with the kernel, and old columns became 0
// rather than going away (commits under https://github.com/torvalds/linux/commit/):
//
//	 9  processed dropped time_squeeze 0 0 0 0 0 cpu_collision   up to 2.6.34
//	10  + received_rps                 2.6.35  0a9627f2649a ("rps: Receive Packet Steering")
//	11  + flow_limit_count             3.11    99bbc7074190 ("rps: selective flow shedding during softnet overflow")
//	13  + backlog_len, cpu             5.10    7d58e6555870 ("net-sysfs: add backlog len and CPU id to softnet data";
//	                                           backported to RHEL 8.5's 4.18.0-348); col 9 is 0 by then
//	15  + input_qlen, process_qlen     6.4     59da2d7b0e99 (backlog_len split in two)
//
// (Versions as reported by sysstat/sysstat#315 and hjr3/softnet-stat#13.)
//
// Columns past 13 are checked to be hex and counted in Columns, not kept:
// BacklogLen already is their sum.
//
// Rows exist only for online CPUs (softnet_get_online). From 5.10 on the 13th
// column says which CPU a row belongs to. Before that the row index is all
// there is: a kernel with an offline CPU silently leaves its row out and every
// later row is attributed to the wrong CPU. Nothing in the file can tell;
// the Topology collector's online mask can at least show that it happened.

// softnetMinColumns is the column count of the oldest format (2.6.23).
const softnetMinColumns = 9

func (c *Collector) collectSoftnet(s *Snapshot) error {
	const name = "proc/net/softnet_stat"
	b, err := c.r.readFile(name)
	if err != nil {
		return err
	}
	rows, err := parseSoftnet(name, b)
	if len(rows) > 0 {
		s.Softnet = rows
	}
	return err
}

// parseSoftnet parses proc/net/softnet_stat. A bad row is reported (path and
// line) and left out; the other rows are returned.
func parseSoftnet(path string, b []byte) ([]SoftnetCPU, error) {
	if isBlankFile(b) {
		return nil, parseErr(path, 0, "empty file")
	}
	// A row is at least 9 two-byte fields: that bounds the guess for a
	// hostile file of empty lines.
	rows := make([]SoftnetCPU, 0, min(bytes.Count(b, []byte{'\n'})+1, len(b)/(2*softnetMinColumns)+1))
	var errs errList
	lastCPU := -1
	row := 0 // index among the rows printed: the CPU when the file does not say
	for lineNo := 1; len(b) > 0; lineNo++ {
		var line []byte
		line, b = cutLine(b)
		if isBlankLine(line) {
			continue
		}
		r, err := parseSoftnetRow(line, row)
		row++
		if err != nil {
			errs.add(&ParseError{Path: path, Line: lineNo, Err: err})
			continue
		}
		if r.CPU <= lastCPU {
			// Kernels print rows in CPU order; a repeat cannot be
			// attributed to a CPU, so it is left out rather than guessed.
			errs.add(parseErr(path, lineNo, "cpu %d after cpu %d: rows are not in cpu order", r.CPU, lastCPU))
			continue
		}
		lastCPU = r.CPU
		rows = append(rows, r)
	}
	return rows, errs.err()
}

func parseSoftnetRow(line []byte, row int) (SoftnetCPU, error) {
	var v [13]uint64
	n := 0
	for rest := line; ; n++ {
		var f []byte
		f, rest = cutField(rest)
		if len(f) == 0 {
			break
		}
		x, ok := parseHex(f)
		if !ok {
			return SoftnetCPU{}, fmt.Errorf("column %d %s is not a hex number", n+1, quoted(f))
		}
		if n < len(v) {
			v[n] = x
		}
	}
	if n < softnetMinColumns {
		return SoftnetCPU{}, fmt.Errorf("%d columns, want at least %d", n, softnetMinColumns)
	}
	r := SoftnetCPU{
		CPU:          row,
		Processed:    v[0],
		Dropped:      v[1],
		TimeSqueeze:  v[2],
		CPUCollision: v[8],
		Columns:      n,
	}
	if n >= 10 {
		r.ReceivedRPS = v[9]
	}
	if n >= 11 {
		r.FlowLimitCount = v[10]
	}
	if n >= 12 {
		r.BacklogLen = v[11]
	}
	if n >= 13 {
		if v[12] >= maxCPUIndex {
			return SoftnetCPU{}, fmt.Errorf("cpu index %#x in column 13 is out of range", v[12])
		}
		r.CPU = int(v[12])
	}
	return r, nil
}
