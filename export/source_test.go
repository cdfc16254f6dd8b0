package export

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
)

func softnetFS() fstest.MapFS {
	return fstest.MapFS{"proc/net/softnet_stat": {Data: []byte("0000000a 00000000 00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n")}}
}

// Scrapes that arrive while a snapshot is read share it: one read for all.
func TestConcurrentScrapesShareOneRead(t *testing.T) {
	o := &fakeOrigin{fsys: softnetFS()}
	release := o.hold()
	entered := o.entered()
	src := newLiveSource(o, Options{})
	const n = 20
	views := make([]*view, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := src.view(context.Background())
			if err != nil {
				t.Error(err)
			}
			views[i] = v
		}()
	}
	<-entered // the read has started and is held
	// Let every scraper join the flight before it lands. (A scraper that
	// arrives after it would start a second read: the count below would
	// say so.)
	time.Sleep(50 * time.Millisecond)
	release()
	wg.Wait()
	calls, _ := o.Calls()
	if calls != 1 {
		t.Errorf("%d reads for %d concurrent scrapes, want 1", calls, n)
	}
	for i, v := range views {
		if v != views[0] {
			t.Fatalf("scrape %d got another snapshot", i)
		}
	}
	// The next scrape reads a fresh snapshot.
	v, err := src.view(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v == views[0] {
		t.Error("a scrape after the flight landed got the old snapshot")
	}
}

// A scraper that gives up does not cancel the read the others wait for.
func TestScraperTimeoutLeavesTheReadRunning(t *testing.T) {
	o := &fakeOrigin{fsys: softnetFS()}
	release := o.hold()
	entered := o.entered()
	src := newLiveSource(o, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	quitter := make(chan error, 1)
	go func() { _, err := src.view(ctx); quitter <- err }()
	<-entered
	waiter := make(chan error, 1)
	go func() { _, err := src.view(context.Background()); waiter <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-quitter; !errors.Is(err, context.Canceled) {
		t.Errorf("the scraper that gave up: %v, want context canceled", err)
	}
	release()
	if err := <-waiter; err != nil {
		t.Errorf("the scraper that waited: %v", err)
	}
}

// The configuration is read at the first scrape and again once ConfigEvery
// has passed; in between it is carried.
func TestScrapesReadConfigurationEvery(t *testing.T) {
	o := &fakeOrigin{fsys: softnetFS()}
	src := newLiveSource(o, Options{ConfigEvery: 80 * time.Millisecond})
	for range 3 {
		if _, err := src.view(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := src.view(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, full := o.Calls()
	if d := cmp.Diff([]bool{true, false, false, true}, full); d != "" {
		t.Errorf("configuration read at scrapes (-want +got):\n%s", d)
	}
}

// A read that fails makes the scrape fail (the scraper records up = 0);
// the next scrape reads again.
func TestFailedReadFailsTheScrape(t *testing.T) {
	o := &fakeOrigin{fsys: softnetFS()}
	o.setErr(errors.New("netlink: operation not permitted"))
	e := NewLive(o, Options{}, nil)
	reg := prometheus.NewRegistry()
	reg.MustRegister(e)
	if _, err := reg.Gather(); err == nil || !strings.Contains(err.Error(), "operation not permitted") {
		t.Fatalf("gather error %v, want the read's", err)
	}
	o.setErr(nil)
	got := gather(t, e, "netvet_softnet_processed")
	want := []sample{{"netvet_softnet_processed_total{cpu=0}", 10}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("after the host answers again (-want +got):\n%s", d)
	}
}

// A read that hangs ends at the scrape timeout.
func TestHungReadTimesOut(t *testing.T) {
	o := &fakeOrigin{fsys: softnetFS()}
	release := o.hold()
	defer release()
	src := newLiveSource(o, Options{ScrapeTimeout: 50 * time.Millisecond})
	start := time.Now()
	_, err := src.view(context.Background())
	if err == nil || !strings.Contains(err.Error(), "took longer than 50ms") {
		t.Errorf("error %v, want the timeout named", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}
