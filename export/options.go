package export

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

// IRQScope says which lines of proc/interrupts become netvet_interrupts_total.
type IRQScope string

const (
	// IRQNIC exports NIC queue vectors only (the lines the collector tied to
	// an interface and a queue number): what RSS and IRQ affinity are about,
	// a few per queue instead of a thousand lines on a big host.
	IRQNIC IRQScope = "nic"
	// IRQAll exports every line, summary rows (LOC, NMI, …) included.
	IRQAll IRQScope = "all"
	// IRQNone exports no interrupt counts.
	IRQNone IRQScope = "none"
)

// ParseIRQScope reads "nic", "all" or "none".
func ParseIRQScope(s string) (IRQScope, error) {
	switch v := IRQScope(strings.ToLower(strings.TrimSpace(s))); v {
	case IRQNIC, IRQAll, IRQNone:
		return v, nil
	}
	return "", fmt.Errorf("interrupt scope %q: want nic, all or none", s)
}

// Options shape the exported series.
type Options struct {
	// FoldCPUs sums per-CPU series (softnet, NET_RX/NET_TX softirqs,
	// interrupts) over the CPUs and drops the cpu label: on a 256-CPU host
	// that divides those series by 256. The sums are kept monotonic across
	// the kernel's 32-bit wraps (see fold.go), so rate() stays right.
	FoldCPUs bool
	// Interrupts is the proc/interrupts scope; "" means IRQNIC.
	Interrupts IRQScope
	// EthtoolStats selects the ethtool -S statistics exported as
	// netvet_ethtool_stat_total; nil means DefaultEthtoolStats.
	EthtoolStats *regexp.Regexp
	// Version is netvet's version for netvet_build_info.
	Version string
	// ScrapeTimeout bounds one read of the live host (0: DefaultScrapeTimeout).
	ScrapeTimeout time.Duration
	// ConfigEvery is how often scrapes re-read the configuration (IRQ
	// affinity, queues, sysctls, addresses); 0: collect.DefaultConfigEvery.
	ConfigEvery time.Duration
}

// DefaultScrapeTimeout bounds one read of the host for a scrape; a read
// takes milliseconds, so this only stops a hung ioctl or netlink dump from
// holding every scraper.
const DefaultScrapeTimeout = 10 * time.Second

func (o Options) scrapeTimeout() time.Duration {
	if o.ScrapeTimeout <= 0 {
		return DefaultScrapeTimeout
	}
	return o.ScrapeTimeout
}

func (o Options) configEvery() time.Duration {
	if o.ConfigEvery <= 0 {
		return collect.DefaultConfigEvery
	}
	return o.ConfigEvery
}

func (o Options) irqScope() IRQScope {
	if o.Interrupts == "" {
		return IRQNIC
	}
	return o.Interrupts
}

func (o Options) ethtoolStats() *regexp.Regexp {
	if o.EthtoolStats == nil {
		return DefaultEthtoolStats()
	}
	return o.EthtoolStats
}

// DefaultEthtoolStats matches the driver statistics the analyzer reads
// (ring overruns, damaged frames, transmit drops, received packets): a NIC
// with 64 queues has over a thousand -S counters, and these few are the
// ones the alerting rules need.
func DefaultEthtoolStats() *regexp.Regexp {
	g := analyze.Gates()
	names := map[string]bool{"rx_packets": true}
	add := func(cs []analyze.CounterSource) {
		for _, c := range cs {
			if c.Ethtool {
				names[c.Name] = true
			}
		}
	}
	add(g.RingOverrunSources)
	add(g.TxDropSources)
	for _, k := range g.RxErrorKinds {
		add(k)
	}
	return regexp.MustCompile("^(?:" + alternation(names) + ")$")
}

// alternation is the sorted names, quoted for a regular expression and
// joined by "|".
func alternation(names map[string]bool) string {
	var qs []string
	for _, n := range sortedKeys(names) {
		qs = append(qs, regexp.QuoteMeta(n))
	}
	return strings.Join(qs, "|")
}
