package collect

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseStatsFast(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Stats // nil: the fast path refuses
	}{
		{"empty", `[]`, Stats{}},
		{"empty, spaced", " [ \n ] \n", Stats{}},
		{"one", `[["rx_packets",123]]`, Stats{{"rx_packets", 123}}},
		{"as netvet writes it", "[\n    [\"a\",0],\n    [\"b\",18446744073709551615]\n  ]", Stats{{"a", 0}, {"b", 1<<64 - 1}}},
		{"spaces everywhere", ` [ [ "a" , 1 ] , [ "b" , 2 ] ] `, Stats{{"a", 1}, {"b", 2}}},
		{"duplicates kept in order", `[["x",1],["x",2]]`, Stats{{"x", 1}, {"x", 2}}},
		{"UTF-8 name", `[["rx_größe",7]]`, Stats{{"rx_größe", 7}}},
		{"overflow", `[["a",18446744073709551616]]`, nil},
		{"negative", `[["a",-1]]`, nil},
		{"fraction", `[["a",1.5]]`, nil},
		{"exponent", `[["a",1e3]]`, nil},
		{"leading zero", `[["a",01]]`, nil},
		{"escaped name", `[["a\"b",1]]`, nil},
		{"control byte in name", "[[\"a\tb\",1]]", nil},
		{"bad UTF-8", "[[\"a\xffb\",1]]", nil},
		{"three elements", `[["a",1,2]]`, nil},
		{"value first", `[[1,"a"]]`, nil},
		{"nested", `[["a",[1]]]`, nil},
		{"object", `[{"a":1}]`, nil},
		{"trailing comma", `[["a",1],]`, nil},
		{"unclosed", `[["a",1]`, nil},
		{"trailing bytes", `[["a",1]] x`, nil},
		{"null", `null`, nil},
		{"empty input", ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseStatsFast([]byte(tt.in))
			if ok != (tt.want != nil) {
				t.Fatalf("ok = %v (%v), want %v", ok, got, tt.want != nil)
			}
			if d := cmp.Diff(tt.want, got); ok && d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// FuzzParseStatsFast: whatever the fast path accepts, the decoder reads the
// same way and without error.
func FuzzParseStatsFast(f *testing.F) {
	for _, s := range []string{`[]`, `[["rx_packets",123],["tx_packets",0]]`, ` [ [ "a" , 1 ] ] `,
		`[["a",18446744073709551615]]`, `[["a",1.5]]`, `[["a\u00e9",1]]`, `[["a",1],["b",[2]]]`} {
		f.Add([]byte(s))
	}
	// Real counter names, the first 40 of each file (the fuzzer spends its
	// time minimising long inputs otherwise).
	files := sharedSeeds("*", "netvet", "ethtool", "*.json")
	for _, name := range files[:min(len(files), 40)] {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if e, err := parseEthtoolJSON(name, b); err == nil && len(e.Stats) > 0 {
			st, _ := e.Stats[:min(len(e.Stats), 40)].MarshalJSON()
			f.Add(st)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := parseStatsFast(data)
		if !ok {
			return
		}
		slow, err := decodeStats(data)
		if err != nil {
			t.Fatalf("fast path accepted what the decoder refuses: %v", err)
		}
		if d := cmp.Diff(slow, fast); d != "" {
			t.Fatalf("fast path differs (-decoder +fast):\n%s", d)
		}
	})
}
