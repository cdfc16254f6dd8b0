// Package analyze turns a Window of Snapshots into Findings: pure functions,
// one file per family of rules (see ../shared/FINDINGS.md for the catalog).
package analyze
