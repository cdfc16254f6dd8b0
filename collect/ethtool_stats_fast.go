package collect

import (
	"bytes"
	"unicode/utf8"
)

// parseStatsFast reads a stats array in the form netvet writes it
// ([["rx_packets",123],…]: names without escapes, unsigned integer values)
// in one pass, allocating only the names. encoding/json's token API costs
// several allocations per token, which made the ethtool stats of a big host
// (5 NICs × ~600 counters) half of the counter collectors' time.
//
// ok is false at the first thing the fast form does not allow (an escape,
// a negative or fractional value, nesting, trailing bytes, bad UTF-8);
// parseStats then reads the whole array with the decoder, which handles and
// reports everything else. What it accepts, the decoder reads the same way
// (FuzzParseStatsFast checks).
func parseStatsFast(b []byte) (st Stats, ok bool) {
	i := skipJSONSpace(b, 0)
	if i == len(b) || b[i] != '[' {
		return nil, false
	}
	st = make(Stats, 0, bytes.Count(b, []byte{'['})-1)
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return st, skipJSONSpace(b, i+1) == len(b)
	}
	for {
		var s Stat
		if i, ok = expectByte(b, i, '['); !ok {
			return nil, false
		}
		if i == len(b) || b[i] != '"' {
			return nil, false
		}
		j := i + 1
		for j < len(b) && b[j] != '"' {
			if b[j] == '\\' || b[j] < 0x20 {
				return nil, false
			}
			j++
		}
		if j == len(b) || !utf8.Valid(b[i+1:j]) {
			return nil, false
		}
		s.Name = string(b[i+1 : j])
		if i, ok = expectByte(b, skipJSONSpace(b, j+1), ','); !ok {
			return nil, false
		}
		if s.Value, i, ok = scanUint(b, i); !ok {
			return nil, false
		}
		if i, ok = expectByte(b, skipJSONSpace(b, i), ']'); !ok {
			return nil, false
		}
		st = append(st, s)
		if i == len(b) {
			return nil, false
		}
		switch b[i] {
		case ',':
			i = skipJSONSpace(b, i+1)
		case ']':
			return st, skipJSONSpace(b, i+1) == len(b)
		default:
			return nil, false
		}
	}
}

// expectByte checks that b[i] is c and returns the index after it and the
// white space that follows.
func expectByte(b []byte, i int, c byte) (int, bool) {
	if i >= len(b) || b[i] != c {
		return i, false
	}
	return skipJSONSpace(b, i+1), true
}

// scanUint reads a JSON number that is a uint64: digits, no leading zero,
// no sign, fraction or exponent, no overflow.
func scanUint(b []byte, i int) (uint64, int, bool) {
	start := i
	var v uint64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		d := uint64(b[i] - '0')
		if v > (^uint64(0)-d)/10 {
			return 0, i, false
		}
		v = v*10 + d
	}
	switch {
	case i == start, b[start] == '0' && i-start > 1:
		return 0, i, false
	case i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'):
		return 0, i, false
	}
	return v, i, true
}

// skipJSONSpace returns the index of the first byte at or after i that is
// not JSON white space.
func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
