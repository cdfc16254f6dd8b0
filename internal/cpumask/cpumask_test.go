package cpumask

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseList(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{in: "", want: []int{}},
		{in: "\n", want: []int{}},
		{in: "0", want: []int{0}},
		{in: "5\n", want: []int{5}},
		{in: "0-3,8-11", want: []int{0, 1, 2, 3, 8, 9, 10, 11}},
		{in: "0-11,24-35", want: append(ints(0, 11), ints(24, 35)...)}, // a NUMA node's cpulist
		{in: "0,2,4,6,8,10", want: []int{0, 2, 4, 6, 8, 10}},
		{in: "3-3", want: []int{3}},
		{in: "0-1", want: []int{0, 1}},
		{in: "1,0,1", want: []int{0, 1}},
		// Group syntax (range:used/group), the examples of lib/bitmap-str.c.
		{in: "0-31:2/8", want: []int{0, 1, 8, 9, 16, 17, 24, 25}},
		{in: "0-1023:2/256", want: []int{0, 1, 256, 257, 512, 513, 768, 769}},
		{in: "9-38:4/10", want: []int{9, 10, 11, 12, 19, 20, 21, 22, 29, 30, 31, 32}},
		{in: "0-3:0/4", want: []int{}},    // used 0: allowed, selects nothing
		{in: "0-7:4/4", want: ints(0, 7)}, // used = group
		{in: "0-8:1/3", want: []int{0, 3, 6}},
		// Separators: runs of commas and white space, leading and trailing.
		{in: ",0,,2 , 4\t5\n", want: []int{0, 2, 4, 5}},
		{in: " , ", want: []int{}},
		{in: "0-4095", want: ints(0, 4095)},
		{in: "4095", want: []int{4095}},
		{in: "8191", want: []int{8191}},
		{in: "0-8191", want: ints(0, 8191)},
		{in: "0003", want: []int{3}},

		{in: "8192", wantErr: true},
		{in: "0-8192", wantErr: true},
		{in: "99999999999999999999999", wantErr: true},
		{in: "3-1", wantErr: true},
		{in: "a", wantErr: true},
		{in: "1-", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "+1", wantErr: true},
		{in: "0 - 3", wantErr: true}, // the kernel refuses spaces inside a region
		{in: "1-2-3", wantErr: true},
		{in: "0-3:5/4", wantErr: true},
		{in: "0-3:1/0", wantErr: true},
		{in: "0-3:1", wantErr: true},
		{in: "0-3:/4", wantErr: true},
		{in: "0-3:1/", wantErr: true},
		{in: "all", wantErr: true}, // needs the host's CPU count
		{in: "N", wantErr: true},
		{in: "0x3", wantErr: true},
		{in: "0,3,x", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.in, "\n", `\n`), func(t *testing.T) {
			got, err := ParseList(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseList(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "cpulist") {
					t.Errorf("error %q does not say what was parsed", err)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got.CPUs()); diff != "" {
				t.Errorf("ParseList(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseHex(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{in: "3\n", want: []int{0, 1}}, // smp_affinity on this 2-CPU host
		{in: "0\n", want: []int{}},     // rps_cpus off
		{in: "", want: []int{}},        // bitmap_parse allows ""
		{in: ",", want: []int{}},
		{in: "1", want: []int{0}},
		{in: "80000000", want: []int{31}},
		{in: "ff,ffffffff", want: ints(0, 39)},
		{in: "00000000,00000001", want: []int{0}},
		{in: "00000001,00000000", want: []int{32}},
		{in: "1,00000000", want: []int{32}},
		{in: "0000,00000001", want: []int{0}}, // 48 CPUs: first word of 4 digits
		{in: "f0f0f0f0", want: []int{4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31}},
		// bitmap_parse's own examples: runs of separators, short words.
		{in: "1,,5", want: []int{0, 2, 32}},
		{in: ",44", want: []int{2, 6}},
		{in: "1 5", want: []int{0, 2, 32}},
		{in: "  ff\n", want: ints(0, 7)},
		{in: "FF", want: ints(0, 7)},
		{in: "0xff", want: ints(0, 7)},
		{in: "0X1,0", want: []int{32}},
		// The text ends at the first newline, as in the kernel.
		{in: "3\nff", want: []int{0, 1}},
		{in: strings.Repeat("ffffffff,", 127) + "ffffffff", want: ints(0, 4095)},
		{in: "80000000" + strings.Repeat(",00000000", 255), want: []int{8191}},

		{in: strings.Repeat("0,", 256) + "1", wantErr: true}, // 257 words: beyond 8192 CPUs
		{in: "123456789", wantErr: true},                     // 9 digits
		{in: "000000001", wantErr: true},                     // the kernel refuses a 9th digit even when 0
		{in: "g", wantErr: true},
		{in: "ff,zz", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "+1", wantErr: true},
		{in: "0-3", wantErr: true},
		{in: "1_0", wantErr: true},
	}
	for _, tt := range tests {
		name := strings.ReplaceAll(tt.in, "\n", `\n`)
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			got, err := ParseHex(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseHex(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "hex mask") {
					t.Errorf("error %q does not say what was parsed", err)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got.CPUs()); diff != "" {
				t.Errorf("ParseHex(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestHex(t *testing.T) {
	tests := []struct {
		name  string
		set   Set
		nbits int
		want  string
	}{
		// This host (nr_cpu_ids 2): smp_affinity "3", rps_cpus "0".
		{"2 CPUs, all", Of(0, 1), 2, "3"},
		{"2 CPUs, none", Set{}, 2, "0"},
		{"4 CPUs", Of(0, 3), 4, "9"},
		{"5 CPUs: 2 digits", Of(4), 5, "10"},
		{"32 CPUs", Of(31), 32, "80000000"},
		{"33 CPUs: first word 1 digit", Of(0), 33, "0,00000001"},
		{"40 CPUs", Range(0, 39), 40, "ff,ffffffff"},
		{"48 CPUs", Of(0), 48, "0000,00000001"},
		{"64 CPUs: leading zero word", Of(0), 64, "00000000,00000001"},
		{"64 CPUs: high word", Of(32), 64, "00000001,00000000"},
		{"4096 CPUs", Range(0, 4095), 4096, strings.TrimSuffix(strings.Repeat("ffffffff,", 128), ",")},
		{"4096 CPUs, last", Of(4095), 4096, "80000000" + strings.Repeat(",00000000", 127)},
		{"8192 CPUs, first", Of(0), 8192, strings.Repeat("00000000,", 255) + "00000001"},
		// nbits too small for the set: raised so no CPU is dropped.
		{"nbits raised", Of(40), 2, "100,00000000"},
		{"nbits 0, empty", Set{}, 0, "0"},
		{"nbits negative", Of(1), -5, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.set.Hex(tt.nbits); got != tt.want {
				t.Errorf("Hex(%d) = %q, want %q", tt.nbits, got, tt.want)
			}
		})
	}
}

func TestList(t *testing.T) {
	tests := []struct {
		set  Set
		want string
	}{
		{Set{}, ""},
		{Of(0), "0"},
		{Of(0, 1), "0-1"}, // the kernel prints a pair as a range
		{Of(0, 2, 4), "0,2,4"},
		{Of(0, 1, 2, 3, 8, 9, 10, 11), "0-3,8-11"},
		{Range(0, 4095), "0-4095"},
		{Of(63, 64), "63-64"}, // across a word boundary
		{Of(8191), "8191"},
	}
	for _, tt := range tests {
		if got := tt.set.List(); got != tt.want {
			t.Errorf("%v.List() = %q, want %q", tt.set.CPUs(), got, tt.want)
		}
	}
}

func TestSetOps(t *testing.T) {
	a, b := Of(0, 1, 2, 64), Of(2, 3, 64, 200)
	tests := []struct {
		name string
		got  Set
		want []int
	}{
		{"union", a.Union(b), []int{0, 1, 2, 3, 64, 200}},
		{"intersect", a.Intersect(b), []int{2, 64}},
		{"minus", a.Minus(b), []int{0, 1}},
		{"minus all", b.Minus(Range(0, 255)), []int{}},
		{"with", a.With(5), []int{0, 1, 2, 5, 64}},
		{"with negative", a.With(-1), []int{0, 1, 2, 64}},
		{"of negative", Of(-3, 1), []int{1}},
		{"range", Range(62, 65), []int{62, 63, 64, 65}},
		// Negative CPUs used to land on CPU 63 (bit -1 % 64 of word 0).
		{"range from negative", Range(-2, 1), []int{0, 1}},
		{"empty range", Range(5, 4), []int{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got.CPUs()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if a.With(5).Has(5) == a.Has(5) || a.Has(5) {
		t.Error("With changed its receiver")
	}
	if !a.Minus(b).Equal(Of(0, 1)) || a.Equal(b) || !(Set{}).Equal(Of(64).Minus(Of(64))) {
		t.Error("Equal: sets with different word counts compare wrong")
	}
	if a.Count() != 4 || a.First() != 0 || a.Max() != 64 || (Set{}).First() != -1 || (Set{}).Max() != -1 {
		t.Errorf("Count/First/Max = %d/%d/%d", a.Count(), a.First(), a.Max())
	}
	if !(Set{}).IsEmpty() || a.IsEmpty() || a.Has(-1) || a.Has(100000) || !a.Has(64) {
		t.Error("IsEmpty/Has wrong")
	}
	if a.String() != "0-2,64" || (Set{}).String() != "(none)" {
		t.Errorf("String = %q, %q", a.String(), (Set{}).String())
	}
}

func TestText(t *testing.T) {
	b, err := Of(0, 1, 2, 8).MarshalText()
	if err != nil || string(b) != "0-2,8" {
		t.Fatalf("MarshalText = %q, %v", b, err)
	}
	var s Set
	if err := s.UnmarshalText(b); err != nil || !s.Equal(Of(0, 1, 2, 8)) {
		t.Errorf("UnmarshalText(%q) = %v, %v", b, s.CPUs(), err)
	}
	if err := s.UnmarshalText([]byte("x")); err == nil {
		t.Error("UnmarshalText(x): no error")
	}
}

func ints(lo, hi int) []int {
	out := []int{}
	for c := lo; c <= hi; c++ {
		out = append(out, c)
	}
	return out
}
