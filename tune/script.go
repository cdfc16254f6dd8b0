package tune

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/netvet/netvet/analyze"
)

// WriteScript writes the plan as a bash script to review and run: one
// block per recommendation with the finding, its evidence and its risk as
// comments, then the steps. Each step reads the setting first and writes
// only when it differs, then reads it back, so running the script twice
// changes nothing the second time. Recommendations with nothing for a
// program to do are listed at the end for a person; with --persist the
// script also writes what makes the changes survive a reboot.
//
// Every value in the code part is single-quoted, and comments are one
// line each with control characters removed: the text comes from a
// snapshot, which may have been made anywhere.
func WriteScript(w io.Writer, p *Plan) error {
	bw := bufio.NewWriter(w)
	s := &script{w: bw}
	s.header(p)
	// The changes come first, for the reader; bash needs the helpers
	// defined before main runs, which is the last line.
	s.line("changes() {")
	steps := p.Steps()
	n := 0
	for i, b := range p.Blocks {
		if !b.Manual() {
			s.block(i, b, len(steps), &n)
		}
	}
	if n == 0 {
		s.line("\t: # nothing here for a program to change")
	}
	s.line("}")
	s.irqbalance(p)
	s.manual(p)
	s.persist(p)
	s.line("")
	s.line("# --- Helpers " + strings.Repeat("-", 86))
	s.line(helpers)
	s.main(p)
	return bw.Flush()
}

type script struct {
	w      *bufio.Writer
	indent string // before every non-empty line: a tab inside a function
}

func (s *script) line(text string) {
	if text != "" {
		s.w.WriteString(s.indent)
	}
	s.w.WriteString(text + "\n")
}

func (s *script) linef(format string, args ...any) { s.line(fmt.Sprintf(format, args...)) }

// comment writes text as "# " lines wrapped at 100 columns, prefixed.
func (s *script) comment(prefix, text string) {
	const width = 100
	words := strings.Fields(clean(text))
	cur := "# " + prefix
	lead := "# " + strings.Repeat(" ", len([]rune(prefix)))
	empty := true
	for _, w := range words {
		if !empty && len([]rune(cur))+1+len([]rune(w)) > width {
			s.line(cur)
			cur, empty = lead, true
		}
		if empty {
			cur += w
			empty = false
		} else {
			cur += " " + w
		}
	}
	s.line(strings.TrimRight(cur, " "))
}

// clean replaces control characters (a newline would end the comment and
// start code) with spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// q single-quotes s for bash.
func q(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (s *script) header(p *Plan) {
	s.line("#!/usr/bin/env bash")
	s.comment("", fmt.Sprintf("netvet plan for %s (kernel %s), from %s%s.", orUnknown(p.Host, "an unknown host"), orUnknown(p.Kernel, "unknown"), p.Source, timeText(p)))
	s.line("#")
	s.line("# Read every block before running it. Each step reads the current value first and")
	s.line("# writes only when it differs, then reads it back: running the script twice changes")
	s.line("# nothing the second time. It stops at the first step that fails; the steps before")
	s.line("# it stay applied (`netvet apply` sets them back instead, and keeps a rollback file).")
	s.line("#")
	s.line("#   sudo bash plan.sh             change the settings now")
	s.line("#   sudo bash plan.sh --persist   and write the files that keep them across reboots")
	s.line("set -euo pipefail")
	s.line("")
}

// main parses the arguments, checks it runs as root on the planned host,
// and runs the changes (and the persist part).
func (s *script) main(p *Plan) {
	s.line("")
	s.line("main() {")
	s.line(`	local persist=0`)
	s.line(`	case "${1:-}" in`)
	s.line(`	"") ;;`)
	s.line(`	--persist) persist=1 ;;`)
	s.line(`	*) printf 'usage: %s [--persist]\n' "$0" >&2; exit 2 ;;`)
	s.line(`	esac`)
	s.line(`	[[ $EUID -eq 0 ]] || die "needs root: it writes /proc/sys, /sys/class/net, /proc/irq and ethtool settings"`)
	if p.Host != "" {
		s.linef(`	local plan_host=%s this_host`, q(p.Host))
		s.line(`	this_host=$(</proc/sys/kernel/hostname)`)
		s.line(`	if [[ $this_host != "$plan_host" && -z ${NETVET_ANY_HOST:-} ]]; then`)
		s.line(`		die "this plan was made for $plan_host, this host is $this_host (NETVET_ANY_HOST=1 runs it anyway)"`)
		s.line(`	fi`)
	}
	s.line(`	changes`)
	if hasIRQ(p) && (p.IRQBalance == nil || p.IRQBalance.Running) {
		s.line(`	if pgrep -x irqbalance >/dev/null 2>&1; then`)
		s.line(`		printf 'note    irqbalance is running and will undo the IRQ affinity set here (see the comment in the script)\n'`)
		s.line(`	fi`)
	}
	if len(p.Steps()) > 0 {
		s.line(`	if [[ $persist == 1 ]]; then persist_all; fi`)
	}
	s.line(`	printf 'netvet plan: %d changed, %d already set\n' "$changed" "$unchanged"`)
	s.line("}")
	s.line("")
	s.line(`main "$@"`)
}

func hasIRQ(p *Plan) bool {
	for _, st := range p.Steps() {
		if st.Change.Kind == analyze.ChangeIRQAffinity {
			return true
		}
	}
	return false
}

func orUnknown(s, unknown string) string {
	if s == "" {
		return unknown
	}
	return s
}

func timeText(p *Plan) string {
	if p.Time.IsZero() {
		return ""
	}
	return " at " + p.Time.UTC().Format("2006-01-02 15:04:05Z")
}

// block writes one recommendation: its comments, then its steps.
func (s *script) block(i int, b Block, total int, n *int) {
	title := fmt.Sprintf("--- %d. %s (%s) %s ", i+1, b.Finding, b.Severity, b.Subject)
	s.indent = "\t"
	defer func() { s.indent = "" }()
	s.line("")
	s.line("# " + clean(title) + strings.Repeat("-", max(3, 98-len([]rune(title)))))
	s.comment("", b.Summary)
	if len(b.Evidence) > 0 {
		s.line("# evidence:")
		for _, e := range b.Evidence {
			s.comment("  ", e.Metric+": "+evidenceText(e))
		}
	}
	if b.Advice != "" {
		s.comment("why:  ", b.Advice)
	}
	if b.Risk != "" {
		s.comment("risk: ", b.Risk)
	}
	for _, sk := range b.Skipped {
		s.comment("not done here: ", sk.Change.String()+": "+sk.Reason)
	}
	for _, c := range b.Changes {
		*n++
		s.linef("step %d %d %s", *n, total, q(c.String()))
		s.line(stepCode(c))
	}
}

// evidenceText is one evidence value: "68604 packets (12.3/s) [proc/net/softnet_stat]".
func evidenceText(e analyze.Evidence) string {
	var b strings.Builder
	if e.Text != "" {
		b.WriteString(e.Text)
	} else {
		b.WriteString(number(e.Value))
		if e.Unit != "" {
			b.WriteString(" " + e.Unit)
		}
	}
	if e.Rate != nil {
		b.WriteString(" (" + number(*e.Rate) + "/s)")
	}
	if e.Source != "" {
		b.WriteString(" [" + e.Source + "]")
	}
	return b.String()
}

// number prints a whole number in full ("1709448", as the kernel's files
// do) and a fraction with three significant digits.
func number(v float64) string {
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e18:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 1000:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// stepCode is the helper call that makes one change (helpers below).
func stepCode(c analyze.Change) string {
	switch c.Kind {
	case analyze.ChangeSysctl:
		return fmt.Sprintf("set_sysctl %s %s", q(c.Target), q(c.Value))
	case analyze.ChangeSysfs:
		kind := "mask"
		if strings.HasSuffix(c.Target, "rps_flow_cnt") {
			kind = "words"
		}
		return fmt.Sprintf("set_file %s %s %s", q("/sys/class/net/"+c.Device+"/"+c.Target), kind, q(c.Value))
	case analyze.ChangeTxQueueLen:
		return fmt.Sprintf("set_file %s words %s", q("/sys/class/net/"+c.Device+"/tx_queue_len"), q(c.Value))
	case analyze.ChangeIRQAffinity:
		return fmt.Sprintf("set_irq %d %s %s", c.IRQ, q(c.Vector), q(c.Value))
	case analyze.ChangeRing:
		return fmt.Sprintf("set_ring %s %s %s", q(c.Device), q(c.Target), q(c.Value))
	case analyze.ChangeChannels:
		return fmt.Sprintf("set_channels %s %s %s", q(c.Device), q(c.Target), q(c.Value))
	case analyze.ChangeFeature:
		return fmt.Sprintf("set_feature %s %s %s %s", q(c.Device), q(c.Target), q(featureLabel(c.Target)), q(c.Value))
	}
	return "die " + q("unknown change "+string(c.Kind))
}

// featureLabels are the names `ethtool -k` prints for features it also
// has a short flag for (ethtool.c off_flag_def); the rest it prints by the
// kernel's name.
var featureLabels = map[string]string{
	"rx-checksum":             "rx-checksumming",
	"tx-udp-fragmentation":    "udp-fragmentation-offload",
	"tx-generic-segmentation": "generic-segmentation-offload",
	"rx-gro":                  "generic-receive-offload",
	"rx-lro":                  "large-receive-offload",
	"rx-vlan-hw-parse":        "rx-vlan-offload",
	"tx-vlan-hw-insert":       "tx-vlan-offload",
	"rx-ntuple-filter":        "ntuple-filters",
	"rx-hashing":              "receive-hashing",
}

func featureLabel(kernel string) string {
	if l, ok := featureLabels[kernel]; ok {
		return l
	}
	return kernel
}

// irqbalance says whether irqbalance would undo the IRQ steps.
func (s *script) irqbalance(p *Plan) {
	var irqs []string
	for _, st := range p.Steps() {
		if st.Change.Kind == analyze.ChangeIRQAffinity {
			irqs = append(irqs, "--banirq="+strconv.Itoa(st.Change.IRQ))
		}
	}
	if len(irqs) == 0 {
		return
	}
	s.line("")
	ban := "IRQBALANCE_ARGS=\"" + strings.Join(irqs, " ") + "\" in /etc/default/irqbalance (or /etc/sysconfig/irqbalance)"
	switch ib := p.IRQBalance; {
	case ib == nil:
		s.comment("irqbalance: ", "not known whether it runs. If it does, it rewrites IRQ affinity every 10 s and undoes the IRQ steps above: stop it (systemctl disable --now irqbalance) or ban these IRQs with "+ban+".")
	case ib.Running:
		s.comment("irqbalance: ", fmt.Sprintf("running (pid %d): it rewrites IRQ affinity every 10 s and will undo the IRQ steps above. Stop it (systemctl disable --now irqbalance) or ban these IRQs with %s.", ib.PID, ban))
	default:
		s.comment("irqbalance: ", "not running, so nothing moves the IRQs back.")
	}
}

// manual lists the recommendations that are for a person.
func (s *script) manual(p *Plan) {
	first := true
	for i, b := range p.Blocks {
		if !b.Manual() {
			continue
		}
		if first {
			s.line("")
			s.line("# --- Not automated: read, and run by hand what applies " + strings.Repeat("-", 44))
			first = false
		}
		s.line("#")
		s.comment(fmt.Sprintf("%d. ", i+1), fmt.Sprintf("%s (%s) %s: %s", b.Finding, b.Severity, b.Subject, b.Summary))
		if b.Advice != "" {
			s.comment("   why:  ", b.Advice)
		}
		for _, c := range b.Commands {
			s.line("#     " + clean(c))
		}
		if b.Risk != "" {
			s.comment("   risk: ", b.Risk)
		}
	}
}
