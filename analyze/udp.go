package analyze

import (
	"fmt"
	"strconv"
)

const (
	// Udp RcvbufErrors: datagrams dropped because the socket's receive
	// buffer was full (__udp_queue_rcv_skb in net/ipv4/udp.c).
	udpDropsNow  = 10
	udpDropsBoot = 1000
)

func udpRules(a *analysis) []Finding {
	d, ok := a.w.SNMPDelta("Udp.RcvbufErrors")
	if !ok || d.Inc == 0 {
		return nil
	}
	f := Finding{
		ID:       "udp.rcvbuf_errors",
		Severity: lossSeverity(d, udpDropsNow, udpDropsBoot),
		Subject:  "host",
		Summary:  fmt.Sprintf("UDP sockets dropped %s datagrams %s because their receive buffer was full", ratePhrase(d), windowPhrase(d)),
		Evidence: []Evidence{evDelta("Udp.RcvbufErrors", d, "datagrams", snmpSource)},
	}
	if in, ok := a.w.SNMPDelta("Udp.InDatagrams"); ok {
		f.Evidence = append(f.Evidence, evDelta("Udp.InDatagrams", in, "datagrams", snmpSource))
		if r, ok := d.Per(in); ok {
			f.Evidence = append(f.Evidence, evValue("dropped per received datagram", r, "ratio", snmpSource))
		}
	}
	rmax, haveMax := a.sysctlInt("net.core.rmem_max")
	rdef, haveDef := a.sysctlInt("net.core.rmem_default")
	var sets []setting
	if haveMax {
		f.Evidence = append(f.Evidence, evValue("net.core.rmem_max", float64(rmax), "bytes", "proc/sys/net/core/rmem_max"))
		sets = append(sets, setting{"net.core.rmem_max", strconv.FormatInt(doubled(rmax, 16<<20), 10)})
	}
	if haveDef {
		f.Evidence = append(f.Evidence, evValue("net.core.rmem_default", float64(rdef), "bytes", "proc/sys/net/core/rmem_default"))
	}
	if len(sets) > 0 {
		f.Recommendations = append(f.Recommendations, sysctlRec(
			"Allow larger UDP receive buffers: an application asks with setsockopt(SO_RCVBUF), which the kernel caps at net.core.rmem_max; sockets that do not ask get net.core.rmem_default.",
			"more memory per busy socket; if the application reads too slowly for its traffic, a larger buffer only delays the drops",
			sets...))
	}
	f.Recommendations = append(f.Recommendations, Recommendation{
		Summary:  "Find the socket: `ss -uanm` shows each UDP socket's receive queue and its buffer (rb); raise the application's SO_RCVBUF (e.g. DNS servers, syslog, QUIC) and make it read faster (more threads, SO_REUSEPORT, recvmmsg).",
		Commands: []string{"ss -uanm"},
	})
	return []Finding{f}
}
