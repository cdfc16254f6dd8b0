package analyze

import (
	"fmt"
	"strconv"
)

const (
	// TCPReqQFullDrop: a SYN dropped because the SYN queue was full and
	// syncookies could not be used (tcp_conn_request in
	// https://github.com/torvalds/linux/blob/master/net/ipv4/tcp_input.c).
	synDropsNow  = 3
	synDropsBoot = 100
)

func (a *analysis) tcpSynQueueDrops() []Finding {
	d, ok := a.w.NetstatDelta("TcpExt.TCPReqQFullDrop")
	if !ok || d.Inc == 0 {
		return nil
	}
	f := Finding{
		ID:       "tcp.syn_queue_drops",
		Severity: lossSeverity(d, synDropsNow, synDropsBoot),
		Subject:  "host",
		Summary:  fmt.Sprintf("The host dropped %s SYNs %s because a SYN queue was full and no SYN cookie was sent", ratePhrase(d), windowPhrase(d)),
		Evidence: []Evidence{evDelta("TcpExt.TCPReqQFullDrop", d, "SYNs", netstatSource)},
	}
	var sets []setting
	var why []string
	if v, ok := a.sysctlInt("net.ipv4.tcp_syncookies"); ok {
		f.Evidence = append(f.Evidence, evValue("net.ipv4.tcp_syncookies", float64(v), "", "proc/sys/net/ipv4/tcp_syncookies"))
		if v == 0 {
			sets = append(sets, setting{"net.ipv4.tcp_syncookies", "1"})
			why = append(why, "turn SYN cookies on (with cookies a full SYN queue answers instead of dropping)")
		}
	}
	if v, ok := a.sysctlInt("net.ipv4.tcp_max_syn_backlog"); ok {
		f.Evidence = append(f.Evidence, evValue("net.ipv4.tcp_max_syn_backlog", float64(v), "requests", "proc/sys/net/ipv4/tcp_max_syn_backlog"))
		next := doubled(v, 4096)
		sets = append(sets, setting{"net.ipv4.tcp_max_syn_backlog", strconv.FormatInt(next, 10)})
		why = append(why, fmt.Sprintf("let the SYN queue hold %d half-open connections instead of %d", next, v))
	}
	if len(sets) > 0 {
		f.Recommendations = append(f.Recommendations, sysctlRec(
			capitalize(joinAnd(why))+". A listener's SYN queue is also bounded by its accept-queue limit (min(listen() backlog, somaxconn)), so raise those too if they are small.",
			"a larger SYN queue holds more memory per listener during a SYN flood; cookies drop TCP options (window scaling without timestamps) for the connections that get one",
			sets...))
	}
	return []Finding{f}
}

func (a *analysis) tcpSyncookiesOff() []Finding {
	v, ok := a.sysctlInt("net.ipv4.tcp_syncookies")
	if !ok || v != 0 {
		return nil
	}
	return []Finding{{
		ID:       "tcp.syncookies_off",
		Severity: Warning,
		Subject:  "host",
		Summary:  "SYN cookies are off (net.ipv4.tcp_syncookies = 0): when a SYN queue fills, by a flood or a burst, new connections are dropped instead of answered",
		Evidence: []Evidence{evValue("net.ipv4.tcp_syncookies", 0, "", "proc/sys/net/ipv4/tcp_syncookies")},
		Recommendations: []Recommendation{sysctlRec(
			"Turn SYN cookies on in their default mode: the kernel only sends them when a SYN queue is full, so normal connections are untouched.",
			"connections that get a cookie lose TCP options the cookie cannot encode (window scaling and SACK without timestamps)",
			setting{"net.ipv4.tcp_syncookies", "1"})},
	}}
}

func (a *analysis) tcpSyncookiesSent() []Finding {
	sent, ok1 := a.w.NetstatDelta("TcpExt.SyncookiesSent")
	doc, ok2 := a.w.NetstatDelta("TcpExt.TCPReqQFullDoCookies")
	if !ok1 && !ok2 {
		return nil
	}
	d := sent
	name := "TcpExt.SyncookiesSent"
	if doc.Inc > d.Inc || !ok1 {
		d, name = doc, "TcpExt.TCPReqQFullDoCookies"
	}
	if d.Inc == 0 {
		return nil
	}
	sev := Warning
	if d.SinceBoot {
		sev = Info
	}
	f := Finding{
		ID:       "tcp.syncookies_sent",
		Severity: sev,
		Subject:  "host",
		Summary:  fmt.Sprintf("The host answered %s SYNs with SYN cookies %s: a SYN queue was full (a SYN flood, or a backlog too small for the connection rate)", ratePhrase(d), windowPhrase(d)),
		Evidence: []Evidence{evDelta(name, d, "SYNs", netstatSource)},
		Recommendations: []Recommendation{{
			Summary:  "Find the listener: `ss -ltn` shows Recv-Q (queue) against Send-Q (limit). If the SYNs are legitimate, raise its listen() backlog, net.core.somaxconn and net.ipv4.tcp_max_syn_backlog; if they are a flood, cookies are doing their job.",
			Commands: []string{"ss -ltn", "nstat -az TcpExtSyncookiesSent TcpExtTCPReqQFullDoCookies TcpExtListenOverflows"},
		}},
	}
	if name == "TcpExt.SyncookiesSent" && ok2 {
		f.Evidence = append(f.Evidence, evDelta("TcpExt.TCPReqQFullDoCookies", doc, "SYNs", netstatSource))
	}
	return []Finding{f}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-32*btoi(s[0] >= 'a' && s[0] <= 'z')) + s[1:]
}

func btoi(b bool) byte {
	if b {
		return 1
	}
	return 0
}
