package analyze

import "fmt"

const snmpSource = "proc/net/snmp"

func tcpRules(a *analysis) []Finding {
	var out []Finding
	out = append(out, a.tcpListenOverflow()...)
	out = append(out, a.tcpListenQueueFull()...)
	out = append(out, a.tcpSynQueueDrops()...)
	out = append(out, a.tcpSyncookiesOff()...)
	out = append(out, a.tcpSyncookiesSent()...)
	out = append(out, a.tcpRcvPruned()...)
	out = append(out, a.tcpBufferLimit()...)
	out = append(out, a.tcpAutotuningOff()...)
	out = append(out, a.tcpEphemeralPorts()...)
	out = append(out, a.tcpRetransmits()...)
	return out
}

const (
	// Retransmitted segments per sent segment. 1% is where TCP throughput
	// starts to suffer visibly (Mathis et al.: rate ∝ 1/√loss); below ~10k
	// segments in the window (1M since boot) the ratio is noise.
	retransRatio   = 0.01
	retransMinOut  = 10_000
	retransMinBoot = 1_000_000
)

func (a *analysis) tcpRetransmits() []Finding {
	re, ok1 := a.w.SNMPDelta("Tcp.RetransSegs")
	out, ok2 := a.w.SNMPDelta("Tcp.OutSegs")
	if !ok1 || !ok2 {
		return nil
	}
	gate := uint64(retransMinOut)
	if out.SinceBoot {
		gate = retransMinBoot
	}
	ratio, ok := re.Per(out)
	if !ok || out.Inc < gate || ratio < retransRatio {
		return nil
	}
	return []Finding{{
		ID:       "tcp.retransmits",
		Severity: Info,
		Subject:  "host",
		Summary: fmt.Sprintf("%s of TCP segments were retransmissions %s (%s of %s)",
			pct(ratio), windowPhrase(out), Commas(re.Inc), Commas(out.Inc)),
		Evidence: []Evidence{
			evDelta("Tcp.RetransSegs", re, "segments", snmpSource),
			evDelta("Tcp.OutSegs", out, "segments", snmpSource),
			evValue("retransmitted per sent segment", ratio, "ratio", snmpSource),
		},
		Recommendations: []Recommendation{{
			Summary:  "Retransmissions mean loss on the path or in a queue: look for drops on this host first (softnet.*, nic.*, tcp.rcv_pruned findings), then per destination with `ss -ti` (retrans, rtt) to see which peers suffer; undersized buffers on a long path show as tcp.buffer_limit.",
			Commands: []string{"ss -tin state established | grep -B1 retrans | head -40"},
		}},
	}}
}
