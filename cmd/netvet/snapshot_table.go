package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

// snapshotTable prints a Snapshot for people: one table per area, absent
// areas left out (the collectors table says why).
func snapshotTable(w io.Writer, s *collect.Snapshot, source string) error {
	h := s.Host
	fmt.Fprintf(w, "host %s  kernel %s  cpus %d  uptime %s\nsource %s  time %s\n",
		orDash(h.Hostname), orDash(h.Kernel), h.CPUs, uptime(h.Uptime), source, timeText(s.Time))
	sections := []func(io.Writer, *collect.Snapshot) error{
		collectorsTable, softnetTable, interfacesTable, queueIRQTable, bondsTable,
		listenersTable, remotesTable, countersTable, sysctlsTable,
	}
	for _, f := range sections {
		if err := f(w, s); err != nil {
			return err
		}
	}
	return nil
}

func collectorsTable(w io.Writer, s *collect.Snapshot) error {
	var rows [][]string
	for _, st := range s.Status {
		state := string(st.State)
		if st.Carried {
			state += " (carried)"
		}
		rows = append(rows, []string{st.Name, state, fmt.Sprintf("%.2f", float64(st.Duration.Microseconds())/1000), st.Err})
	}
	return writeTable(w, "Collectors", []string{"collector", "state", "ms", "detail"}, rows)
}

func softnetTable(w io.Writer, s *collect.Snapshot) error {
	var rows [][]string
	for _, r := range s.Softnet {
		opt := func(ok bool, v uint64) string {
			if !ok {
				return "-"
			}
			return strconv.FormatUint(v, 10)
		}
		rows = append(rows, []string{strconv.Itoa(r.CPU), strconv.FormatUint(r.Processed, 10), strconv.FormatUint(r.Dropped, 10),
			strconv.FormatUint(r.TimeSqueeze, 10), opt(r.HasRPS(), r.ReceivedRPS), opt(r.HasFlowLimit(), r.FlowLimitCount)})
	}
	return writeTable(w, "Softnet per CPU (proc/net/softnet_stat, since boot)", []string{"cpu", "processed", "dropped", "squeezed", "rps ipi", "flow limit"}, rows)
}

func interfacesTable(w io.Writer, s *collect.Snapshot) error {
	names := map[string]bool{}
	for n := range s.Links {
		names[n] = true
	}
	for n := range s.Ethtool {
		names[n] = true
	}
	if s.Config != nil {
		for n := range s.Config.NICs {
			names[n] = true
		}
	}
	var rows [][]string
	for _, n := range sortedNames(names) {
		var kind, driver, mtu, queues, rps, numa, state, speed, rx, drop, ring, ch string
		if s.Config != nil {
			if nic := s.Config.NICs[n]; nic != nil {
				kind, driver = nic.Kind, nic.Driver
				mtu = intOrDash(nic.MTU)
				queues = fmt.Sprintf("%d/%d", len(nic.Rx), len(nic.Tx))
				numa = intOrDash(nic.NUMANode)
				var on []string
				for _, q := range nic.Rx {
					if !q.RPSCPUs.IsEmpty() {
						on = append(on, fmt.Sprintf("rx-%d:%s", q.Index, q.RPSCPUs.List()))
					}
				}
				rps = strings.Join(on, " ")
			}
		}
		if l := s.Links[n]; l != nil {
			state, speed = l.Operstate, intOrDash(l.Speed)
			if v, ok := l.Stats["rx_packets"]; ok {
				rx = strconv.FormatUint(v, 10)
			}
			if v, ok := l.Stats["rx_dropped"]; ok {
				drop = strconv.FormatUint(v, 10)
			}
		}
		if e := s.Ethtool[n]; e != nil {
			if driver == "" {
				driver = e.Driver
			}
			if e.Rings != nil {
				ring = fmt.Sprintf("%d/%d", e.Rings.RX, e.Rings.RXMax)
			}
			if c := e.Channels; c != nil {
				ch = fmt.Sprintf("%d/%d", c.Combined+c.RX, max(c.CombinedMax, c.RXMax))
			}
		}
		rows = append(rows, []string{n, kind, driver, state, speed, mtu, queues, numa, ring, ch, rps, rx, drop})
	}
	return writeTable(w, "Interfaces", []string{"if", "kind", "driver", "state", "Mb/s", "mtu", "rx/tx q", "numa", "rx ring", "channels", "rps", "rx packets", "rx dropped"}, rows)
}

func queueIRQTable(w io.Writer, s *collect.Snapshot) error {
	if s.Interrupts == nil {
		return nil
	}
	irqs := collect.NICIRQs(s)
	var rows [][]string
	for _, n := range sortedNames(keysOf(irqs)) {
		for _, q := range irqs[n] {
			line := s.Interrupts.Lines[q.Line]
			var total uint64
			for _, v := range s.Interrupts.Row(q.Line) {
				total += v
			}
			aff := "-"
			if s.Config != nil {
				if a, ok := s.Config.IRQs[q.IRQ]; ok {
					aff = a.Affinity.List()
				}
			}
			rows = append(rows, []string{n, strconv.Itoa(q.IRQ), line.Device, strconv.Itoa(q.Queue), q.Kind, aff, strconv.FormatUint(total, 10)})
		}
	}
	return writeTable(w, "NIC queue interrupts (proc/interrupts, since boot)", []string{"if", "irq", "vector", "queue", "kind", "affinity", "interrupts"}, rows)
}

func bondsTable(w io.Writer, s *collect.Snapshot) error {
	var rows [][]string
	for _, n := range sortedNames(keysOf(s.Bonds)) {
		b := s.Bonds[n]
		if len(b.Slaves) == 0 {
			rows = append(rows, []string{n, b.Mode, b.MIIStatus, "(none)", "", "", "", ""})
		}
		for _, sl := range b.Slaves {
			agg := "-"
			if sl.AggregatorID >= 0 {
				agg = strconv.Itoa(sl.AggregatorID)
			}
			fails := "-"
			if sl.HasLinkFailures {
				fails = strconv.FormatUint(sl.LinkFailures, 10)
			}
			active := ""
			if sl.Name == b.CurrentActive {
				active = "active"
			}
			rows = append(rows, []string{n, b.Mode, b.MIIStatus, sl.Name, sl.MIIStatus + " " + active, intOrDash(sl.Speed), fails, agg})
		}
	}
	return writeTable(w, "Bonds", []string{"bond", "mode", "mii", "slave", "slave mii", "Mb/s", "link failures", "aggregator"}, rows)
}

func listenersTable(w io.Writer, s *collect.Snapshot) error {
	var rows [][]string
	for _, l := range s.Listeners {
		rows = append(rows, []string{l.Local, strconv.FormatUint(uint64(l.Queue), 10), strconv.FormatUint(uint64(l.Limit), 10)})
	}
	return writeTable(w, "TCP listeners (accept queue)", []string{"local", "queue", "limit"}, rows)
}

func remotesTable(w io.Writer, s *collect.Snapshot) error {
	rs := slices.Clone(s.TCPRemotes)
	sort.SliceStable(rs, func(i, j int) bool {
		return rs[i].Established+rs[i].TimeWait+rs[i].Other > rs[j].Established+rs[j].TimeWait+rs[j].Other
	})
	var rows [][]string
	for i, r := range rs {
		if i == 10 {
			break
		}
		rows = append(rows, []string{r.Remote, strconv.Itoa(r.Established), strconv.Itoa(r.TimeWait), strconv.Itoa(r.Other)})
	}
	return writeTable(w, "TCP connections by remote (top 10)", []string{"remote", "established", "time_wait", "other"}, rows)
}

func countersTable(w io.Writer, s *collect.Snapshot) error {
	keys := []struct {
		c   *collect.Counters
		key string
	}{
		{s.Netstat, "TcpExt.ListenOverflows"}, {s.Netstat, "TcpExt.ListenDrops"}, {s.Netstat, "TcpExt.TCPReqQFullDrop"},
		{s.Netstat, "TcpExt.SyncookiesSent"}, {s.Netstat, "TcpExt.TCPReqQFullDoCookies"}, {s.Netstat, "TcpExt.PruneCalled"},
		{s.Netstat, "TcpExt.RcvPruned"}, {s.Netstat, "TcpExt.TCPRcvQDrop"}, {s.Netstat, "TcpExt.TCPMemoryPressures"},
		{s.SNMP, "Tcp.OutSegs"}, {s.SNMP, "Tcp.RetransSegs"}, {s.SNMP, "Udp.InDatagrams"}, {s.SNMP, "Udp.RcvbufErrors"},
	}
	var rows [][]string
	for _, k := range keys {
		if v, ok := k.c.Get(k.key); ok {
			rows = append(rows, []string{k.key, strconv.FormatUint(v, 10)})
		}
	}
	return writeTable(w, "Kernel counters the findings read (since boot)", []string{"counter", "value"}, rows)
}

func sysctlsTable(w io.Writer, s *collect.Snapshot) error {
	if s.Config == nil {
		return nil
	}
	var rows [][]string
	for _, n := range sortedNames(keysOf(s.Config.Sysctls)) {
		rows = append(rows, []string{n, strings.ReplaceAll(s.Config.Sysctls[n], "\t", " ")})
	}
	return writeTable(w, "Sysctls", []string{"sysctl", "value"}, rows)
}

func keysOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// sortedNames orders names naturally: eth2 before eth10.
func sortedNames(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, analyze.NaturalCompare)
	return out
}

func intOrDash(v int) string {
	if v < 0 {
		return "-"
	}
	return strconv.Itoa(v)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func uptime(secs float64) string {
	if secs <= 0 {
		return "-"
	}
	return (time.Duration(secs) * time.Second).String()
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
