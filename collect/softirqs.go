package collect

import (
	"bytes"
	"fmt"
)

// proc/softirqs is a header of CPU numbers and one row per softirq, printed
// by show_softirqs in fs/proc/softirqs.c:
// https://github.com/torvalds/linux/blob/master/fs/proc/softirqs.c
//
//	                    CPU0       CPU1
//	          HI:          0          2
//	      NET_RX:         23     104508
//
// The columns are for_each_possible_cpu, so an offline CPU keeps its column
// (root4 fixture: CPU6 is offline yet listed), unlike proc/interrupts and
// softnet_stat. The CPU numbers are still read from the header rather than
// assumed to be 0..n-1: possible CPUs need not be contiguous.
//
// Row names come from softirq_to_name in kernel/softirq.c: HI, TIMER, NET_TX,
// NET_RX, BLOCK, IRQ_POLL, TASKLET, SCHED, HRTIMER, RCU. Before 4.5 IRQ_POLL
// was BLOCK_IOPOLL, and older kernels printed the names at a narrower width
// (so "BLOCK_IOPOLL:" starts its line). Unknown names are kept as printed.
// Values were "%10u" of an unsigned int (wrapping at 2^32) and are parsed as
// 64-bit.

func (c *Collector) collectSoftIRQs(s *Snapshot) error {
	const name = "proc/softirqs"
	b, err := c.r.readFile(name)
	if err != nil {
		return err
	}
	si, err := parseSoftIRQs(name, b)
	if si != nil {
		s.SoftIRQs = si
	}
	return err
}

// parseSoftIRQs parses proc/softirqs. Without a usable header nothing can be
// attributed and it returns nil; a bad row is reported and left out.
func parseSoftIRQs(path string, b []byte) (*SoftIRQs, error) {
	header, rest := cutLine(b)
	if isBlankLine(header) {
		return nil, parseErr(path, 1, "no header of CPUs")
	}
	cpus, err := parseCPUHeader(header)
	if err != nil {
		return nil, &ParseError{Path: path, Line: 1, Err: err}
	}
	n := len(cpus)
	nrows := bytes.Count(rest, []byte{'\n'}) + 1
	// One backing array for every row: a 256-CPU host is one allocation.
	// Every value takes at least two bytes ("0 "), which bounds the guess
	// when a hostile file pairs a huge header with many lines.
	flat := make([]uint64, 0, min(nrows*n, len(rest)/2+1))
	si := &SoftIRQs{CPUs: cpus, Rows: make(map[string][]uint64, min(nrows, 16))}
	var errs errList
	for lineNo := 2; len(rest) > 0; lineNo++ {
		var line []byte
		line, rest = cutLine(rest)
		if isBlankLine(line) {
			continue
		}
		colon := bytes.IndexByte(line, ':')
		name := bytes.TrimSpace(line[:max(colon, 0)])
		if colon < 0 || len(name) == 0 {
			errs.add(parseErr(path, lineNo, "no \"NAME:\" at the start of %s", quoted(line)))
			continue
		}
		start := len(flat)
		flat, err = appendSoftirqRow(flat, name, line[colon+1:], n)
		if err == nil && si.Rows[softirqName(name)] != nil {
			err = fmt.Errorf("%s: row repeated", name)
		}
		if err != nil {
			errs.add(&ParseError{Path: path, Line: lineNo, Err: err})
			flat = flat[:start]
			continue
		}
		// Full slice expression: a caller appending to one row must not
		// write into the next.
		si.Rows[softirqName(name)] = flat[start:len(flat):len(flat)]
	}
	return si, errs.err()
}

// appendSoftirqRow appends the n values of one row to flat.
func appendSoftirqRow(flat []uint64, name, vals []byte, n int) ([]uint64, error) {
	k := 0
	for rest := vals; ; k++ {
		var f []byte
		f, rest = cutField(rest)
		if len(f) == 0 {
			break
		}
		if k == n {
			return flat, fmt.Errorf("%s: %d values for %d CPUs", name, countFields(vals), n)
		}
		v, ok := parseDec(f)
		if !ok {
			return flat, fmt.Errorf("%s: value %d %s is not an unsigned integer", name, k+1, quoted(f))
		}
		flat = append(flat, v)
	}
	if k != n {
		return flat, fmt.Errorf("%s: %d values for %d CPUs", name, k, n)
	}
	return flat, nil
}

// parseCPUHeader reads "CPU0 CPU1 …" into CPU numbers, which must rise.
func parseCPUHeader(line []byte) ([]int, error) {
	cpus := make([]int, 0, countFields(line))
	for rest := line; ; {
		var f []byte
		f, rest = cutField(rest)
		if len(f) == 0 {
			break
		}
		num, ok := bytes.CutPrefix(f, []byte("CPU"))
		v, okNum := parseDec(num)
		if !ok || !okNum {
			return nil, fmt.Errorf("header field %s is not CPUn", quoted(f))
		}
		if v >= maxCPUIndex {
			return nil, fmt.Errorf("header field %s: cpu number out of range", quoted(f))
		}
		if len(cpus) > 0 && int(v) <= cpus[len(cpus)-1] {
			return nil, fmt.Errorf("header field %s: cpu numbers must rise", quoted(f))
		}
		cpus = append(cpus, int(v))
	}
	if len(cpus) == 0 {
		return nil, fmt.Errorf("header names no CPU")
	}
	return cpus, nil
}

// softirqName returns the row name, without allocating for the names the
// kernel prints (the compiler does not copy b for a switch on string(b)).
func softirqName(b []byte) string {
	switch string(b) {
	case "HI":
		return "HI"
	case "TIMER":
		return "TIMER"
	case "NET_TX":
		return "NET_TX"
	case "NET_RX":
		return "NET_RX"
	case "BLOCK":
		return "BLOCK"
	case "IRQ_POLL":
		return "IRQ_POLL"
	case "BLOCK_IOPOLL":
		return "BLOCK_IOPOLL"
	case "TASKLET":
		return "TASKLET"
	case "SCHED":
		return "SCHED"
	case "HRTIMER":
		return "HRTIMER"
	case "RCU":
		return "RCU"
	}
	return string(b)
}
