package collect

import (
	"bytes"
	"errors"
	"fmt"
	"math"
)

// Helpers shared by the /proc table parsers (softirqs, softnet_stat, netstat,
// snmp, dev, sockstat). They work on the bytes in the reader's buffer without
// allocating, because these files are read at every sample and a 256-CPU host
// makes them long.

// maxCPUIndex bounds a CPU number read from a file. The largest NR_CPUS any
// architecture allows today is 8192 (x86 MAXSMP, powerpc); 1<<16 leaves room
// and keeps a hostile file from sizing allocations or overflowing an int.
const maxCPUIndex = 1 << 16

// cutLine returns the first line of b without its newline, and the rest.
func cutLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// cutField skips leading blanks and returns the next blank-separated field
// and what follows it. field is empty when only blanks remain.
func cutField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && isBlank(b[i]) {
		i++
	}
	j := i
	for j < len(b) && !isBlank(b[j]) {
		j++
	}
	return b[i:j], b[j:]
}

// countFields counts the blank-separated fields of b.
func countFields(b []byte) int {
	n := 0
	for {
		var f []byte
		f, b = cutField(b)
		if len(f) == 0 {
			return n
		}
		n++
	}
}

func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// isBlankLine reports whether a line holds only blanks.
func isBlankLine(b []byte) bool {
	f, _ := cutField(b)
	return len(f) == 0
}

// isBlankFile reports whether b holds nothing but blanks and newlines.
func isBlankFile(b []byte) bool {
	for _, c := range b {
		if !isBlank(c) && c != '\n' {
			return false
		}
	}
	return true
}

// parseDec parses an unsigned decimal number (digits only: no sign, no
// blanks). ok is false for anything else and for values above MaxUint64.
func parseDec(b []byte) (v uint64, ok bool) {
	if len(b) == 0 {
		return 0, false
	}
	for _, c := range b {
		d := uint64(c - '0')
		if d > 9 || v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// parseHex parses an unsigned hexadecimal number without "0x" (either case:
// the kernel prints lower case, but the value of "F0" is not in doubt). ok is
// false for anything else and for values above MaxUint64.
func parseHex(b []byte) (v uint64, ok bool) {
	if len(b) == 0 {
		return 0, false
	}
	for _, c := range b {
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return 0, false
		}
		if v>>60 != 0 {
			return 0, false
		}
		v = v<<4 | d
	}
	return v, true
}

// parseCounter parses a counter as the kernel prints it: unsigned ("%lu",
// "%llu") or, for the few signed fields ("%ld": Tcp MaxConn; "%d" in
// sockstat), possibly negative. neg reports a leading '-'; v is then the
// magnitude, at most 1<<63.
func parseCounter(b []byte) (v uint64, neg, ok bool) {
	if len(b) > 1 && b[0] == '-' {
		v, ok = parseDec(b[1:])
		return v, true, ok && v <= 1<<63
	}
	v, ok = parseDec(b)
	return v, false, ok
}

// errList keeps the first error of a parse and counts the others, so a file
// with many bad lines reports one line and how many more there were.
type errList struct {
	first error
	more  int
}

func (e *errList) add(err error) {
	if e.first == nil {
		e.first = err
	} else {
		e.more++
	}
}

// err returns the first error, saying how many followed it.
func (e *errList) err() error {
	if e.first == nil || e.more == 0 {
		return e.first
	}
	var pe *ParseError
	if errors.As(e.first, &pe) {
		return &ParseError{Path: pe.Path, Line: pe.Line, Err: fmt.Errorf("%w (and %d more problems)", pe.Err, e.more)}
	}
	return fmt.Errorf("%w (and %d more problems)", e.first, e.more)
}

// counterBuilder collects "Group.Name" counters for a Counters map. The keys
// are appended to one buffer and become substrings of a single string, so a
// netstat file with 150 counters costs one key allocation instead of 150.
type counterBuilder struct {
	keys []byte
	ents []counterEnt
	nNeg int
}

type counterEnt struct {
	start, end int
	v          uint64
	neg        bool
}

// add records group.name = value, parsing value as parseCounter does. It
// reports false, and records nothing, when value is not a counter.
func (cb *counterBuilder) add(group, name, value []byte) bool {
	v, neg, ok := parseCounter(value)
	if !ok {
		return false
	}
	start := len(cb.keys)
	cb.keys = append(cb.keys, group...)
	cb.keys = append(cb.keys, '.')
	cb.keys = append(cb.keys, name...)
	cb.ents = append(cb.ents, counterEnt{start: start, end: len(cb.keys), v: v, neg: neg})
	if neg {
		cb.nNeg++
	}
	return true
}

// counters returns the map, or nil when nothing was added (missing is not
// zero). Signed is nil unless a negative value was seen. A key seen twice
// keeps its last value.
func (cb *counterBuilder) counters() *Counters {
	if len(cb.ents) == 0 {
		return nil
	}
	keys := string(cb.keys)
	c := &Counters{Values: make(map[string]uint64, len(cb.ents)-cb.nNeg)}
	if cb.nNeg > 0 {
		c.Signed = make(map[string]int64, cb.nNeg)
	}
	for _, e := range cb.ents {
		k := keys[e.start:e.end]
		if e.neg {
			delete(c.Values, k)
			c.Signed[k] = -int64(e.v) // e.v <= 1<<63: -(1<<63) wraps to MinInt64 as intended
		} else {
			delete(c.Signed, k)
			c.Values[k] = e.v
		}
	}
	return c
}

// quoted formats a field for an error message, clipped.
func quoted(b []byte) string {
	return fmt.Sprintf("%q", clip(string(b)))
}
