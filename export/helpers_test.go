package export

import (
	"context"
	"io/fs"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/synthhost"
)

// sample is one exported series: name{labels} value, labels sorted.
type sample struct {
	Series string
	Value  float64
}

// gather collects c through a fresh registry and returns its samples,
// sorted, with the families whose names have one of the given prefixes.
func gather(t *testing.T, c prometheus.Collector, prefixes ...string) []sample {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	return samples(mfs, prefixes...)
}

func samples(mfs []*dto.MetricFamily, prefixes ...string) []sample {
	var out []sample
	for _, mf := range mfs {
		if len(prefixes) > 0 && !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(mf.GetName(), p) }) {
			continue
		}
		for _, m := range mf.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, l.GetName()+"="+l.GetValue())
			}
			v := m.GetGauge().GetValue()
			if mf.GetType() == dto.MetricType_COUNTER {
				v = m.GetCounter().GetValue()
			}
			out = append(out, sample{mf.GetName() + "{" + strings.Join(ls, ",") + "}", v})
		}
	}
	slices.SortFunc(out, func(a, b sample) int { return strings.Compare(a.Series, b.Series) })
	return out
}

// fixed exports snap with opts and no analyzer.
func fixed(snap *collect.Snapshot, opts Options) *Exporter { return NewFixed(snap, opts, nil) }

// readRoot reads every snapshot of a --root folder through an Analyzer
// over all of it, as netvet serve --root does.
func readRoot(t *testing.T, dir string) *Analyzer {
	t.Helper()
	o, err := collect.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	an := NewAnalyzer(time.Duration(math.MaxInt64), o.Interval(), analyze.Options{})
	if err := an.Run(context.Background(), &collect.Sampler{Origin: o}); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	if an.Last() == nil {
		t.Fatalf("%s: no snapshot", dir)
	}
	return an
}

// fakeOrigin is a live-like Origin (unbounded) whose Source returns fsys,
// counts the calls and which of them asked for the configuration, and can
// be held (gate) to test scrapes that arrive while a read is in flight.
type fakeOrigin struct {
	fsys fs.FS
	err  error

	mu    sync.Mutex
	calls int
	full  []bool
	gate  chan struct{} // when not nil, Source waits for it to close
	enter chan struct{} // when not nil, Source signals here on entry
}

func (f *fakeOrigin) Kind() collect.Kind      { return collect.KindLive }
func (f *fakeOrigin) Path() string            { return "" }
func (f *fakeOrigin) Len() int                { return -1 }
func (f *fakeOrigin) Interval() time.Duration { return 0 }
func (f *fakeOrigin) Close() error            { return nil }

// Calls returns how many reads there were and which asked for the
// configuration.
func (f *fakeOrigin) Calls() (int, []bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls, slices.Clone(f.full)
}

func (f *fakeOrigin) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

func (f *fakeOrigin) setFS(fsys fs.FS) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fsys = fsys
}

// hold makes reads wait until release is called; entered reports each
// read that starts. Call both before the first read.
func (f *fakeOrigin) hold() (release func()) {
	f.gate = make(chan struct{})
	return func() { close(f.gate) }
}

func (f *fakeOrigin) entered() <-chan struct{} {
	f.enter = make(chan struct{}, 64)
	return f.enter
}

func (f *fakeOrigin) Source(ctx context.Context, i int, full bool) (collect.Source, collect.Moment, error) {
	f.mu.Lock()
	f.calls++
	f.full = append(f.full, full)
	fsys, err := f.fsys, f.err
	f.mu.Unlock()
	if f.enter != nil {
		f.enter <- struct{}{}
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, collect.Moment{}, ctx.Err()
		}
	}
	if err != nil {
		return nil, collect.Moment{}, err
	}
	return fsys, collect.Moment{Index: i, Time: time.Now(), Full: full}, nil
}

// collectFS reads the synthetic host's current snapshot.
func collectFS(t *testing.T, h *synthhost.Host) *collect.Snapshot {
	t.Helper()
	return collect.NewCollector().Collect(context.Background(), h.FS(), nil, true)
}

// collectFSFrom reads one snapshot of fsys.
func collectFSFrom(t *testing.T, fsys fs.FS) *collect.Snapshot {
	t.Helper()
	return collect.NewCollector().Collect(context.Background(), fsys, nil, true)
}
