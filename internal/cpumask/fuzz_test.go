package cpumask

import (
	"strings"
	"testing"
)

// seeds are masks and lists as kernels print them: this host, the
// realworld fixtures (NUMA node cpulists of 12- to 48-CPU hosts) and the
// kernel's own examples.
var listSeeds = []string{
	"", "0", "0-1\n", "0-3,8-11", "0-11,24-35", "12-23,36-47", "0,2,4,6,8,10", "0-47",
	"0,7", "0-31:2/8", "0-1023:2/256", "9-38:4/10", "0-4095", ",0,,2 , 4\t5\n", "8191",
}

var hexSeeds = []string{
	"3\n", "0\n", "", "ff,ffffffff", "00000000,00000001", "0000,00000001", "1,,5", ",44",
	"0xff", "80000000", strings.Repeat("ffffffff,", 127) + "ffffffff", "f0f0f0f0,0f0f0f0f",
}

// FuzzList: whatever ParseList accepts formats to a canonical list that
// parses back to the same set, and to a hex mask that does too; nothing
// panics.
func FuzzList(f *testing.F) {
	for _, s := range listSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseList(text)
		if err != nil {
			return
		}
		l := s.List()
		back, err := ParseList(l)
		if err != nil {
			t.Fatalf("ParseList(%q) = %v; its List %q does not parse: %v", text, s, l, err)
		}
		if !back.Equal(s) || back.List() != l {
			t.Fatalf("ParseList(%q): List %q parses to %q", text, l, back.List())
		}
		h := s.Hex(0)
		hb, err := ParseHex(h)
		if err != nil || !hb.Equal(s) {
			t.Fatalf("ParseList(%q) = %q: Hex %q parses to %q, %v", text, l, h, hb.List(), err)
		}
		if s.Count() != len(s.CPUs()) || (s.Count() > 0 && (s.First() != s.CPUs()[0] || s.Max() > MaxCPU)) {
			t.Fatalf("ParseList(%q): inconsistent set %q", text, l)
		}
	})
}

// FuzzHex: whatever ParseHex accepts prints back, at 32 bits per word
// given, as exactly the words given (lower case, each padded to 8 digits);
// the set survives a round trip through both forms; nothing panics.
func FuzzHex(f *testing.F) {
	for _, s := range hexSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseHex(text)
		if err != nil {
			return
		}
		words := normalWords(text)
		want := "0"
		if len(words) > 0 {
			want = strings.Join(words, ",")
		}
		if got := s.Hex(32 * len(words)); got != want {
			t.Fatalf("ParseHex(%q) prints as %q, want %q", text, got, want)
		}
		back, err := ParseHex(s.Hex(0))
		if err != nil || !back.Equal(s) {
			t.Fatalf("ParseHex(%q): Hex round trip gives %q, %v", text, back.List(), err)
		}
		lb, err := ParseList(s.List())
		if err != nil || !lb.Equal(s) {
			t.Fatalf("ParseHex(%q): List round trip gives %q, %v", text, lb.List(), err)
		}
	})
}

// normalWords is a second, simple reading of an accepted hex mask: the text
// up to the first newline, without a 0x prefix, split at commas and ASCII
// white space, each word lower case and padded to 8 digits.
func normalWords(text string) []string {
	text, _, _ = strings.Cut(text, "\n")
	text = strings.TrimLeft(text, " \t\v\f\r")
	if strings.HasPrefix(text, "0x") || strings.HasPrefix(text, "0X") {
		text = text[2:]
	}
	var out []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(", \t\v\f\r", r) }) {
		out = append(out, strings.Repeat("0", 8-len(w))+strings.ToLower(w))
	}
	return out
}
