package analyze

import (
	"fmt"
	"strconv"

	"github.com/netvet/netvet/collect"
)

const (
	netstatSource   = "proc/net/netstat"
	listenersSource = "netvet/listeners.json"

	// Each listen overflow is a SYN or handshake ACK the kernel threw away:
	// the client retries after 1 s, then 3 s, 7 s… Three in the window, or
	// overflows in two consecutive intervals, is an ongoing outage for
	// someone. Since boot, 100 is worth a warning.
	listenOverflowNow  = 3
	listenOverflowBoot = 100
)

// listenerState is one listener's accept-queue fill over the window.
type listenerState struct {
	l        collect.Listener // as in the newest snapshot that lists it
	fullIn   int              // snapshots in which queue ≥ limit
	seenIn   int              // snapshots that list it
	maxQueue uint32
}

// listenerStates follows every listener through the window.
func (a *analysis) listenerStates() []listenerState {
	idx := map[string]int{}
	var out []listenerState
	for _, s := range a.w.Snaps {
		for _, l := range s.Listeners {
			i, ok := idx[l.Local]
			if !ok {
				i = len(out)
				idx[l.Local] = i
				out = append(out, listenerState{})
			}
			st := &out[i]
			st.l = l
			st.seenIn++
			st.maxQueue = max(st.maxQueue, l.Queue)
			if l.Limit > 0 && l.Queue >= l.Limit {
				st.fullIn++
			}
		}
	}
	return out
}

// listenRecs is what to do about a listener whose queue overflows: the
// queue's limit is min(listen() backlog, net.core.somaxconn), fixed when the
// application called listen().
func (a *analysis) listenRecs(limit uint32, local string) []Recommendation {
	somax, haveSomax := a.sysctlInt("net.core.somaxconn")
	var recs []Recommendation
	next := doubled(max(int64(limit), somax), 4096)
	switch {
	case haveSomax && limit > 0 && int64(limit) < somax:
		recs = append(recs, Recommendation{
			Summary: fmt.Sprintf("The accept queue of %s holds %s: that is the application's listen() backlog, below net.core.somaxconn (%d), so the application is the limit. Raise its backlog to %d (nginx `listen … backlog=%d`, HAProxy `backlog`, Java ServerSocket backlog) and restart it: the limit is fixed at listen().", local, plural(int(limit), "1 connection", "%d connections"), somax, somax, somax),
			Risk:    "a longer queue makes clients wait for a slow application instead of being refused; fix the accept rate too",
		})
	case haveSomax:
		r := sysctlRec(
			fmt.Sprintf("The effective accept-queue limit is min(listen() backlog, net.core.somaxconn = %d). Raise somaxconn to %d, then make sure the application asks for that much in listen() and restart it (the limit is fixed when it listens).", somax, next),
			"a longer queue makes clients wait for a slow application instead of being refused; fix the accept rate too",
			setting{"net.core.somaxconn", strconv.FormatInt(next, 10)})
		recs = append(recs, r)
	default:
		recs = append(recs, Recommendation{
			Summary:  fmt.Sprintf("Raise net.core.somaxconn (not readable here) and the application's listen() backlog to at least %d; the effective limit is the smaller of the two.", next),
			Commands: []string{"sysctl net.core.somaxconn"},
		})
	}
	recs = append(recs, Recommendation{
		Summary: "Accept faster: a queue that stays full means the application does not call accept() as fast as connections arrive — more acceptor threads, SO_REUSEPORT with one listener per worker (`netvet bench accept` measures the models on this host), or less work before accept().",
	})
	return recs
}

func (a *analysis) tcpListenOverflow() []Finding {
	ov, okO := a.w.NetstatDelta("TcpExt.ListenOverflows")
	dr, okD := a.w.NetstatDelta("TcpExt.ListenDrops")
	if !okO && !okD {
		return nil
	}
	// ListenDrops counts every SYN dropped at a listener, overflows included
	// (tcp_listendrop in include/net/tcp.h), so the larger one is the loss.
	d := ov
	if dr.Inc > d.Inc || !okO {
		d = dr
	}
	if d.Inc == 0 {
		return nil
	}
	sev := lossSeverity(d, listenOverflowNow, listenOverflowBoot)
	ev := []Evidence{}
	if okO {
		ev = append(ev, evDelta("TcpExt.ListenOverflows", ov, "SYNs", netstatSource))
	}
	if okD {
		ev = append(ev, evDelta("TcpExt.ListenDrops", dr, "SYNs", netstatSource))
	}
	if v, ok := a.sysctlInt("net.core.somaxconn"); ok {
		ev = append(ev, evValue("net.core.somaxconn", float64(v), "connections", "proc/sys/net/core/somaxconn"))
	}
	var full []listenerState
	for _, st := range a.listenerStates() {
		if st.fullIn > 0 {
			full = append(full, st)
		}
	}
	mk := func(subject, who string, st *listenerState) Finding {
		f := Finding{
			ID:       "tcp.listen_overflow",
			Severity: sev,
			Subject:  subject,
			Summary: fmt.Sprintf("%s dropped %s connection attempts %s because an accept queue was full (clients wait ≥ 1 s to retry)",
				who, ratePhrase(d), windowPhrase(d)),
			Evidence: append([]Evidence(nil), ev...),
		}
		var limit uint32
		if st != nil {
			limit = st.l.Limit
			f.Evidence = append(f.Evidence,
				evValue("accept queue of "+st.l.Local, float64(st.maxQueue), "connections", listenersSource),
				evValue("accept queue limit of "+st.l.Local, float64(st.l.Limit), "connections", listenersSource),
				evValue("snapshots with the queue full", float64(st.fullIn), "of "+strconv.Itoa(st.seenIn), listenersSource))
		}
		f.Recommendations = a.listenRecs(limit, subject)
		return f
	}
	if len(full) == 0 {
		// The counters are per network namespace and host-wide: without a
		// listener caught at its limit we cannot say which one overflowed.
		return []Finding{mk("host", "The host", nil)}
	}
	var out []Finding
	for i := range full {
		out = append(out, mk(full[i].l.Local, "The host (listener "+full[i].l.Local+" at its limit)", &full[i]))
	}
	return out
}

func (a *analysis) tcpListenQueueFull() []Finding {
	ov, _ := a.w.NetstatDelta("TcpExt.ListenOverflows")
	var out []Finding
	for _, st := range a.listenerStates() {
		if st.fullIn == 0 {
			continue
		}
		sev := Warning
		if rising(ov) {
			// The host is dropping connection attempts right now and this
			// queue is full: it is (one of) the ones losing them.
			sev = Critical
		}
		f := Finding{
			ID:       "tcp.listen_queue_full",
			Severity: sev,
			Subject:  st.l.Local,
			Summary: fmt.Sprintf("The accept queue of %s was full (%d of %d) in %d of %d snapshots: new connections to it are dropped while it stays full",
				st.l.Local, st.maxQueue, st.l.Limit, st.fullIn, st.seenIn),
			Evidence: []Evidence{
				evValue("accept queue (max seen)", float64(st.maxQueue), "connections", listenersSource),
				evValue("accept queue limit = min(listen() backlog, somaxconn)", float64(st.l.Limit), "connections", listenersSource),
				evValue("snapshots with the queue full", float64(st.fullIn), "of "+strconv.Itoa(st.seenIn), listenersSource),
			},
			Recommendations: a.listenRecs(st.l.Limit, st.l.Local),
		}
		if rising(ov) {
			f.Evidence = append(f.Evidence, evDelta("TcpExt.ListenOverflows", ov, "SYNs", netstatSource))
		}
		out = append(out, f)
	}
	return out
}
