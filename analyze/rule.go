package analyze

import "strings"

// rule is one family's check: the IDs it may emit and the function. Rules
// are pure: they read the analysis and return findings.
type rule struct {
	ids []string
	run func(a *analysis) []Finding
}

// rules is the whole rule set, one entry per family file.
var rules = []rule{
	{ids: []string{"irq.concentrated", "irq.queues_share_cpu", "irq.numa_remote"}, run: irqRules},
	{ids: []string{"rss.queue_skew", "rss.few_queues"}, run: rssRules},
	{ids: []string{"rps.recommended", "rfs.recommended", "rfs.accelerated", "xps.recommended"}, run: steeringRules},
	{ids: []string{"softnet.drops", "softnet.squeeze", "softnet.cpu_skew", "softnet.flow_limit"}, run: softnetRules},
	{ids: []string{"nic.rx_ring_overrun", "nic.ring_small", "nic.rx_errors", "nic.tx_drops", "nic.link_down", "nic.offload_off"}, run: nicRules},
	{ids: []string{"tcp.listen_overflow", "tcp.listen_queue_full", "tcp.syn_queue_drops", "tcp.syncookies_off",
		"tcp.syncookies_sent", "tcp.rcv_pruned", "tcp.buffer_limit", "tcp.autotuning_off", "tcp.ephemeral_ports", "tcp.retransmits"}, run: tcpRules},
	{ids: []string{"udp.rcvbuf_errors"}, run: udpRules},
	{ids: []string{"bond.slave_down", "bond.link_failures", "bond.speed_mismatch", "bond.no_slaves",
		"bond.lacp_no_partner", "bond.lacp_split", "bond.lacp_no_aggregator"}, run: bondRules},
}

// needs lists, per finding ID, the collectors its rule cannot look without
// (Result.Blind names the IDs an unavailable collector hides). Every group
// needs one collector that delivered; a group of several names
// alternatives (per-queue packets from ethtool, else queue interrupts).
// Collectors that only refine a finding are left out: without the
// topology the ladder uses every online CPU, without irqbalance its note
// says "if irqbalance runs", and the rule still looks.
var needs = map[string][][]string{
	"irq.concentrated":        {{"interrupts"}},
	"irq.queues_share_cpu":    {{"interrupts"}},
	"irq.numa_remote":         {{"interrupts"}, {"irq_affinity"}, {"nics"}, {"topology"}},
	"rss.queue_skew":          {{"ethtool", "interrupts"}},
	"rss.few_queues":          {{"ethtool"}, {"interrupts", "links", "ethtool"}},
	"rps.recommended":         {{"nics", "interrupts"}},
	"rfs.recommended":         {{"nics"}},
	"rfs.accelerated":         {{"nics"}, {"sysctls"}, {"ethtool"}},
	"xps.recommended":         {{"nics"}, {"irq_affinity"}, {"interrupts"}},
	"softnet.drops":           {{"softnet"}},
	"softnet.squeeze":         {{"softnet"}},
	"softnet.cpu_skew":        {{"softnet"}},
	"softnet.flow_limit":      {{"softnet"}},
	"nic.rx_ring_overrun":     {{"links", "ethtool"}},
	"nic.ring_small":          {{"ethtool"}},
	"nic.rx_errors":           {{"links", "ethtool"}},
	"nic.tx_drops":            {{"links", "ethtool"}},
	"nic.link_down":           {{"links"}, {"addrs"}},
	"nic.offload_off":         {{"ethtool"}},
	"tcp.listen_overflow":     {{"netstat"}},
	"tcp.listen_queue_full":   {{"listeners"}},
	"tcp.syn_queue_drops":     {{"netstat"}},
	"tcp.syncookies_off":      {{"sysctls"}},
	"tcp.syncookies_sent":     {{"netstat"}},
	"tcp.rcv_pruned":          {{"netstat"}},
	"tcp.buffer_limit":        {{"sysctls"}},
	"tcp.autotuning_off":      {{"sysctls"}},
	"tcp.ephemeral_ports":     {{"sysctls"}, {"tcp_remotes"}},
	"tcp.retransmits":         {{"snmp"}},
	"udp.rcvbuf_errors":       {{"snmp"}},
	"bond.slave_down":         {{"bonding"}},
	"bond.link_failures":      {{"bonding"}},
	"bond.speed_mismatch":     {{"bonding"}},
	"bond.no_slaves":          {{"bonding"}},
	"bond.lacp_no_partner":    {{"bonding"}},
	"bond.lacp_split":         {{"bonding"}},
	"bond.lacp_no_aggregator": {{"bonding"}},
}

// CatalogEntry describes one finding ID: for `netvet check --list`, the docs, and
// the alerting rules generator.
type CatalogEntry struct {
	ID     string `json:"id"`
	Family string `json:"family"`
	When   string `json:"when"` // the condition, in one line
}

// Catalog lists every finding ID the rules may emit, in rule order.
func Catalog() []CatalogEntry {
	var out []CatalogEntry
	for _, r := range rules {
		for _, id := range r.ids {
			fam, _, _ := strings.Cut(id, ".")
			out = append(out, CatalogEntry{ID: id, Family: fam, When: when[id]})
		}
	}
	return out
}

// when is the catalog's condition text (../shared/FINDINGS.md), kept here
// so the binary can print it.
var when = map[string]string{
	"irq.concentrated":        "one CPU takes ≥ 60% of a NIC's queue interrupts while ≥ 2 CPUs could serve",
	"irq.queues_share_cpu":    "≥ 2 queues of one NIC on one CPU while NUMA-local CPUs serve no queue",
	"irq.numa_remote":         "a queue IRQ's affinity lies on another NUMA node than the NIC",
	"rss.queue_skew":          "one RX queue carries ≥ 50% (≥ 4 queues; ≥ 90% with 2–3) of a NIC's interrupts or packets",
	"rss.few_queues":          "fewer active channels than min(max channels, NUMA-local cores) with significant traffic",
	"rps.recommended":         "fewer RX queues than local physical cores, significant traffic, rps_cpus 0 (not on bonds or VLANs)",
	"rfs.recommended":         "RPS is on but rps_sock_flow_entries or rps_flow_cnt is 0",
	"rfs.accelerated":         "RFS on, several RX queues, ntuple filters supported but off",
	"xps.recommended":         "several TX queues with xps_cpus 0 while queue IRQs are pinned",
	"softnet.drops":           "softnet backlog drops (netdev_max_backlog) rise",
	"softnet.squeeze":         "time_squeeze per processed packet above the gate, persisting",
	"softnet.cpu_skew":        "one CPU processes ≥ 70% of the host's packets while ≥ 2 CPUs exist",
	"softnet.flow_limit":      "flow_limit_count rises",
	"nic.rx_ring_overrun":     "RX ring overruns (missed/fifo/over errors, driver no-buffer counters) rise",
	"nic.ring_small":          "RX ring < 25% of its maximum on a NIC with traffic",
	"nic.rx_errors":           "CRC, frame or length errors rise",
	"nic.tx_drops":            "tx_dropped rises",
	"nic.link_down":           "operstate down on an interface with an address or a bond master",
	"nic.offload_off":         "GRO, GSO or TSO off on a physical NIC",
	"tcp.listen_overflow":     "ListenOverflows or ListenDrops rise",
	"tcp.listen_queue_full":   "a listener's accept queue is at its limit",
	"tcp.syn_queue_drops":     "TCPReqQFullDrop rises",
	"tcp.syncookies_off":      "net.ipv4.tcp_syncookies is 0",
	"tcp.syncookies_sent":     "SyncookiesSent or TCPReqQFullDoCookies rise",
	"tcp.rcv_pruned":          "PruneCalled, RcvPruned, TCPRcvQDrop or TCPMemoryPressures rise",
	"tcp.buffer_limit":        "tcp_rmem/tcp_wmem max below the bandwidth-delay product, or rmem_max/wmem_max below tcp_rmem/tcp_wmem max",
	"tcp.autotuning_off":      "net.ipv4.tcp_moderate_rcvbuf is 0",
	"tcp.ephemeral_ports":     "connections toward one destination use ≥ 70% of ip_local_port_range",
	"tcp.retransmits":         "RetransSegs / OutSegs ≥ 1% with enough segments",
	"udp.rcvbuf_errors":       "Udp RcvbufErrors rise",
	"bond.slave_down":         "a bond slave's MII status is down",
	"bond.link_failures":      "a slave's link failure count rises, or is high since boot",
	"bond.speed_mismatch":     "slaves at different speeds, or the active slave slower than a standby",
	"bond.no_slaves":          "a bond with no slaves",
	"bond.lacp_no_partner":    "an 802.3ad slave whose partner MAC is all zeros",
	"bond.lacp_split":         "802.3ad slaves in different aggregators: the active one has fewer ports than up slaves",
	"bond.lacp_no_aggregator": "an 802.3ad bond with no active aggregator (it passes no traffic)",
}
