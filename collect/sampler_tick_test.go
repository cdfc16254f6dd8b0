package collect

import (
	"testing"
	"time"
)

func TestNextTick(t *testing.T) {
	start := t0
	sec := time.Second
	tests := []struct {
		name    string
		now     time.Duration // since start
		k       int
		wantK   int
		wantDue time.Duration // since start
	}{
		{"on time", 300 * time.Millisecond, 0, 1, sec},
		{"late start of the second tick", 1100 * time.Millisecond, 1, 2, 2 * sec},
		// The sample ended exactly when the next one is due: take it now.
		{"exactly due", 2 * sec, 1, 2, 2 * sec},
		// The sample of tick 1 took 2.5 s: ticks 2 and 3 passed; do not fire
		// them in a burst, wait for tick 4, on the original grid.
		{"overrun skips missed ticks", 3500 * time.Millisecond, 1, 4, 4 * sec},
		{"overrun to exactly a tick boundary", 3 * sec, 1, 3, 3 * sec},
		{"long run keeps the grid", 3600*sec + 10*time.Millisecond, 3599, 3601, 3601 * sec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, due := nextTick(start, start.Add(tt.now), sec, tt.k)
			if k != tt.wantK || !due.Equal(start.Add(tt.wantDue)) {
				t.Errorf("nextTick(now=+%v, k=%d) = %d, +%v; want %d, +%v", tt.now, tt.k, k, due.Sub(start), tt.wantK, tt.wantDue)
			}
			if due.Before(start.Add(tt.now)) {
				t.Errorf("due +%v is before now +%v", due.Sub(start), tt.now)
			}
		})
	}
}

func TestConfigDue(t *testing.T) {
	sec := time.Second
	tests := []struct {
		name        string
		k, lastFull int
		interval    time.Duration
		every       time.Duration
		want        bool
	}{
		{"first sample", 0, -1, sec, time.Minute, true},
		{"next tick", 1, 0, sec, time.Minute, false},
		{"59 s later", 59, 0, sec, time.Minute, false},
		{"60 s later", 60, 0, sec, time.Minute, true},
		// Skipped ticks count: tick 61 after an overrun still re-reads.
		{"overrun past the period", 61, 0, sec, time.Minute, true},
		{"period counted from the last read", 100, 60, sec, time.Minute, false},
		{"period counted from the last read, due", 120, 60, sec, time.Minute, true},
		{"every below interval", 1, 0, sec, time.Millisecond, true},
		{"5 s interval", 12, 0, 5 * sec, time.Minute, true},
		{"5 s interval, early", 11, 0, 5 * sec, time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := configDue(tt.k, tt.lastFull, tt.interval, tt.every); got != tt.want {
				t.Errorf("configDue(%d, %d, %v, %v) = %v, want %v", tt.k, tt.lastFull, tt.interval, tt.every, got, tt.want)
			}
		})
	}
}
