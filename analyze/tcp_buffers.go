package analyze

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

const (
	// RcvPruned and TCPRcvQDrop are received data thrown away under memory
	// pressure (tcp_prune_queue, tcp_data_queue in net/ipv4/tcp_input.c).
	// A few hundred since boot is a slow reader once in a while.
	prunedNow  = 3
	prunedBoot = 1000
)

// prunedCounter is a netstat counter of receive-queue memory trouble.
type prunedCounter struct {
	key  string
	loss bool // data was dropped (else: pruning or pressure, no loss yet)
}

var prunedCounters = []prunedCounter{{"TcpExt.RcvPruned", true}, {"TcpExt.TCPRcvQDrop", true}, {"TcpExt.PruneCalled", false}, {"TcpExt.TCPMemoryPressures", false}}

func (a *analysis) tcpRcvPruned() []Finding {
	var ev []Evidence
	sev := Severity(0)
	var worst Delta
	var worstName string
	for _, c := range prunedCounters {
		d, ok := a.w.NetstatDelta(c.key)
		if !ok || d.Inc == 0 {
			continue
		}
		ev = append(ev, evDelta(c.key, d, "events", netstatSource))
		s := lossSeverity(d, prunedNow, prunedBoot)
		if !c.loss && s == Critical {
			s = Warning // pressure, not loss
		}
		if s > sev || worstName == "" {
			sev, worst, worstName = max(sev, s), d, c.key
		}
	}
	if len(ev) == 0 {
		return nil
	}
	f := Finding{
		ID:       "tcp.rcv_pruned",
		Severity: sev,
		Subject:  "host",
		Summary: fmt.Sprintf("TCP receive queues hit their memory limits %s (%s %s): the kernel collapsed or dropped queued data",
			windowPhrase(worst), worstName, Commas(worst.Inc)),
		Evidence: ev,
	}
	var sets []setting
	if rm, ok := a.sysctlInts("net.ipv4.tcp_rmem"); ok && len(rm) == 3 {
		f.Evidence = append(f.Evidence, evText("net.ipv4.tcp_rmem", intsText(rm), "proc/sys/net/ipv4/tcp_rmem"))
		rm[2] = doubled(rm[2], 16<<20)
		sets = append(sets, setting{"net.ipv4.tcp_rmem", intsText(rm)})
	}
	if tm, ok := a.sysctlInts("net.ipv4.tcp_mem"); ok && len(tm) == 3 {
		f.Evidence = append(f.Evidence, evText("net.ipv4.tcp_mem (pages)", intsText(tm), "proc/sys/net/ipv4/tcp_mem"))
		if d, ok := a.w.NetstatDelta("TcpExt.TCPMemoryPressures"); ok && d.Inc > 0 {
			tm = []int64{doubled(tm[0], 0), doubled(tm[1], 0), doubled(tm[2], 0)}
			sets = append(sets, setting{"net.ipv4.tcp_mem", intsText(tm)})
		}
	}
	if len(sets) > 0 {
		f.Recommendations = append(f.Recommendations, sysctlRec(
			"Give receive queues more room: tcp_rmem's maximum bounds one socket's queue, tcp_mem (in 4 KiB pages, host-wide) all of them together; raise tcp_mem only when TCPMemoryPressures rises.",
			"more kernel memory held by slow readers; an application that reads too slowly is the root cause and only it can fix that",
			sets...))
	}
	return []Finding{f}
}

func (a *analysis) tcpAutotuningOff() []Finding {
	v, ok := a.sysctlInt("net.ipv4.tcp_moderate_rcvbuf")
	if !ok || v != 0 {
		return nil
	}
	return []Finding{{
		ID:       "tcp.autotuning_off",
		Severity: Warning,
		Subject:  "host",
		Summary:  "Receive-buffer autotuning is off (net.ipv4.tcp_moderate_rcvbuf = 0): every socket keeps tcp_rmem's default size, whatever its bandwidth-delay product",
		Evidence: []Evidence{evValue("net.ipv4.tcp_moderate_rcvbuf", 0, "", "proc/sys/net/ipv4/tcp_moderate_rcvbuf")},
		Recommendations: []Recommendation{sysctlRec(
			"Turn autotuning back on: the kernel grows each socket's receive buffer up to tcp_rmem's maximum as the measured rate and RTT require.",
			"sockets on fast long paths will use more memory (bounded by tcp_rmem max and tcp_mem)",
			setting{"net.ipv4.tcp_moderate_rcvbuf", "1"})},
	}}
}

// tcpBufferLimit compares the TCP buffer maxima with the bandwidth-delay
// product: a socket can have at most one receive window of data in flight,
// and the window is a fraction of the receive buffer (the rest pays for skb
// overhead).
func (a *analysis) tcpBufferLimit() []Finding {
	rm, okR := a.sysctlInts("net.ipv4.tcp_rmem")
	wm, okW := a.sysctlInts("net.ipv4.tcp_wmem")
	if !okR || !okW || len(rm) != 3 || len(wm) != 3 {
		return nil
	}
	bw, bwFrom := a.opts.Bandwidth, "--bandwidth"
	if bw <= 0 {
		bw, bwFrom = a.fastestLink()
	}
	if bw <= 0 {
		return nil // no bandwidth to size for
	}
	rtt, rttFrom := a.opts.RTT, "--rtt"
	if rtt <= 0 {
		rtt, rttFrom = DefaultRTT, "assumed (pass --rtt)"
	}
	bdp := bw / 8 * rtt.Seconds()
	frac, fracWhy := a.windowFraction()
	needBuf := roundUpMiB(bdp / frac)
	rmemMax, haveRmax := a.sysctlInt("net.core.rmem_max")
	wmemMax, haveWmax := a.sysctlInt("net.core.wmem_max")

	var short []string
	var sets []setting
	if rm[2] < needBuf {
		short = append(short, fmt.Sprintf("tcp_rmem max %s", bytesIEC(float64(rm[2]))))
		sets = append(sets, setting{"net.ipv4.tcp_rmem", intsText([]int64{rm[0], rm[1], needBuf})})
	}
	if wm[2] < needBuf {
		short = append(short, fmt.Sprintf("tcp_wmem max %s", bytesIEC(float64(wm[2]))))
		sets = append(sets, setting{"net.ipv4.tcp_wmem", intsText([]int64{wm[0], wm[1], needBuf})})
	}
	// SO_RCVBUF/SO_SNDBUF are capped at rmem_max/wmem_max and then doubled
	// by the kernel (sock_setsockopt), and they switch autotuning off for
	// that socket: such applications need max ≥ half the buffer.
	half := (needBuf + 1) / 2
	if haveRmax && rmemMax < half {
		short = append(short, fmt.Sprintf("rmem_max %s", bytesIEC(float64(rmemMax))))
		sets = append(sets, setting{"net.core.rmem_max", strconv.FormatInt(needBuf, 10)})
	}
	if haveWmax && wmemMax < half {
		short = append(short, fmt.Sprintf("wmem_max %s", bytesIEC(float64(wmemMax))))
		sets = append(sets, setting{"net.core.wmem_max", strconv.FormatInt(needBuf, 10)})
	}
	if len(short) == 0 {
		return nil
	}
	sev := Info
	if a.opts.Bandwidth > 0 && a.opts.RTT > 0 {
		sev = Warning // the operator told us the path: the limit is real
	}
	f := Finding{
		ID:       "tcp.buffer_limit",
		Severity: sev,
		Subject:  "host",
		Summary: fmt.Sprintf("One TCP connection at %s over a %s RTT needs %s in flight (the bandwidth-delay product) and a %s buffer to carry it; %s cap it below that",
			bitsSI(bw), rtt, bytesIEC(bdp), bytesIEC(float64(needBuf)), joinAnd(short)),
		Evidence: []Evidence{
			evValue("bandwidth ("+bwFrom+")", bw, "bit/s", ""),
			evValue("RTT ("+rttFrom+")", rtt.Seconds()*1000, "ms", ""),
			evValue("bandwidth-delay product", bdp, "bytes", ""),
			evValue("usable share of the buffer ("+fracWhy+")", frac, "ratio", ""),
			evText("net.ipv4.tcp_rmem", intsText(rm), "proc/sys/net/ipv4/tcp_rmem"),
			evText("net.ipv4.tcp_wmem", intsText(wm), "proc/sys/net/ipv4/tcp_wmem"),
		},
	}
	if haveRmax {
		f.Evidence = append(f.Evidence, evValue("net.core.rmem_max", float64(rmemMax), "bytes", "proc/sys/net/core/rmem_max"))
	}
	if haveWmax {
		f.Evidence = append(f.Evidence, evValue("net.core.wmem_max", float64(wmemMax), "bytes", "proc/sys/net/core/wmem_max"))
	}
	f.Recommendations = append(f.Recommendations, sysctlRec(
		fmt.Sprintf("Let autotuning grow buffers to %s (BDP %s ÷ %.2f usable share, rounded up to a MiB); rmem_max/wmem_max bound applications that set SO_RCVBUF/SO_SNDBUF themselves.", bytesIEC(float64(needBuf)), bytesIEC(bdp), frac),
		"these are per-socket maxima, reached only by connections that need them; tcp_mem (host-wide, in pages) still bounds the total",
		sets...))
	return []Finding{f}
}

// fastestLink returns the highest link speed among physical NICs and bonds
// in bit/s, and where it came from.
func (a *analysis) fastestLink() (float64, string) {
	best, from := 0.0, ""
	if a.last == nil {
		return 0, ""
	}
	for _, name := range sortedKeys(a.last.Links) {
		l := a.last.Links[name]
		if l.Speed <= 0 || name == "lo" {
			continue
		}
		if n := a.cfg.NICs[name]; n != nil && n.Kind != "physical" && n.Kind != "bond" {
			continue
		}
		if bps := float64(l.Speed) * 1e6; bps > best {
			best, from = bps, "link speed of "+name
		}
	}
	return best, from
}

// windowFraction is the share of a TCP buffer that becomes receive window.
// Before Linux 6.6 it was fixed by tcp_adv_win_scale (1 − 2^−scale for a
// positive scale, 2^scale otherwise; tcp_win_from_space). Since 6.6 the
// kernel measures each socket's payload/truesize ratio instead and ignores
// the sysctl (commit dfa2f0483360 "tcp: get rid of sysctl_tcp_adv_win_scale"),
// starting from 50% (TCP_DEFAULT_SCALING_RATIO): we size for that start.
func (a *analysis) windowFraction() (float64, string) {
	if a.last != nil && kernelAtLeast(a.last.Host.Kernel, 6, 6) {
		return 0.5, "Linux ≥ 6.6 starts at 50% and measures per socket"
	}
	// tcp_win_from_space: scale ≤ 0 gives space >> -scale (0: all of it),
	// scale > 0 gives space − space >> scale. The kernel accepts −31..31.
	if s, ok := a.sysctlInt("net.ipv4.tcp_adv_win_scale"); ok && s >= -31 && s <= 31 {
		if s > 0 {
			return 1 - math.Pow(2, -float64(s)), fmt.Sprintf("tcp_adv_win_scale %d", s)
		}
		return math.Pow(2, float64(s)), fmt.Sprintf("tcp_adv_win_scale %d", s)
	}
	return 0.5, "assumed 50%"
}

// kernelAtLeast reports whether a release string ("6.18.44-fc", "3.10.0-…")
// is at least major.minor; false when it cannot be read.
func kernelAtLeast(release string, major, minor int) bool {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		return false
	}
	// The minor may carry a suffix when there is no sublevel ("6.6-rc1").
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(leadingDigits(parts[1]))
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}

func roundUpMiB(b float64) int64 {
	const mib = 1 << 20
	return int64(math.Ceil(b/mib)) * mib
}

func intsText(v []int64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatInt(x, 10)
	}
	return strings.Join(s, " ")
}
