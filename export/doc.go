// Package export exposes collectors and findings to Prometheus and generates
// the equivalent alerting rules.
package export
