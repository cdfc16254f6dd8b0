package export

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/netvet/netvet/collect"
)

// Exporter is netvet's Prometheus collector. Every Collect exports one
// snapshot of the host (a fresh one per scrape from a live source, shared
// by the scrapes that arrive while it is read) and the latest findings of
// the Analyzer. Counters are exported as counters, as the kernel counts
// them; rates are left to PromQL.
//
// The Exporter is an unchecked collector (Describe sends nothing): the
// names of sys/class/net statistics come from the running kernel.
type Exporter struct {
	opts     Options
	live     bool // scrapes read the host (and skip scrapeSkips)
	src      source
	analyzer *Analyzer // nil: no findings
	descs    sync.Map
}

// NewLive exports a fresh snapshot of o for every scrape. an may be nil.
func NewLive(o collect.Origin, opts Options, an *Analyzer) *Exporter {
	return &Exporter{opts: opts, live: true, src: newLiveSource(o, opts), analyzer: an}
}

// NewFixed exports snap at every scrape (a recording's last snapshot).
// an may be nil.
func NewFixed(snap *collect.Snapshot, opts Options, an *Analyzer) *Exporter {
	return &Exporter{opts: opts, src: fixedSource{newView(snap, newFolder(), opts)}, analyzer: an}
}

var (
	famSuccess  = gaugeFamily("netvet_collector_success", "1 when the collector read its files, 0 when they were unavailable or could not be parsed.", "collector")
	famDuration = gaugeFamily("netvet_collector_duration_seconds", "How long the collector took for this scrape's snapshot (0 when its configuration was carried from an earlier one).", "collector")
	// famSnapshot only names the error of a scrape whose snapshot could not
	// be read: the scrape fails as a whole (HTTP 500, up = 0 in Prometheus).
	famSnapshot = gaugeFamily("netvet_snapshot", "A snapshot of the host.")
	famBuild    = gaugeFamily("netvet_build_info", "Always 1: the netvet version and the Go version it was built with.", "version", "goversion")
	famFinding  = gaugeFamily("netvet_finding", "Always 1: a finding of the analyzer over the rolling window (netvet check --list names the IDs).", "id", "severity", "subject")
	famWinSnaps = gaugeFamily("netvet_window_snapshots", "Snapshots in the analyzer's window.")
	famWinSecs  = gaugeFamily("netvet_window_seconds", "Length of the analyzer's window.")
)

// Describe sends nothing: see Exporter.
func (e *Exporter) Describe(chan<- *prometheus.Desc) {}

// Collect exports one snapshot and the latest findings.
func (e *Exporter) Collect(ch chan<- prometheus.Metric) {
	s := sink{ch: ch, descs: &e.descs}
	s.add(famBuild, 1, e.opts.Version, runtime.Version())
	e.collectFindings(s)
	ctx, cancel := context.WithTimeout(context.Background(), e.opts.scrapeTimeout())
	defer cancel()
	v, err := e.src.view(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(s.desc(famSnapshot), err)
		return
	}
	e.collectSnapshot(s, v)
}

func (e *Exporter) collectSnapshot(s sink, v *view) {
	snap := v.snap
	for _, st := range snap.Status {
		if e.live && scrapeSkips[st.Name] {
			continue
		}
		s.add(famSuccess, boolValue(st.State == collect.StateOK), st.Name)
		s.add(famDuration, st.Duration.Seconds(), st.Name)
	}
	emitSoftnet(s, v, e.opts.FoldCPUs)
	emitSoftirqs(s, v, e.opts.FoldCPUs)
	emitInterrupts(s, v, e.opts.irqScope(), e.opts.FoldCPUs)
	emitLinks(s, snap)
	emitNICConfig(s, snap)
	emitEthtool(s, snap, e.opts.ethtoolStats())
	emitNetstat(s, snap)
	emitListeners(s, snap)
	emitSysctls(s, snap)
	emitBonds(s, snap)
}

func (e *Exporter) collectFindings(s sink) {
	if e.analyzer == nil {
		return
	}
	a := e.analyzer.Latest()
	if a == nil {
		return
	}
	s.add(famWinSnaps, float64(a.Snapshots))
	s.add(famWinSecs, a.Seconds)
	// Two findings may share ID and subject (tcp.listen_overflow names the
	// host once per full listener when none can be singled out); one
	// series each, at the higher severity.
	type key struct{ id, subject string }
	worst := map[key]int{}
	fs := a.Result.Findings
	for i, f := range fs {
		k := key{f.ID, f.Subject}
		if j, ok := worst[k]; !ok || f.Severity > fs[j].Severity {
			worst[k] = i
		}
	}
	idx := make([]int, 0, len(worst))
	for _, i := range worst {
		idx = append(idx, i)
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(a, b) })
	for _, i := range idx {
		f := fs[i]
		s.add(famFinding, 1, f.ID, f.Severity.String(), f.Subject)
	}
}

// sortedKeys returns m's keys in order, for a stable exposition.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
