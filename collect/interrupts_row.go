package collect

import (
	"bytes"
	"strings"
)

// The text of one proc/interrupts row: its label and shape, and the chip,
// hwirq and action names after the counts (format notes in interrupts.go).

// Rows the kernel prints with one host-wide count, or none, instead of one
// count per CPU (see the format notes in interrupts.go).
const (
	irqRowPerCPU = iota
	irqRowOneValue
	irqRowNoValue
)

// irqRowShape returns the shape of a row and, for the special rows, an index
// of their own.
func irqRowShape(label []byte) (shape, idx int) {
	switch string(label) {
	case "ERR":
		return irqRowOneValue, 0
	case "MIS":
		return irqRowOneValue, 1
	case "Err":
		return irqRowOneValue, 2
	case "FIQ":
		return irqRowNoValue, 3
	}
	return irqRowPerCPU, -1
}

// PerCPU reports whether the row's columns are per-CPU counts. It is false for
// the rows that hold one host-wide count in column 0 (x86 ERR and MIS, arm
// Err) and for arm's FIQ row, which has no count.
func (l IRQLine) PerCPU() bool {
	shape, _ := irqRowShape([]byte(l.IRQ))
	return l.Num >= 0 || shape == irqRowPerCPU
}

// Total is the sum of line i's counts over all columns.
func (in *Interrupts) Total(i int) uint64 {
	var t uint64
	for _, v := range in.Row(i) {
		t += v
	}
	return t
}

// newIRQLine builds a row's description from its label and the text after
// its counts. The strings it keeps are sub-strings of text.
func newIRQLine(label []byte, text string) IRQLine {
	ln := IRQLine{IRQ: string(label), Num: -1, Queue: -1}
	if num, ok := irqNumber(label); ok {
		ln.Num = num
		ln.Chip, ln.HWIRQ, ln.Device = splitIRQTail(text)
		ln.NIC, ln.Queue, ln.Kind = classifyDevice(ln.Device, looksLikeIface)
		return ln
	}
	if shape, _ := irqRowShape(label); shape == irqRowNoValue {
		ln.Device = text // arm FIQ: the owner's name
	} else {
		ln.Desc = text
	}
	return ln
}

// irqNumber parses a numeric label; IRQ numbers fit in an int32.
func irqNumber(label []byte) (int, bool) {
	if len(label) == 0 || len(label) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range label {
		if c-'0' > 9 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n <= 1<<31-1
}

// splitIRQTail splits "IR-PCI-MSI 524288-edge      eth0-TxRx-0" into chip,
// hwirq ("524288-edge"; "27 Level" on arm; "" on old kernels) and the action
// names.
func splitIRQTail(t string) (chip, hwirq, device string) {
	chip, rest := cutToken(t)
	tok, after := cutToken(rest)
	switch {
	case tok == "Edge" || tok == "Level" || isHWIRQ(tok) && !isDigits(tok):
		return chip, tok, after
	case isDigits(tok):
		if lvl, after2 := cutToken(after); lvl == "Edge" || lvl == "Level" {
			return chip, rest[:len(rest)-len(after)+len(lvl)], after2
		}
		return chip, tok, after
	}
	return chip, "", rest
}

// isHWIRQ matches "524288", "2-edge", "0-fasteoi" and "-edge": the hwirq
// number, then the flow handler's name (irq_set_chip_and_handler_name's
// "name"). Only known handler names count, so an old kernel's action named
// like "8250-serial" is not taken for a hwirq.
func isHWIRQ(s string) bool {
	num, handler, dash := strings.Cut(s, "-")
	if !isDigits(num) && (num != "" || !dash) {
		return false
	}
	if !dash {
		return true
	}
	switch handler {
	case "edge", "level", "fasteoi", "simple", "percpu", "percpu_devid", "nested", "bad":
		return true
	}
	return false
}

// cutToken returns the first blank-separated token of s and the rest with
// leading blanks removed.
func cutToken(s string) (tok, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c-'0' > 9 {
			return false
		}
	}
	return true
}

// startsWithNumber reports whether the first token of b is all digits (an
// extra count, not a chip name).
func startsWithNumber(b []byte) bool {
	p := skipBlank(b, 0)
	q := p
	for q < len(b) && b[q]-'0' <= 9 {
		q++
	}
	return q > p && (q == len(b) || b[q] == ' ' || b[q] == '\t')
}

func skipBlank(b []byte, p int) int {
	for p < len(b) && (b[p] == ' ' || b[p] == '\t') {
		p++
	}
	return p
}

// nextLine splits off the first line (without "\n" or "\r\n").
func nextLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		line, rest = b, nil
	} else {
		line, rest = b[:i], b[i+1:]
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, rest
}
