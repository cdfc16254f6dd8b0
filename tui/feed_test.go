package tui

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/fixtures"
)

func TestFeedReplaysEverySnapshotThenEOF(t *testing.T) {
	o, err := collect.OpenRoot(fixtures.Path("recordings", "listen-overflow"))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	f := NewFeed(context.Background(), &collect.Sampler{Origin: o})
	defer f.Stop()
	var times []time.Time
	for {
		s, err := f.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, s.Time)
	}
	if len(times) != o.Len() {
		t.Fatalf("%d snapshots, want %d", len(times), o.Len())
	}
	for i := 1; i < len(times); i++ {
		if !times[i].After(times[i-1]) {
			t.Errorf("snapshot %d at %v is not after %v", i, times[i], times[i-1])
		}
	}
	if _, err := f.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next after the end: %v, want io.EOF", err)
	}
}

// TestFeedStopEndsASampler: Stop returns while the sampler waits for the
// dashboard to take a snapshot, and Next then reports the end.
func TestFeedStopEndsASampler(t *testing.T) {
	o, err := collect.OpenRoot(fixtures.Path("recordings", "softnet-drops"))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	f := NewFeed(context.Background(), &collect.Sampler{Origin: o})
	if _, err := f.Next(); err != nil {
		t.Fatal(err)
	}
	f.Stop()
	f.Stop() // twice is harmless
	if _, err := f.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next after Stop: %v, want io.EOF", err)
	}
}

// failingOrigin is a two-moment recording whose second moment cannot be read.
type failingOrigin struct{}

func (failingOrigin) Kind() collect.Kind      { return collect.KindRecording }
func (failingOrigin) Path() string            { return "testdata/broken" }
func (failingOrigin) Len() int                { return 2 }
func (failingOrigin) Interval() time.Duration { return time.Second }
func (failingOrigin) Close() error            { return nil }
func (failingOrigin) Source(_ context.Context, i int, _ bool) (collect.Source, collect.Moment, error) {
	if i == 1 {
		return nil, collect.Moment{}, errors.New("0001: meta.json names a missing folder")
	}
	return fstest.MapFS{"proc/net/softnet_stat": {Data: []byte("00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n")}},
		collect.Moment{Index: 0, Full: true}, nil
}

func TestFeedReportsSamplerError(t *testing.T) {
	f := NewFeed(context.Background(), &collect.Sampler{Origin: failingOrigin{}})
	defer f.Stop()
	if s, err := f.Next(); err != nil || len(s.Softnet) != 1 {
		t.Fatalf("first snapshot: %v %v", s, err)
	}
	_, err := f.Next()
	if err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "missing folder") {
		t.Errorf("Next: %v, want the sampler's error", err)
	}
}

// TestFeedStartsOnFirstNext: nothing is read before the dashboard asks,
// and a feed stopped before that just closes.
func TestFeedStartsOnFirstNext(t *testing.T) {
	f := NewFeed(context.Background(), &collect.Sampler{Origin: failingOrigin{}})
	f.Stop()
	if _, err := f.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("Next after Stop: %v, want io.EOF", err)
	}
}
