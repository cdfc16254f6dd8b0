// Package cpumask parses and formats the two ways the kernel writes a set of
// CPUs: cpulists ("0-3,8-11", as in smp_affinity_list and node cpulist) and
// hex masks ("ff,ffffffff", as in smp_affinity, rps_cpus and xps_cpus).
//
// The hex format is bitmap_print_to_pagebuf/"%*pb": 32-bit words, most
// significant first, comma separated, each word zero-padded to 8 digits except
// the first. See lib/bitmap-str.c (bitmap_parse, bitmap_parselist):
// https://github.com/torvalds/linux/blob/master/lib/bitmap-str.c
package cpumask

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// MaxCPU bounds the CPU numbers accepted by the parsers. The kernel's NR_CPUS
// is at most 8192 on x86 (CONFIG_MAXSMP); anything beyond is garbage, and
// refusing it keeps a hostile "0-4294967295" from allocating gigabytes.
const MaxCPU = 8191

// Set is an immutable-by-convention set of CPU numbers. The zero value is the
// empty set.
type Set struct {
	words []uint64
}

// Of returns the set holding the given CPUs. Negative CPUs are ignored.
func Of(cpus ...int) Set {
	var s Set
	for _, c := range cpus {
		if c >= 0 {
			s = s.With(c)
		}
	}
	return s
}

// Range returns the set {lo..hi}; negative CPUs are left out.
func Range(lo, hi int) Set {
	var s Set
	for c := max(lo, 0); c <= hi; c++ {
		s.add(c)
	}
	return s
}

func (s *Set) add(c int) {
	w := c / 64
	for len(s.words) <= w {
		s.words = append(s.words, 0)
	}
	s.words[w] |= 1 << (uint(c) % 64)
}

// With returns a copy of s with cpu added (a negative cpu adds nothing).
func (s Set) With(cpu int) Set {
	n := Set{words: append([]uint64(nil), s.words...)}
	if cpu >= 0 {
		n.add(cpu)
	}
	return n
}

// Has reports whether cpu is in the set.
func (s Set) Has(cpu int) bool {
	if cpu < 0 || cpu/64 >= len(s.words) {
		return false
	}
	return s.words[cpu/64]&(1<<(uint(cpu)%64)) != 0
}

// Count is the number of CPUs in the set.
func (s Set) Count() int {
	n := 0
	for _, w := range s.words {
		n += bits.OnesCount64(w)
	}
	return n
}

// IsEmpty reports whether no CPU is in the set.
func (s Set) IsEmpty() bool { return s.Count() == 0 }

// CPUs lists the members in ascending order.
func (s Set) CPUs() []int {
	out := make([]int, 0, s.Count())
	for i, w := range s.words {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			out = append(out, i*64+b)
			w &^= 1 << uint(b)
		}
	}
	return out
}

// First returns the lowest CPU, or -1 for the empty set.
func (s Set) First() int {
	for i, w := range s.words {
		if w != 0 {
			return i*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// Max returns the highest CPU, or -1 for the empty set.
func (s Set) Max() int {
	for i := len(s.words) - 1; i >= 0; i-- {
		if s.words[i] != 0 {
			return i*64 + 63 - bits.LeadingZeros64(s.words[i])
		}
	}
	return -1
}

// Equal reports whether both sets hold the same CPUs.
func (s Set) Equal(o Set) bool {
	n := max(len(s.words), len(o.words))
	for i := 0; i < n; i++ {
		if word(s.words, i) != word(o.words, i) {
			return false
		}
	}
	return true
}

// Union returns s ∪ o.
func (s Set) Union(o Set) Set { return combine(s, o, func(a, b uint64) uint64 { return a | b }) }

// Intersect returns s ∩ o.
func (s Set) Intersect(o Set) Set { return combine(s, o, func(a, b uint64) uint64 { return a & b }) }

// Minus returns s \ o.
func (s Set) Minus(o Set) Set { return combine(s, o, func(a, b uint64) uint64 { return a &^ b }) }

func combine(s, o Set, f func(a, b uint64) uint64) Set {
	n := max(len(s.words), len(o.words))
	out := Set{words: make([]uint64, n)}
	for i := range out.words {
		out.words[i] = f(word(s.words, i), word(o.words, i))
	}
	return out.trim()
}

func (s Set) trim() Set {
	for len(s.words) > 0 && s.words[len(s.words)-1] == 0 {
		s.words = s.words[:len(s.words)-1]
	}
	return s
}

func word(ws []uint64, i int) uint64 {
	if i < len(ws) {
		return ws[i]
	}
	return 0
}

// ParseList parses a cpulist as bitmap_parselist does: regions separated by
// commas or white space (runs of them, leading and trailing ones included;
// a newline separates too, where the kernel sometimes stops at it),
// each "N", "N-M" or "N-M:used/group" (from every group of group CPUs
// starting at N, the first used: "0-31:2/8" is 0,1,8,9,16,17,24,25). ""
// is the empty set. The kernel's "all" and "N" (last CPU) tokens depend on
// the host's CPU count, which a string alone does not carry: they are errors.
func ParseList(text string) (Set, error) {
	var s Set
	for _, part := range regions(text) {
		if err := s.addListPart(part); err != nil {
			return Set{}, fmt.Errorf("cpulist %q: %w", clip(text), err)
		}
	}
	return s, nil
}

// regions splits text at runs of commas and white space, the region
// separators of lib/bitmap-str.c (__end_of_region).
func regions(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return r == ',' || isSpace(r) })
}

// isSpace is the kernel's isspace() on the ASCII range (lib/ctype.c):
// space, \t, \n, \v, \f, \r. Unicode spaces are not separators there.
func isSpace(r rune) bool { return r == ' ' || (r >= '\t' && r <= '\r') }

func (s *Set) addListPart(part string) error {
	rng, group, hasGroup := strings.Cut(part, ":")
	lo, hi, err := parseRange(rng)
	if err != nil {
		return err
	}
	used, size := 1, 1
	if hasGroup {
		u, g, ok := strings.Cut(group, "/")
		if !ok {
			return fmt.Errorf("group %q: want used/size", group)
		}
		if used, err = parseCPU(u); err != nil {
			return err
		}
		if size, err = parseCPU(g); err != nil {
			return err
		}
		if size == 0 || used > size {
			return fmt.Errorf("group %q: want 0 < size and used <= size", group)
		}
	}
	for c := lo; c <= hi; c++ {
		if (c-lo)%size < used {
			s.add(c)
		}
	}
	return nil
}

func parseRange(r string) (lo, hi int, err error) {
	a, b, isRange := strings.Cut(r, "-")
	if lo, err = parseCPU(a); err != nil {
		return 0, 0, err
	}
	hi = lo
	if isRange {
		if hi, err = parseCPU(b); err != nil {
			return 0, 0, err
		}
	}
	if hi < lo {
		return 0, 0, fmt.Errorf("range %q ends before it starts", r)
	}
	return lo, hi, nil
}

// parseCPU reads a decimal CPU number: digits only, as the kernel's
// _parse_integer (no sign, no spaces).
func parseCPU(t string) (int, error) {
	if t == "" || strings.TrimLeft(t, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a CPU number", clip(t))
	}
	n, err := strconv.Atoi(t)
	if err != nil || n > MaxCPU {
		return 0, fmt.Errorf("CPU %s above the limit %d", clip(t), MaxCPU)
	}
	return n, nil
}

// ParseHex parses a hex mask as bitmap_parse does: 32-bit words of 1 to 8
// hex digits, most significant first, separated by commas or white space
// (runs of them allowed: "ff,ffffffff", "00000000,00000001", "1,,5"). ""
// is the empty set, and the text ends at the first newline. A "0x" prefix
// is accepted too (the kernel refuses it; people type it). A word longer than
// 8 digits is an error, as in the kernel.
func ParseHex(text string) (Set, error) {
	body, _, _ := strings.Cut(text, "\n")
	body = strings.TrimLeftFunc(body, isSpace)
	if len(body) >= 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		body = body[2:]
	}
	words := regions(body)
	var s Set
	if len(words)*32 > MaxCPU+1 {
		return Set{}, fmt.Errorf("hex mask %q: %d words is above the CPU limit", clip(text), len(words))
	}
	for i, g := range words {
		if len(g) > 8 {
			return Set{}, fmt.Errorf("hex mask %q: word %q is not 1 to 8 hex digits", clip(text), clip(g))
		}
		v, err := strconv.ParseUint(g, 16, 32)
		if err != nil {
			return Set{}, fmt.Errorf("hex mask %q: word %q is not hex", clip(text), g)
		}
		base := (len(words) - 1 - i) * 32
		for v != 0 {
			b := bits.TrailingZeros64(v)
			s.add(base + b)
			v &^= 1 << uint(b)
		}
	}
	return s, nil
}

// List formats the set as a cpulist in the kernel's form ("0-3,8-11");
// the empty set is "".
func (s Set) List() string {
	var b strings.Builder
	cpus := s.CPUs()
	for i := 0; i < len(cpus); {
		j := i
		for j+1 < len(cpus) && cpus[j+1] == cpus[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(cpus[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(cpus[j]))
		}
		i = j + 1
	}
	return b.String()
}

// Hex formats the set as the kernel writes a mask of nbits CPUs (nr_cpu_ids):
// ceil(nbits/32) words, most significant first; the first word is padded to
// the digits its remaining bits need (48 CPUs: "0000,00000001"), as
// bitmap_print_to_pagebuf does. nbits below the set's highest CPU+1 is raised
// to fit, so no CPU is ever dropped.
func (s Set) Hex(nbits int) string {
	if m := s.Max() + 1; nbits < m {
		nbits = m
	}
	if nbits < 1 {
		nbits = 1
	}
	nwords := (nbits + 31) / 32
	var b strings.Builder
	for i := nwords - 1; i >= 0; i-- {
		w := uint32(word(s.words, i/2) >> (uint(i%2) * 32))
		if i == nwords-1 {
			first := nbits % 32
			if first == 0 {
				first = 32
			}
			fmt.Fprintf(&b, "%0*x", (first+3)/4, w)
		} else {
			fmt.Fprintf(&b, ",%08x", w)
		}
	}
	return b.String()
}

// String is the cpulist form, or "(none)" for the empty set, for messages.
func (s Set) String() string {
	if s.IsEmpty() {
		return "(none)"
	}
	return s.List()
}

// MarshalText writes the cpulist form, so JSON carries "0-3,8".
func (s Set) MarshalText() ([]byte, error) { return []byte(s.List()), nil }

// UnmarshalText reads the cpulist form.
func (s *Set) UnmarshalText(b []byte) error {
	v, err := ParseList(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:61] + "..."
	}
	return s
}
