// Package export gives a Prometheus fleet what `netvet check` gives one
// box: the collectors' counters as series (Exporter), the analyzer's
// findings over a rolling window (Analyzer, as netvet_finding), and the
// analyzer's rate rules as alerting rules over those series (Rules).
//
// Files: exporter.go (the prometheus.Collector), source.go (a fresh
// snapshot per scrape, shared by concurrent scrapes), hidefs.go (what
// scrapes do not read), fold.go (monotonic sums over CPUs), metrics_*.go
// (one per family of series), analyzer.go (the background window),
// server.go and metrics_handler.go (HTTP), rules.go and rules_defs.go (the
// alerting rules; their promtool tests are in testdata/rules).
package export
