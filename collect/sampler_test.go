package collect

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeOrigin is an Origin over fstest.MapFS. With moments it is a recording
// (Len = len(moments)); without, the live host (Len = -1), stamping each
// moment with the clock.
type fakeOrigin struct {
	moments []Moment
	// block, when set, makes Source wait for ctx to end (a read that hangs).
	block bool
	// failAt makes Source fail at that call index (-1: never).
	failAt int

	mu    sync.Mutex
	calls []sourceCall
}

type sourceCall struct {
	I    int
	Full bool
}

func newRecording(ms ...Moment) *fakeOrigin { return &fakeOrigin{moments: ms, failAt: -1} }
func newLive() *fakeOrigin                  { return &fakeOrigin{failAt: -1} }

func (o *fakeOrigin) Kind() Kind {
	if o.moments == nil {
		return KindLive
	}
	return KindRecording
}

func (o *fakeOrigin) Path() string {
	if o.moments == nil {
		return ""
	}
	return "testdata/fake-recording"
}

func (o *fakeOrigin) Len() int {
	if o.moments == nil {
		return -1
	}
	return len(o.moments)
}

func (o *fakeOrigin) Interval() time.Duration { return 0 }
func (o *fakeOrigin) Close() error            { return nil }

func (o *fakeOrigin) Source(ctx context.Context, i int, full bool) (Source, Moment, error) {
	o.mu.Lock()
	o.calls = append(o.calls, sourceCall{i, full})
	n := len(o.calls) - 1
	o.mu.Unlock()
	if o.block {
		<-ctx.Done()
		return nil, Moment{}, ctx.Err()
	}
	if n == o.failAt {
		return nil, Moment{}, fmt.Errorf("moment %d: %w", i, errFake)
	}
	fsys := fstest.MapFS{"proc/uptime": {Data: []byte(fmt.Sprintf("%d.00 1.00\n", 100+i))}}
	if o.moments == nil {
		return fsys, Moment{Index: i, Time: time.Now(), Full: full}, nil
	}
	return fsys, o.moments[i], nil
}

func (o *fakeOrigin) gotCalls() []sourceCall {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]sourceCall(nil), o.calls...)
}

var errFake = errors.New("fake source failure")

// collectAll runs the sampler and keeps every snapshot.
func collectAll(ctx context.Context, s *Sampler, n int) ([]*Snapshot, error) {
	var got []*Snapshot
	err := s.Run(ctx, n, func(snap *Snapshot) error {
		got = append(got, snap)
		return nil
	})
	return got, err
}

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func TestSamplerRecording(t *testing.T) {
	tests := []struct {
		name  string
		full  []bool // Moment.Full of each moment
		n     int
		calls []sourceCall
		// sameConfig[i]: snapshot i shares snapshot i-1's Config (index 0 unused).
		sameConfig []bool
	}{
		{
			name:       "all moments, config carried where the recording has none",
			full:       []bool{true, false, false, true, false},
			n:          0,
			calls:      []sourceCall{{0, true}, {1, true}, {2, true}, {3, true}, {4, true}},
			sameConfig: []bool{false, true, true, false, true},
		},
		{
			name:       "n caps",
			full:       []bool{true, false, true},
			n:          2,
			calls:      []sourceCall{{0, true}, {1, true}},
			sameConfig: []bool{false, true},
		},
		{
			name:       "n above the length stops at the end",
			full:       []bool{true, true},
			n:          10,
			calls:      []sourceCall{{0, true}, {1, true}},
			sameConfig: []bool{false, false},
		},
		{
			// Nothing to carry from: the first snapshot reads its own config.
			name:       "first moment without config files",
			full:       []bool{false, false},
			calls:      []sourceCall{{0, true}, {1, true}},
			sameConfig: []bool{false, true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ms []Moment
			for i, f := range tt.full {
				ms = append(ms, Moment{Index: i, Time: t0.Add(time.Duration(i) * time.Second), Full: f})
			}
			o := newRecording(ms...)
			// Interval is a live setting: a recording never sleeps, even with an hour.
			s := &Sampler{Origin: o, Interval: time.Hour}
			got, err := collectAll(context.Background(), s, tt.n)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if diff := cmp.Diff(tt.calls, o.gotCalls()); diff != "" {
				t.Errorf("Source calls (-want +got):\n%s", diff)
			}
			if len(got) != len(tt.sameConfig) {
				t.Fatalf("got %d snapshots, want %d", len(got), len(tt.sameConfig))
			}
			var times, wantTimes []time.Time
			for i, snap := range got {
				times = append(times, snap.Time)
				wantTimes = append(wantTimes, ms[i].Time)
				if snap.Config == nil {
					t.Fatalf("snapshot %d: nil Config", i)
				}
				if i > 0 {
					if same := snap.Config == got[i-1].Config; same != tt.sameConfig[i] {
						t.Errorf("snapshot %d shares the previous Config = %v, want %v", i, same, tt.sameConfig[i])
					}
				}
				st, ok := snap.StatusOf("sysctls")
				if !ok {
					t.Fatalf("snapshot %d: no sysctls status", i)
				}
				if st.Carried != tt.sameConfig[i] {
					t.Errorf("snapshot %d: sysctls Carried = %v, want %v", i, st.Carried, tt.sameConfig[i])
				}
			}
			if diff := cmp.Diff(wantTimes, times); diff != "" {
				t.Errorf("snapshot times (-want +got):\n%s", diff)
			}
			// A carried Config keeps the time it was read at.
			for i, snap := range got {
				j := i
				for j > 0 && tt.sameConfig[j] {
					j--
				}
				if !snap.Config.Time.Equal(ms[j].Time) {
					t.Errorf("snapshot %d: Config.Time = %v, want %v (read at snapshot %d)", i, snap.Config.Time, ms[j].Time, j)
				}
			}
		})
	}
}

func TestSamplerStops(t *testing.T) {
	stop := errors.New("enough")
	tests := []struct {
		name      string
		origin    *fakeOrigin
		fnFailAt  int // fn returns stop on this call (-1: never)
		wantErr   error
		wantSnaps int
		wantCalls int
	}{
		{"fn error ends a recording", newRecording(Moment{Full: true}, Moment{}, Moment{}), 1, stop, 2, 2},
		{"fn error ends live sampling", newLive(), 0, stop, 1, 1},
		{"source error ends a recording", &fakeOrigin{moments: []Moment{{Full: true}, {}, {}}, failAt: 1}, -1, errFake, 1, 2},
		{"source error ends live sampling", &fakeOrigin{failAt: 2}, -1, errFake, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Sampler{Origin: tt.origin, Interval: time.Millisecond}
			calls := 0
			err := s.Run(context.Background(), 5, func(*Snapshot) error {
				calls++
				if calls-1 == tt.fnFailAt {
					return stop
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Run = %v, want %v", err, tt.wantErr)
			}
			if calls != tt.wantSnaps {
				t.Errorf("fn called %d times, want %d", calls, tt.wantSnaps)
			}
			if got := len(tt.origin.gotCalls()); got != tt.wantCalls {
				t.Errorf("Source called %d times, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestSamplerLive(t *testing.T) {
	tests := []struct {
		name        string
		configEvery time.Duration
		n           int
		wantFull    []bool
	}{
		// ConfigEvery far beyond the run: only the first sample reads config.
		{"config read once", time.Hour, 3, []bool{true, false, false}},
		// ConfigEvery at or below the interval: every sample reads it.
		{"config every sample", time.Millisecond, 3, []bool{true, true, true}},
		{"one sample", 0, 1, []bool{true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newLive()
			s := &Sampler{Origin: o, Interval: time.Millisecond, ConfigEvery: tt.configEvery}
			got, err := collectAll(context.Background(), s, tt.n)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			var wantCalls []sourceCall
			for i, f := range tt.wantFull {
				wantCalls = append(wantCalls, sourceCall{i, f})
			}
			if diff := cmp.Diff(wantCalls, o.gotCalls()); diff != "" {
				t.Errorf("Source calls (-want +got):\n%s", diff)
			}
			if len(got) != tt.n {
				t.Fatalf("got %d snapshots, want %d", len(got), tt.n)
			}
			for i := 1; i < len(got); i++ {
				if same := got[i].Config == got[i-1].Config; same == tt.wantFull[i] {
					t.Errorf("snapshot %d shares the previous Config = %v with full = %v", i, same, tt.wantFull[i])
				}
				if !got[i].Time.After(got[i-1].Time) {
					t.Errorf("snapshot %d at %v, not after snapshot %d at %v", i, got[i].Time, i-1, got[i-1].Time)
				}
			}
		})
	}
}

func TestSamplerLiveInterval(t *testing.T) {
	s := &Sampler{Origin: newLive()}
	if _, err := collectAll(context.Background(), s, 2); err == nil {
		t.Error("Run with no interval and n=2: want an error")
	}
	if _, err := collectAll(context.Background(), s, 0); err == nil {
		t.Error("Run with no interval and n=0: want an error")
	}
	got, err := collectAll(context.Background(), s, 1)
	if err != nil || len(got) != 1 {
		t.Errorf("Run with no interval and n=1 = %d snapshots, %v; want 1, nil", len(got), err)
	}
	if err := (&Sampler{}).Run(context.Background(), 1, func(*Snapshot) error { return nil }); err == nil {
		t.Error("Run without an origin: want an error")
	}
}

// runGuarded runs s and fails the test if Run does not return within a
// generous bound: cancellation must not wait for the next tick (an hour).
func runGuarded(t *testing.T, ctx context.Context, s *Sampler, n int, fn func(*Snapshot) error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, n, fn) }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancellation")
		return nil
	}
}

func TestSamplerCancel(t *testing.T) {
	t.Run("between samples", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		o := newLive()
		s := &Sampler{Origin: o, Interval: time.Hour}
		calls := 0
		err := runGuarded(t, ctx, s, 0, func(*Snapshot) error {
			calls++
			cancel() // Run is now waiting an hour for the next tick
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
		if calls != 1 {
			t.Errorf("fn called %d times, want 1", calls)
		}
	})
	t.Run("during a sample", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		o := newLive()
		o.block = true
		s := &Sampler{Origin: o, Interval: time.Hour}
		go func() {
			for len(o.gotCalls()) == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		calls := 0
		err := runGuarded(t, ctx, s, 0, func(*Snapshot) error { calls++; return nil })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
		if calls != 0 {
			t.Errorf("fn called %d times for a cancelled sample, want 0", calls)
		}
	})
	for _, o := range []*fakeOrigin{newLive(), newRecording(Moment{Full: true})} {
		t.Run("before start "+string(o.Kind()), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			s := &Sampler{Origin: o, Interval: time.Hour}
			got, err := collectAll(ctx, s, 0)
			if !errors.Is(err, context.Canceled) || len(got) != 0 {
				t.Errorf("Run = %d snapshots, %v; want 0, context.Canceled", len(got), err)
			}
			if n := len(o.gotCalls()); n != 0 {
				t.Errorf("Source called %d times, want 0", n)
			}
		})
	}
	t.Run("recording cancelled in fn", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		o := newRecording(Moment{Full: true}, Moment{}, Moment{})
		calls := 0
		err := (&Sampler{Origin: o}).Run(ctx, 0, func(*Snapshot) error { calls++; cancel(); return nil })
		if !errors.Is(err, context.Canceled) || calls != 1 {
			t.Errorf("Run = %v after %d snapshots; want context.Canceled after 1", err, calls)
		}
	})
}
