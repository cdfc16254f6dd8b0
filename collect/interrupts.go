package collect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netvet/netvet/internal/cpumask"
)

// proc/interrupts is written by show_interrupts in kernel/irq/proc.c
// (https://github.com/torvalds/linux/blob/master/kernel/irq/proc.c), then by
// the architecture's arch_show_interrupts for the summary rows: x86 in
// arch/x86/kernel/irq.c
// (https://github.com/torvalds/linux/blob/master/arch/x86/kernel/irq.c), arm64
// in arch/arm64/kernel/smp.c, arm in arch/arm/kernel/irq.c and fiq.c.
//
//	            CPU0       CPU1       CPU3          header: "CPU%-8d" per ONLINE cpu (CPU2 is offline)
//	  24:          1          0          7  IO-APIC   5-edge      ACPI:Ged
//	  38:          0       4515          0  PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0
//	  53:  129969327          0          0  ITS-MSI 65537 Edge      nvme0q1
//	  33:    2246954          0          0  IR-PCI-MSI-edge      eth0-TxRx-0
//	  16:          0          0          0  IO-APIC-fasteoi   uhci_hcd:usb3, eth0, eth1
//	 NMI:          0          0          0   Non-maskable interrupts
//	 ERR:          0
//	 FIQ:              usb_fiq
//	IPI0:2768808080 2844211768 2717389879       Rescheduling interrupts
//
// An IRQ row is "%*d:", one " %10u" count per online CPU, the chip name
// (" %8s", or what the chip's irq_print_chip writes), the hardware IRQ number
// when the IRQ has a domain (" %*lu"), "Level"/"Edge" on architectures with
// CONFIG_GENERIC_IRQ_SHOW_LEVEL (arm, arm64), the flow handler name
// ("-%-8s": "-edge", "-fasteoi"), then the action names joined by ", ".
// Kernels before the hwirq column (the 2.6 and 3.10 hosts in realworld), and
// IRQs without a domain, print chip and handler fused: "PCI-MSI-edge"; that
// text is kept whole in Chip. Chip names have no spaces; action names may
// ("VCHIQ doorbell"), so Device is everything after the chip and hwirq.
//
// Summary rows have a name instead of a number and a description. Three kinds
// do not print one count per CPU:
//   - x86 "ERR" (irq_err_count) and "MIS" (irq_mis_count), arm and arm64
//     "Err": one host-wide count. It is stored in column 0 and the other
//     columns are 0; IRQLine.PerCPU reports false.
//   - arm "FIQ": no count at all, only the name of the FIQ's owner (kept in
//     Device); its row is all 0 and PerCPU reports false.
//
// Any other row with fewer counts than CPUs (a truncated line) is a
// ParseError and is left out of Lines: absent, not zero. The other rows are
// still returned.
//
// The counts are the kernel's per-CPU unsigned int and wrap at 2^32 on a busy
// host; rate code must allow for that. They are parsed as uint64 (a value
// above 2^64-1 is an error).
//
// The header names the online CPUs, so an offline CPU is a missing column,
// not a shifted one: Interrupts.CPUs maps columns to CPU numbers.

// interruptsCache is the interrupts collector's scratch state, kept between
// samples of one stream. The parse compares each row's text (everything but
// the counts) with the previous sample's row at the same position and reuses
// its classification when equal; when every row is unchanged the previous
// Lines slice itself is reused, so steady-state sampling allocates little
// more than the Counts slice. Lines and CPUs handed out are never mutated
// afterwards: snapshots share them.
type interruptsCache struct {
	// prev is the stream's previous snapshot, set by Collect. The parser does
	// not use it: it keeps its own copy of the last layout below, which also
	// survives a sample in between that failed.
	prev *Snapshot

	header string    // the last header line
	cpus   []int     // its CPU numbers (shared with snapshots)
	labels []string  // per row of the last parse: the label ("24", "NMI")
	tails  []string  // and the text after the counts
	raw    []IRQLine // the row as classified from its own text alone
	lines  []IRQLine // the Lines last handed out (shared with a snapshot)
}

// collectInterrupts reads proc/interrupts.
func (c *Collector) collectInterrupts(s *Snapshot) error {
	const name = "proc/interrupts"
	data, err := c.r.readFile(name)
	if err != nil {
		return err
	}
	in, err := parseInterrupts(name, data, &c.irqs)
	s.Interrupts = in
	return err
}

// parseInterrupts parses the text of proc/interrupts (read from path, used in
// errors). cache may be nil; with a cache, unchanged rows reuse the previous
// parse. It returns what it could parse and the first error; a header it
// cannot read gives no data.
func parseInterrupts(path string, data []byte, cache *interruptsCache) (*Interrupts, error) {
	if cache == nil {
		cache = &interruptsCache{}
	}
	rest := data
	lineNo := 0
	var hdr []byte
	for len(rest) > 0 && hdr == nil {
		var line []byte
		line, rest = nextLine(rest)
		lineNo++
		if len(bytes.TrimSpace(line)) > 0 {
			hdr = line
		}
	}
	if hdr == nil {
		return nil, parseErr(path, 0, "no CPU header: the file is empty")
	}
	cpus := cache.cpus
	if cache.header == "" || string(hdr) != cache.header {
		var err error
		if cpus, err = parseIRQHeader(hdr); err != nil {
			return nil, &ParseError{Path: path, Line: lineNo, Err: err}
		}
		cache.header, cache.cpus = string(hdr), cpus
	}
	n := len(cpus)

	// Size Counts for the rows expected: the previous layout, or the number
	// of lines at the first parse. A row of n counts takes at least 2n bytes,
	// which bounds the guess on hostile input.
	rows := len(cache.raw)
	if rows == 0 {
		rows = bytes.Count(rest, []byte{'\n'}) + 1
	}
	rows = min(rows, len(rest)/(2*n)+4)
	counts := make([]uint64, 0, rows*n)

	var (
		firstErr error
		changed  bool
		k        int      // rows kept
		seen     [4]bool  // ERR, MIS, Err, FIQ: one each, which also bounds their memory
		row      []uint64 // counts of the current row
		label    []byte   // its label
		tail     []byte   // and the text after its counts
		bad      = func(format string, args ...any) {
			if firstErr == nil {
				firstErr = parseErr(path, lineNo, format, args...)
			}
		}
	)
	for len(rest) > 0 {
		var line []byte
		line, rest = nextLine(rest)
		lineNo++
		p := skipBlank(line, 0)
		if p == len(line) {
			continue // blank lines occur (a line of spaces ends arm64 files)
		}
		colon := bytes.IndexByte(line[p:], ':')
		if colon <= 0 {
			bad("no %q label before the counts", "IRQ:")
			continue
		}
		label = line[p : p+colon]
		if bytes.ContainsAny(label, " \t") {
			bad("bad IRQ label %q", clip(string(label)))
			continue
		}
		p += colon + 1

		if len(counts)+n > cap(counts) {
			counts = slices.Grow(counts, n*max(16, k/4))
		}
		row = counts[len(counts) : len(counts)+n]
		got, p, err := parseIRQCounts(line, p, row)
		if err != nil {
			bad("IRQ %s: %v", label, err)
			continue
		}
		tail = bytes.Trim(line[p:], " \t")
		if got == n && startsWithNumber(tail) {
			bad("IRQ %s: more counts than the %d CPUs in the header", label, n)
			continue
		}
		if got < n {
			shape, idx := irqRowShape(label)
			switch {
			case shape == irqRowOneValue && got == 1, shape == irqRowNoValue && got == 0:
				if seen[idx] {
					bad("IRQ %s: repeated", label)
					continue
				}
				seen[idx] = true
				clear(row[got:])
			default:
				bad("IRQ %s: %d counts for %d CPUs", label, got, n)
				continue
			}
		}
		counts = counts[:len(counts)+n]

		if k < len(cache.labels) && string(label) == cache.labels[k] && string(tail) == cache.tails[k] {
			k++
			continue
		}
		changed = true
		text := string(tail)
		ln := newIRQLine(label, text)
		if k < len(cache.labels) {
			cache.labels[k], cache.tails[k], cache.raw[k] = ln.IRQ, text, ln
		} else {
			cache.labels = append(cache.labels, ln.IRQ)
			cache.tails = append(cache.tails, text)
			cache.raw = append(cache.raw, ln)
		}
		k++
	}
	if k != len(cache.labels) {
		changed = true
		cache.labels, cache.tails, cache.raw = cache.labels[:k], cache.tails[:k], cache.raw[:k]
	}
	if k == 0 {
		counts = nil
	}
	if changed || cache.lines == nil {
		cache.lines = nil
		if k > 0 {
			cache.lines = slices.Clone(cache.raw)
			resolveSingleVectors(cache.lines)
		}
	}
	return &Interrupts{CPUs: cpus, Lines: cache.lines, Counts: counts}, firstErr
}

// parseIRQHeader reads "CPU0 CPU1 CPU3 …": the online CPUs, ascending.
func parseIRQHeader(hdr []byte) ([]int, error) {
	var cpus []int
	for f := range strings.FieldsSeq(string(hdr)) {
		num, ok := strings.CutPrefix(f, "CPU")
		cpu, err := strconv.Atoi(num)
		if !ok || err != nil || cpu < 0 || cpu > cpumask.MaxCPU {
			return nil, fmt.Errorf("header: %q is not a CPU column (CPU0…CPU%d)", clip(f), cpumask.MaxCPU)
		}
		if len(cpus) > 0 && cpu <= cpus[len(cpus)-1] {
			return nil, fmt.Errorf("header: CPU%d after CPU%d: CPUs must ascend", cpu, cpus[len(cpus)-1])
		}
		cpus = append(cpus, cpu)
	}
	if len(cpus) == 0 {
		return nil, fmt.Errorf("header lists no CPUs")
	}
	return cpus, nil
}

// parseIRQCounts reads up to len(row) decimal counts from line[p:] into row.
// It stops at the first token that does not start with a digit (the chip or
// description) and returns how many it read and where it stopped.
func parseIRQCounts(line []byte, p int, row []uint64) (got, end int, err error) {
	for got < len(row) {
		// Counts are right-aligned in 10 columns and mostly small: skip
		// the padding eight spaces at a time.
		for p+8 <= len(line) && binary.LittleEndian.Uint64(line[p:]) == 0x2020202020202020 {
			p += 8
		}
		p = skipBlank(line, p)
		if p == len(line) || line[p]-'0' > 9 {
			break
		}
		start := p
		var v uint64
		for p < len(line) && line[p]-'0' <= 9 {
			v = v*10 + uint64(line[p]-'0')
			p++
		}
		if p < len(line) && line[p] != ' ' && line[p] != '\t' {
			return got, p, fmt.Errorf("count %q is not a number", clip(string(line[start:min(p+8, len(line))])))
		}
		if p-start > 19 { // may have wrapped: let strconv judge it
			if v, err = strconv.ParseUint(string(line[start:p]), 10, 64); err != nil {
				return got, p, fmt.Errorf("count %s is above 2^64-1", clip(string(line[start:p])))
			}
		}
		row[got] = v
		got++
	}
	return got, p, nil
}
