package analyze

import (
	"fmt"
	"strconv"
)

// A connection toward one destination ip:port needs its own local port
// (from ip_local_port_range) per local address; TIME_WAIT holds a port for
// 60 s after close. At 70% of the range, connect() starts failing with
// EADDRNOTAVAIL on a burst (and gets slow before: the port search in
// __inet_hash_connect walks a fuller table).
const ephemeralShare = 0.70

func (a *analysis) tcpEphemeralPorts() []Finding {
	pr, ok := a.sysctlInts("net.ipv4.ip_local_port_range")
	if !ok || len(pr) != 2 || pr[1] < pr[0] || a.last == nil {
		return nil
	}
	size := pr[1] - pr[0] + 1
	var out []Finding
	for _, r := range a.last.TCPRemotes {
		n := int64(r.Established + r.TimeWait + r.Other)
		share := float64(n) / float64(size)
		if share < ephemeralShare {
			continue
		}
		f := Finding{
			ID:       "tcp.ephemeral_ports",
			Severity: Warning,
			Subject:  r.Remote,
			Summary: fmt.Sprintf("%d connections toward %s (%d established, %d in TIME_WAIT) use %s of the %d local ports in ip_local_port_range: new connections to it will fail with EADDRNOTAVAIL",
				n, r.Remote, r.Established, r.TimeWait, pct(share), size),
			Evidence: []Evidence{
				evValue("connections toward "+r.Remote, float64(n), "sockets", "netvet/tcp_remotes.json"),
				evValue("of them in TIME_WAIT", float64(r.TimeWait), "sockets", "netvet/tcp_remotes.json"),
				evText("net.ipv4.ip_local_port_range", fmt.Sprintf("%d %d", pr[0], pr[1]), "proc/sys/net/ipv4/ip_local_port_range"),
				evValue("share of the port range", share*100, "%", ""),
			},
		}
		lo, hi := min(pr[0], 1024), max(pr[1], 65535)
		if lo != pr[0] || hi != pr[1] {
			f.Recommendations = append(f.Recommendations, sysctlRec(
				fmt.Sprintf("Widen the range from %d ports to %d; reserve the ports your own services listen on inside it with net.ipv4.ip_local_reserved_ports so outgoing connections never take them.", size, hi-lo+1),
				"a service that binds a port inside the range after boot can find it taken by an outgoing connection, unless it is reserved",
				setting{"net.ipv4.ip_local_port_range", fmt.Sprintf("%d %d", lo, hi)}))
		}
		if tw, ok := a.sysctlInt("net.ipv4.tcp_tw_reuse"); ok && tw != 1 && r.TimeWait > 0 {
			f.Evidence = append(f.Evidence, evValue("net.ipv4.tcp_tw_reuse", float64(tw), "", "proc/sys/net/ipv4/tcp_tw_reuse"))
			f.Recommendations = append(f.Recommendations, sysctlRec(
				"Let outgoing connections reuse ports in TIME_WAIT when TCP timestamps prove the new connection is newer (tcp_tw_reuse = 1; the default 2 does it only for loopback). Needs net.ipv4.tcp_timestamps = 1.",
				"safe with timestamps (RFC 7323 PAWS); useless if the peer disables timestamps",
				setting{"net.ipv4.tcp_tw_reuse", "1"}))
		}
		f.Recommendations = append(f.Recommendations, Recommendation{
			Summary: "Use fewer connections: keep-alive and connection pools to " + r.Remote + ", or several local source addresses (nginx `proxy_bind`, HAProxy `source`, IP_BIND_ADDRESS_NO_PORT) — each source address has its own " + strconv.FormatInt(size, 10) + " ports.",
		})
		out = append(out, f)
	}
	return out
}
