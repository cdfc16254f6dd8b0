// Package accept measures accept models against SO_REUSEPORT (plain, cBPF,
// eBPF SK_REUSEPORT), with fairness and worker churn, by raw syscalls.
package accept
