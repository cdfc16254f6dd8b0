// Package bench holds what the benchmarks share: results, statistics, and
// the hidden re-exec roles that run sinks and load generators in their own
// processes. Workloads live in bench/copy and bench/accept.
package bench
