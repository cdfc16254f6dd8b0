package export

import (
	"slices"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// family is one metric name with its help, type and label names.
type family struct {
	name, help string
	kind       prometheus.ValueType
	labels     []string
}

func counterFamily(name, help string, labels ...string) family {
	return family{name: name, help: help, kind: prometheus.CounterValue, labels: labels}
}

func gaugeFamily(name, help string, labels ...string) family {
	return family{name: name, help: help, kind: prometheus.GaugeValue, labels: labels}
}

// without is f with a label removed (the cpu label of folded series).
func (f family) without(label string) family {
	f.labels = slices.DeleteFunc(slices.Clone(f.labels), func(l string) bool { return l == label })
	return f
}

// sink emits the metrics of one Collect, building each Desc once per
// Exporter (descs is shared by concurrent scrapes).
type sink struct {
	ch    chan<- prometheus.Metric
	descs *sync.Map // family key -> *prometheus.Desc
}

func (s sink) desc(f family) *prometheus.Desc {
	key := f.name + "\x00" + strings.Join(f.labels, "\x00")
	if d, ok := s.descs.Load(key); ok {
		return d.(*prometheus.Desc)
	}
	d, _ := s.descs.LoadOrStore(key, prometheus.NewDesc(f.name, f.help, f.labels, nil))
	return d.(*prometheus.Desc)
}

// add emits one sample. A label count that does not match the family is a
// bug; it surfaces as a scrape error naming the metric, not as a panic.
func (s sink) add(f family, v float64, lvs ...string) {
	d := s.desc(f)
	m, err := prometheus.NewConstMetric(d, f.kind, v, lvs...)
	if err != nil {
		m = prometheus.NewInvalidMetric(d, err)
	}
	s.ch <- m
}

// counter emits a kernel counter. float64 holds every count up to 2^53
// exactly, which a counter at 10^9 per second reaches after 104 days; past
// that the sample is rounded to 16 significant digits, like every
// Prometheus counter.
func (s sink) counter(f family, v uint64, lvs ...string) { s.add(f, float64(v), lvs...) }

// boolValue is 1 for true, 0 for false.
func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
