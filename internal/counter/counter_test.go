package counter

import (
	"math"
	"testing"
)

func TestDelta(t *testing.T) {
	const (
		max32 = math.MaxUint32
		max64 = math.MaxUint64
		half  = 1 << 31
	)
	tests := []struct {
		name       string
		prev, cur  uint64
		w          Width
		want       uint64
		wantChange Change
	}{
		{"unchanged", 5, 5, Bits64, 0, Rose},
		{"rose", 5, 12, Bits64, 7, Rose},
		{"zero to uint64 max", 0, max64, Bits64, max64, Rose},
		{"uint64 max unchanged", max64, max64, Bits64, 0, Rose},
		{"64-bit reset at uint64 max", max64, 0, Bits64, 0, Reset},
		{"64-bit reset to small value", 1_000_000, 17, Bits64, 17, Reset},
		// A 64-bit counter never wraps, even where a 32-bit one would.
		{"64-bit decrease by more than 2^31 is a reset", max32, 1, Bits64, 1, Reset},

		{"32-bit rose", 100, 200, Bits32, 100, Rose},
		{"32-bit reaches 2^32-1", max32 - 10, max32, Bits32, 10, Rose},
		{"32-bit wraps from 2^32-1 to 0", max32, 0, Bits32, 1, Wrapped},
		{"32-bit wraps from 2^32-1 to 5", max32, 5, Bits32, 6, Wrapped},
		{"32-bit wraps past 0", max32 - 99, 100, Bits32, 200, Wrapped},
		// Fell by exactly 2^31: a wrap would mean 2^31 events; not plausible.
		{"32-bit fell by exactly 2^31 is a reset", half, 0, Bits32, 0, Reset},
		// Fell by 2^31+1: the wrap explanation is 2^31−1 events.
		{"32-bit fell by 2^31+1 wraps", half + 1, 0, Bits32, half - 1, Wrapped},
		{"32-bit small decrease is a reset", 1000, 500, Bits32, 500, Reset},
		{"32-bit decrease from mid range is a reset", 3_000_000_000, 2_000_000_000, Bits32, 2_000_000_000, Reset},
		// prev does not fit in 32 bits: the counter cannot be 32-bit, so no wrap.
		{"32-bit prev at 2^32 is a reset", 1 << 32, 5, Bits32, 5, Reset},
		{"32-bit prev at uint64 max is a reset", max64, 0, Bits32, 0, Reset},
		{"32-bit rose past 2^32 (misdeclared) still rises", max32, 1 << 32, Bits32, 1, Rose},
		{"zero width means 64", max32, 1, 0, 1, Reset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, change := Delta(tt.prev, tt.cur, tt.w)
			if got != tt.want || change != tt.wantChange {
				t.Errorf("Delta(%d, %d, %d) = %d, %v; want %d, %v", tt.prev, tt.cur, tt.w, got, change, tt.want, tt.wantChange)
			}
		})
	}
}

func TestIncrease(t *testing.T) {
	tests := []struct {
		name       string
		prev, cur  uint64
		w          Width
		rebooted   bool
		want       uint64
		wantChange Change
	}{
		{"no reboot rose", 10, 30, Bits64, false, 20, Rose},
		// After a reboot the counter restarted at 0: all 30 are new, even
		// though 30 > 10 looks like an ordinary rise.
		{"reboot with higher value", 10, 30, Bits64, true, 30, Reset},
		{"reboot with lower value", 10, 3, Bits32, true, 3, Reset},
		// A reboot is never a wrap.
		{"reboot where a wrap would fit", math.MaxUint32, 2, Bits32, true, 2, Reset},
		{"no reboot wrap", math.MaxUint32, 2, Bits32, false, 3, Wrapped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, change := Increase(tt.prev, tt.cur, tt.w, tt.rebooted)
			if got != tt.want || change != tt.wantChange {
				t.Errorf("Increase(%d, %d, %d, %v) = %d, %v; want %d, %v", tt.prev, tt.cur, tt.w, tt.rebooted, got, change, tt.want, tt.wantChange)
			}
		})
	}
}

func TestRebooted(t *testing.T) {
	tests := []struct {
		name          string
		prevID, curID string
		prevUp, curUp float64
		want          bool
	}{
		{"same boot id", "a", "a", 100, 101, false},
		{"boot id changed", "a", "b", 100, 101, true},
		// The boot id wins over uptime when both are known.
		{"same boot id, uptime back (clock step in a recording)", "a", "a", 100, 5, false},
		{"boot id changed, uptime forward", "a", "b", 100, 5000, true},
		{"no boot ids, uptime forward", "", "", 100, 101, false},
		{"no boot ids, uptime back", "", "", 100, 3, true},
		{"one boot id missing, uptime back", "a", "", 100, 3, true},
		{"nothing known", "", "", 0, 0, false},
		{"uptime unknown before", "", "", 0, 3, false},
		{"uptime unknown after", "", "", 100, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Rebooted(tt.prevID, tt.curID, tt.prevUp, tt.curUp); got != tt.want {
				t.Errorf("Rebooted(%q, %q, %v, %v) = %v, want %v", tt.prevID, tt.curID, tt.prevUp, tt.curUp, got, tt.want)
			}
		})
	}
}

func TestAdd(t *testing.T) {
	tests := []struct{ a, b, want uint64 }{
		{0, 0, 0},
		{1, 2, 3},
		{math.MaxUint64 - 1, 1, math.MaxUint64},
		{math.MaxUint64, 1, math.MaxUint64},
		{math.MaxUint64, math.MaxUint64, math.MaxUint64},
		{1 << 63, 1 << 63, math.MaxUint64},
	}
	for _, tt := range tests {
		if got := Add(tt.a, tt.b); got != tt.want {
			t.Errorf("Add(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestChangeString(t *testing.T) {
	for c, want := range map[Change]string{Rose: "rose", Wrapped: "wrapped", Reset: "reset", 9: "unknown"} {
		if got := c.String(); got != want {
			t.Errorf("Change(%d).String() = %q, want %q", c, got, want)
		}
	}
}

// FuzzDelta checks the invariants of the rule on any pair of readings: a rise
// is exact, a wrap only happens to 32-bit values and stays below 2^31, and a
// reset reports the new value.
func FuzzDelta(f *testing.F) {
	f.Add(uint64(0), uint64(0), true)
	f.Add(uint64(math.MaxUint32), uint64(0), true)
	f.Add(uint64(math.MaxUint64), uint64(1), false)
	f.Add(uint64(1<<31), uint64(0), true)
	f.Fuzz(func(t *testing.T, prev, cur uint64, is32 bool) {
		w := Bits64
		if is32 {
			w = Bits32
		}
		inc, ch := Delta(prev, cur, w)
		switch ch {
		case Rose:
			if cur < prev || inc != cur-prev {
				t.Fatalf("Delta(%d, %d) = %d rose", prev, cur, inc)
			}
		case Wrapped:
			if !is32 || prev > math.MaxUint32 || cur >= prev || inc >= 1<<31 || (prev+inc)&math.MaxUint32 != cur {
				t.Fatalf("Delta(%d, %d, %d) = %d wrapped", prev, cur, w, inc)
			}
		case Reset:
			if cur >= prev || inc != cur {
				t.Fatalf("Delta(%d, %d) = %d reset", prev, cur, inc)
			}
		default:
			t.Fatalf("unknown change %v", ch)
		}
	})
}
