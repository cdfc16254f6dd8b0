package report

import (
	"html/template"

	"github.com/netvet/netvet/analyze"
)

// Page is what the template renders: one report, or a comparison of two.
type Page struct {
	Title     string
	Generated string // when the page was made (RFC 3339)
	Version   string // netvet's version
	// Print renders for paper: the folded tables (<details>) are open, since
	// nothing can unfold them on a page.
	Print   bool
	Report  *Report     // a single report; nil for a comparison
	Compare *Comparison // before/after; nil for a single report
}

// Report is one host over one window. Every string is plain text: the
// template escapes it. SVG fields hold gonum's output, whose text gonum
// escapes (see svg.go).
type Report struct {
	Host     HostFacts
	Window   WindowFacts
	Counts   Counts
	Top      []Action // the first things to do
	Findings []FindingView
	Blind    []analyze.Blind // collectors that gave nothing, and what that hides
	Rates    []Rate
	Plots    []Plot
	Bonds    []BondView
	Config   ConfigView
	Bench    *BenchView // nil without --bench

	analyzed []analyze.Finding // the findings as the analyzer gave them, for comparisons
}

// HostFacts identify the machine.
type HostFacts struct {
	Hostname, Kernel, BootID, Source string
	CPUs, Nodes                      int // 0 when unknown
	Uptime                           string
	IRQBalance                       string // "running (pid 812)", "not running", "" when unknown
}

// WindowFacts describe what the counters cover.
type WindowFacts struct {
	Start, End string // RFC 3339; "" when the source has no times
	Seconds    float64
	Snapshots  int
	SinceBoot  bool   // one snapshot: counters are totals since boot
	Text       string // "60 snapshots over 59 s"
}

// Counts are the findings by severity.
type Counts struct{ Critical, Warning, Info int }

// Total is the number of findings.
func (c Counts) Total() int { return c.Critical + c.Warning + c.Info }

// Action is one thing to do: the first recommendation of a finding ID, for
// every subject it concerns.
type Action struct {
	Severity string
	ID       string
	Anchor   string // the first finding's anchor in the page
	Summary  string
	Subjects []string
	Commands []string
	More     int // commands left out here (they are in Findings)
}

// FindingView is one finding as the page shows it.
type FindingView struct {
	Anchor, ID, Severity, Subject, Summary string
	Evidence                               []EvidenceRow
	Recommendations                        []analyze.Recommendation
}

// EvidenceRow is one number a finding rests on.
type EvidenceRow struct{ Metric, Value, Rate, Source string }

// Rate is one counter's increase per second over the window (a total since
// boot averaged over the uptime for a single snapshot). Key is stable so a
// comparison can pair before and after.
type Rate struct {
	Key, Group, Label string
	Value             float64
}

// Plot is one figure: an inline SVG, or Empty saying why there is none,
// with tables that carry the same numbers as text (for readers without
// images, and for copying).
type Plot struct {
	ID, Title, Caption string
	Side               string // "before" or "after" in a comparison, so anchors stay unique
	SVG                template.HTML
	Empty              string
	Tables             []Table
}

// Table is a plain table; Num marks the columns aligned as numbers.
type Table struct {
	Caption string
	Head    []string
	Num     []bool
	Rows    [][]string
	Note    string // what was left out, if anything
	Fold    bool   // long: folded in a <details> on screen
}

// IsNum reports whether column i holds numbers.
func (t Table) IsNum(i int) bool { return i < len(t.Num) && t.Num[i] }

// BondView is one bonding master and its slaves.
type BondView struct {
	Name, Mode, MIIStatus, Active, HashPolicy, Monitor, Aggregator string
	Slaves                                                         []SlaveView
}

// SlaveView is one bond slave.
type SlaveView struct {
	Name, MIIStatus, Speed, Duplex, State, Failures, FailuresWindow string
	Aggregator, PartnerMAC, Churn                                   string
	Bad                                                             bool // down, or failing in the window
}

// ConfigView is the configuration the findings touch, current against
// recommended.
type ConfigView struct {
	Sysctls []SettingRow
	NICs    []NICConfig
	Other   []SettingRow // recommended writes to files not shown above (IRQs of non-NIC lines)
}

// SettingRow is one setting: its current value and what findings recommend.
type SettingRow struct {
	Name, Current string
	Recommended   []Proposal // none: no finding proposes a change
}

// Proposal is a value a finding recommends.
type Proposal struct {
	Value  string
	IDs    []string // finding IDs proposing it
	Anchor string   // the first of them in the page
}

// NICConfig is one interface's settings and queues.
type NICConfig struct {
	Name, Kind, Driver, NUMA, LocalCPUs string
	Settings                            []SettingRow
	Queues                              Table
}

// BenchView holds benchmark results given with --bench.
type BenchView struct {
	Copy   *CopyView
	Accept *AcceptView
}
