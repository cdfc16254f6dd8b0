package export

import (
	"strconv"
	"strings"

	"github.com/netvet/netvet/collect"
)

var (
	famNetstat = counterFamily("netvet_netstat_total",
		"TCP, UDP and TcpExt counters (proc/net/snmp and proc/net/netstat), keyed Group.Name: Tcp.RetransSegs, TcpExt.ListenOverflows.", "key")
	famSockstat    = gaugeFamily("netvet_sockstat", "Socket counts and memory (proc/net/sockstat and sockstat6), keyed Protocol.field: TCP.tw, TCP.mem (pages).", "key")
	famListenQueue = gaugeFamily("netvet_listener_queue", "Connections waiting in a listening TCP socket's accept queue (inet_diag); for SO_REUSEPORT groups, the fullest socket's.", "local")
	famListenLimit = gaugeFamily("netvet_listener_queue_limit", "The accept queue's limit, min(listen() backlog, net.core.somaxconn); the kernel drops new connections once the queue exceeds it.", "local")
	famListenSocks = gaugeFamily("netvet_listener_sockets", "Listening TCP sockets bound to the address (more than one with SO_REUSEPORT).", "local")
	famSysctl      = gaugeFamily("netvet_sysctl", "Integer sysctls the analyzer reads (proc/sys); multi-value and mask sysctls are left out.", "name")
)

// netstatKeys are the proc/net/netstat and proc/net/snmp counters exported:
// every one the analyzer reads, and the usual companions an operator looks
// at next to them. netstat alone has ~150 TcpExt keys; these are the ones
// about lost or refused work. Keep sorted by group.
var netstatKeys = []string{
	// proc/net/snmp
	"Tcp.ActiveOpens", "Tcp.AttemptFails", "Tcp.EstabResets", "Tcp.InCsumErrors", "Tcp.InErrs",
	"Tcp.InSegs", "Tcp.OutRsts", "Tcp.OutSegs", "Tcp.PassiveOpens", "Tcp.RetransSegs",
	"Udp.InCsumErrors", "Udp.InDatagrams", "Udp.InErrors", "Udp.NoPorts", "Udp.OutDatagrams",
	"Udp.RcvbufErrors", "Udp.SndbufErrors",
	// proc/net/netstat
	"TcpExt.ListenDrops", "TcpExt.ListenOverflows", "TcpExt.OfoPruned", "TcpExt.PruneCalled",
	"TcpExt.RcvPruned", "TcpExt.SyncookiesFailed", "TcpExt.SyncookiesRecv", "TcpExt.SyncookiesSent",
	"TcpExt.TCPAbortOnMemory", "TcpExt.TCPBacklogDrop", "TcpExt.TCPMemoryPressures",
	"TcpExt.TCPRcvQDrop", "TcpExt.TCPReqQFullDoCookies", "TcpExt.TCPReqQFullDrop", "TcpExt.TCPTimeouts",
}

func emitNetstat(s sink, snap *collect.Snapshot) {
	for _, key := range netstatKeys {
		c := snap.Netstat
		if strings.HasPrefix(key, "Tcp.") || strings.HasPrefix(key, "Udp.") {
			c = snap.SNMP
		}
		if v, ok := c.Get(key); ok {
			s.counter(famNetstat, v, key)
		}
	}
	if c := snap.Sockstat; c != nil {
		for _, k := range sortedKeys(c.Values) {
			s.add(famSockstat, float64(c.Values[k]), k)
		}
		for _, k := range sortedKeys(c.Signed) {
			s.add(famSockstat, float64(c.Signed[k]), k)
		}
	}
}

// emitListeners exports one series per local address. Sockets of an
// SO_REUSEPORT group share the address; the one closest to its limit
// stands for the group, so "queue ≥ limit" holds when any of them is
// full, which is what tcp.listen_queue_full looks for.
func emitListeners(s sink, snap *collect.Snapshot) {
	type group struct {
		worst collect.Listener
		n     int
	}
	groups := map[string]*group{}
	fuller := func(a, b collect.Listener) bool { // a's fill above b's: a.Queue/a.Limit > b.Queue/b.Limit
		return uint64(a.Queue)*uint64(max(b.Limit, 1)) > uint64(b.Queue)*uint64(max(a.Limit, 1))
	}
	for _, l := range snap.Listeners {
		g := groups[l.Local]
		if g == nil {
			groups[l.Local] = &group{worst: l, n: 1}
			continue
		}
		g.n++
		if fuller(l, g.worst) {
			g.worst = l
		}
	}
	for _, local := range sortedKeys(groups) {
		g := groups[local]
		s.add(famListenQueue, float64(g.worst.Queue), local)
		s.add(famListenLimit, float64(g.worst.Limit), local)
		s.add(famListenSocks, float64(g.n), local)
	}
}

// maskSysctls print a CPU mask, whose digits read as a decimal number
// would lie.
var maskSysctls = map[string]bool{"net.core.flow_limit_cpu_bitmap": true}

func emitSysctls(s sink, snap *collect.Snapshot) {
	if snap.Config == nil {
		return
	}
	for _, name := range sortedKeys(snap.Config.Sysctls) {
		if maskSysctls[name] {
			continue
		}
		v, err := strconv.ParseInt(snap.Config.Sysctls[name], 10, 64)
		if err != nil {
			continue // several values ("4096 131072 6291456") or a name ("cubic")
		}
		s.add(famSysctl, float64(v), name)
	}
}
