package analyze

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

func softnetSnap(sec float64, rows ...collect.SoftnetCPU) *collect.Snapshot {
	s := at(sec)
	s.Softnet = rows
	return s
}

func TestSoftnetDelta(t *testing.T) {
	old := func(cpu int, processed uint64) collect.SoftnetCPU {
		// A 3.x kernel without flow_limit_count: 10 columns.
		return collect.SoftnetCPU{CPU: cpu, Processed: processed, ReceivedRPS: processed / 10, Columns: 10}
	}
	tests := []struct {
		name   string
		snaps  []*collect.Snapshot
		cpu    int
		want   SoftnetDelta
		wantOK bool
	}{
		{
			// processed is a u32 printed %08x: 0xfffffff0 → 0x10 is a wrap of 0x20.
			name: "u32 wrap",
			snaps: []*collect.Snapshot{
				softnetSnap(0, softnetRow(0, math.MaxUint32-15, 7, 0)),
				softnetSnap(1, softnetRow(0, 16, 9, 1)),
			},
			cpu: 0,
			want: SoftnetDelta{CPU: 0,
				Processed:      Delta{Inc: 32, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1, Wraps: 1},
				Dropped:        Delta{Inc: 2, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1},
				TimeSqueeze:    Delta{Inc: 1, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1},
				CPUCollision:   delta(0, 1, 1, 1),
				ReceivedRPS:    delta(0, 1, 1, 1),
				FlowLimitCount: delta(0, 1, 1, 1),
			},
			wantOK: true,
		},
		{
			// CPU 1 went offline for snapshot 1 and came back: its rows in
			// snapshots 0 and 2 are never compared with each other.
			name: "CPU offline in the middle",
			snaps: []*collect.Snapshot{
				softnetSnap(0, softnetRow(0, 0, 0, 0), softnetRow(1, 100, 0, 0)),
				softnetSnap(1, softnetRow(0, 10, 0, 0)),
				softnetSnap(2, softnetRow(0, 20, 0, 0), softnetRow(1, 500, 0, 0)),
				softnetSnap(3, softnetRow(0, 30, 0, 0), softnetRow(1, 540, 0, 0)),
			},
			cpu: 1,
			want: SoftnetDelta{CPU: 1,
				Processed:      Delta{Inc: 40, Seconds: 1, Intervals: 1, WindowIntervals: 3, Rises: 1, LongestRun: 1, RunAtEnd: 1},
				Dropped:        delta(0, 1, 1, 3),
				TimeSqueeze:    delta(0, 1, 1, 3),
				CPUCollision:   delta(0, 1, 1, 3),
				ReceivedRPS:    delta(0, 1, 1, 3),
				FlowLimitCount: delta(0, 1, 1, 3),
			},
			wantOK: true,
		},
		{
			// Rows are keyed by CPU, not position: CPU 3 moved from row 1 to row 0.
			name: "rows keyed by CPU",
			snaps: []*collect.Snapshot{
				softnetSnap(0, softnetRow(2, 1000, 0, 0), softnetRow(3, 50, 0, 0)),
				softnetSnap(1, softnetRow(3, 80, 0, 0)),
			},
			cpu: 3,
			want: SoftnetDelta{CPU: 3,
				Processed:      Delta{Inc: 30, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1},
				Dropped:        delta(0, 1, 1, 1),
				TimeSqueeze:    delta(0, 1, 1, 1),
				CPUCollision:   delta(0, 1, 1, 1),
				ReceivedRPS:    delta(0, 1, 1, 1),
				FlowLimitCount: delta(0, 1, 1, 1),
			},
			wantOK: true,
		},
		{
			// flow_limit_count (column 11) is not printed: absent, not 0.
			name: "old kernel columns",
			snaps: []*collect.Snapshot{
				softnetSnap(0, old(0, 100)),
				softnetSnap(1, old(0, 300)),
			},
			cpu: 0,
			want: SoftnetDelta{CPU: 0,
				Processed:    Delta{Inc: 200, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1},
				Dropped:      delta(0, 1, 1, 1),
				TimeSqueeze:  delta(0, 1, 1, 1),
				CPUCollision: delta(0, 1, 1, 1),
				ReceivedRPS:  Delta{Inc: 20, Seconds: 1, Intervals: 1, WindowIntervals: 1, Rises: 1, LongestRun: 1, RunAtEnd: 1},
			},
			wantOK: true,
		},
		{
			// A kernel upgrade between snapshots (a reboot) that adds a column:
			// the column only counts where both ends printed it.
			name: "column appears after a reboot",
			snaps: []*collect.Snapshot{
				softnetSnap(0, old(0, 100)),
				func() *collect.Snapshot {
					s := softnetSnap(5, softnetRow(0, 40, 0, 0))
					s.Host.BootID = "b2"
					return s
				}(),
				func() *collect.Snapshot {
					s := softnetSnap(6, softnetRow(0, 60, 0, 0))
					s.Host.BootID = "b2"
					return s
				}(),
			},
			cpu: 0,
			want: SoftnetDelta{CPU: 0,
				Processed:      Delta{Inc: 60, Seconds: 6, Intervals: 2, WindowIntervals: 2, Rises: 2, LongestRun: 2, RunAtEnd: 2, Resets: 1},
				Dropped:        Delta{Inc: 0, Seconds: 6, Intervals: 2, WindowIntervals: 2, Resets: 1},
				TimeSqueeze:    Delta{Inc: 0, Seconds: 6, Intervals: 2, WindowIntervals: 2, Resets: 1},
				CPUCollision:   Delta{Inc: 0, Seconds: 6, Intervals: 2, WindowIntervals: 2, Resets: 1},
				ReceivedRPS:    Delta{Inc: 0, Seconds: 6, Intervals: 2, WindowIntervals: 2, Resets: 1, Rises: 0},
				FlowLimitCount: delta(0, 1, 1, 2),
			},
			wantOK: true,
		},
		{
			name:   "CPU never present",
			snaps:  []*collect.Snapshot{softnetSnap(0, softnetRow(0, 1, 0, 0)), softnetSnap(1, softnetRow(0, 2, 0, 0))},
			cpu:    5,
			want:   SoftnetDelta{CPU: 5},
			wantOK: false,
		},
		{
			name:   "negative CPU",
			snaps:  []*collect.Snapshot{softnetSnap(0, softnetRow(0, 1, 0, 0)), softnetSnap(1, softnetRow(0, 2, 0, 0))},
			cpu:    -1,
			want:   SoftnetDelta{CPU: -1},
			wantOK: false,
		},
		{
			name:   "no softnet",
			snaps:  []*collect.Snapshot{at(0), at(1)},
			cpu:    0,
			want:   SoftnetDelta{CPU: 0},
			wantOK: false,
		},
		{
			name: "single snapshot: totals since boot",
			snaps: []*collect.Snapshot{func() *collect.Snapshot {
				s := softnetSnap(0, old(0, 100))
				s.Host.Uptime = 50
				return s
			}()},
			cpu: 0,
			want: SoftnetDelta{CPU: 0,
				Processed:    Delta{Inc: 100, Seconds: 50, SinceBoot: true},
				Dropped:      Delta{Seconds: 50, SinceBoot: true},
				TimeSqueeze:  Delta{Seconds: 50, SinceBoot: true},
				CPUCollision: Delta{Seconds: 50, SinceBoot: true},
				ReceivedRPS:  Delta{Inc: 10, Seconds: 50, SinceBoot: true},
			},
			wantOK: true,
		},
		{
			name:   "single snapshot, CPU absent",
			snaps:  []*collect.Snapshot{softnetSnap(0, old(0, 100))},
			cpu:    1,
			want:   SoftnetDelta{CPU: 1},
			wantOK: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NewWindow(tt.snaps, 0).SoftnetDelta(tt.cpu)
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("SoftnetDelta(%d) (-want +got):\n%s", tt.cpu, diff)
			}
		})
	}
}

func TestSoftnetCPUs(t *testing.T) {
	w := NewWindow([]*collect.Snapshot{
		softnetSnap(0, softnetRow(0, 0, 0, 0), softnetRow(2, 0, 0, 0)),
		softnetSnap(1, softnetRow(0, 0, 0, 0), softnetRow(2, 0, 0, 0)),
		softnetSnap(2, softnetRow(1, 0, 0, 0), softnetRow(0, 0, 0, 0)),
		at(3),
	}, 0)
	if diff := cmp.Diff([]int{0, 1, 2}, w.SoftnetCPUs()); diff != "" {
		t.Errorf("SoftnetCPUs (-want +got):\n%s", diff)
	}
	if got := NewWindow(nil, 0).SoftnetCPUs(); len(got) != 0 {
		t.Errorf("SoftnetCPUs of an empty window = %v", got)
	}
}
