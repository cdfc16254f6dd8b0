package accept

import (
	"time"
	"unsafe"

	"github.com/HdrHistogram/hdrhistogram-go"
	"golang.org/x/sys/unix"
)

// Connection states of the generator.
const (
	stFree       uint8 = iota // no socket
	stConnecting              // connect(2) in progress, waiting for EPOLLOUT
	stSent                    // request written, reading the response
	stIdle                    // keep-alive, open loop: connected, waiting for the next arrival
	stClosing                 // response complete, the server closes: waiting for EOF
)

// conn is one client connection slot.
type conn struct {
	fd       int32
	state    uint8
	events   uint32 // what it is registered for in the epoll (0: not registered)
	first    bool   // a byte of the current response arrived
	left     int32  // requests still to send on this connection, the current one included
	bodyLeft int32  // body bytes of the current response still to read; -1 before the head
	head     []byte // the current response head, while incomplete
	tConn    int64  // connect(2) started
	tReq     int64  // the current request was written
	tStart   int64  // what latency is measured from: tConn or tReq, or the intended time (open loop)
	deadline int64
}

// Error kinds the generator tells apart.
const (
	errRefused = iota // connect refused (RST to the SYN): nothing listening
	errReset          // RST on an established connection: a listener closed with it queued
	errTimeout        // no answer within --timeout (a dropped SYN costs 1 s, 3 s, …)
	errEOF            // the server closed before a whole response
	errOther          // anything else; detail by errno
	nErrKinds
)

// loadStats are a thread's counts for one period (the window, or the run).
type loadStats struct {
	responses uint64
	conns     uint64 // connections finished with every response read
	arrivals  uint64 // open loop: requests due
	unsent    uint64 // open loop: due requests still waiting for a connection when the run ended
	errs      [nErrKinds]uint64
	other     map[string]uint64
}

func (s *loadStats) add(o *loadStats) {
	s.responses += o.responses
	s.conns += o.conns
	s.arrivals += o.arrivals
	s.unsent += o.unsent
	for i := range s.errs {
		s.errs[i] += o.errs[i]
	}
	for k, v := range o.other {
		if s.other == nil {
			s.other = map[string]uint64{}
		}
		s.other[k] += v
	}
}

// histograms of one thread, for the window, in nanoseconds.
type histograms struct {
	total, connect, firstByte *hdrhistogram.Histogram
}

// maxLatency is the largest latency a histogram holds; longer values are
// recorded as this (a run with them has timeouts anyway).
const maxLatency = int64(60 * time.Second)

func newHistograms() histograms {
	return histograms{
		total:     hdrhistogram.New(1, maxLatency, 3),
		connect:   hdrhistogram.New(1, maxLatency, 3),
		firstByte: hdrhistogram.New(1, maxLatency, 3),
	}
}

func record(h *hdrhistogram.Histogram, ns int64) {
	h.RecordValue(min(max(ns, 1), maxLatency))
}

// errKind classifies an errno.
func errKind(err error) int {
	switch err {
	case unix.ECONNREFUSED:
		return errRefused
	case unix.ECONNRESET, unix.EPIPE:
		return errReset
	case unix.ETIMEDOUT:
		return errTimeout
	}
	return errOther
}

// epollWait waits with a nanosecond timeout (epoll_pwait2, Linux 5.11): the
// open-loop pacing would otherwise round every arrival to a millisecond and
// add up to a millisecond of client-made delay to each latency. ns < 0 waits
// forever. Older kernels fall back to epoll_wait's milliseconds.
func epollWait(ep int, events []unix.EpollEvent, ns int64, pwait2 *bool) (int, error) {
	if *pwait2 {
		var tsp unsafe.Pointer
		var ts unix.Timespec
		if ns >= 0 {
			ts = unix.NsecToTimespec(ns)
			tsp = unsafe.Pointer(&ts)
		}
		n, _, e := unix.Syscall6(unix.SYS_EPOLL_PWAIT2, uintptr(ep), uintptr(unsafe.Pointer(&events[0])),
			uintptr(len(events)), uintptr(tsp), 0, 0)
		if e == 0 {
			return int(n), nil
		}
		if e != unix.ENOSYS {
			return 0, e
		}
		*pwait2 = false
	}
	ms := -1
	if ns >= 0 {
		ms = int((ns + int64(time.Millisecond) - 1) / int64(time.Millisecond))
	}
	return unix.EpollWait(ep, events, ms)
}
