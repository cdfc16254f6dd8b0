package accept

import (
	"time"

	"golang.org/x/sys/unix"
)

// loadThread is one generator thread: its own epoll and its share of the
// connections, driven by raw syscalls so that the generator costs the
// kernel's work and little more (it must never be what limits the rate).
type loadThread struct {
	cfg    *loadConfig
	base   time.Time
	sa     unix.RawSockaddrInet4
	ep     int
	pwait2 bool
	conns  []conn
	events []unix.EpollEvent
	buf    []byte

	pending []int32 // slots to (re)connect at the top of the loop
	spare   []int32 // the other buffer of pending
	free    []int32 // open loop: slots without a connection
	idle    []int32 // open loop, keep-alive: connected slots waiting for an arrival
	queue   []int64 // open loop: intended times of arrivals that found no slot
	qhead   int
	next    float64 // open loop: intended time of the next arrival, ns since base
	period  float64 // open loop: ns between arrivals

	warmEnd, end, quit int64
	win, tot           loadStats
	h                  histograms
	setupErr           error
}

// maxQueued bounds the open-loop backlog of arrivals; beyond it arrivals are
// counted as errors ("client-overload") instead of growing memory forever.
const maxQueued = 1 << 20

func (t *loadThread) now() int64 { return int64(time.Since(t.base)) }

func (t *loadThread) inWindow(now int64) bool { return now >= t.warmEnd && now < t.end }

func (t *loadThread) openLoop() bool { return t.period > 0 }

// run drives the thread's connections until the run is over and every
// connection has finished or timed out.
func (t *loadThread) run() {
	var err error
	if t.ep, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		t.setupErr = err
		return
	}
	defer unix.Close(t.ep)
	t.pwait2 = true
	t.events = make([]unix.EpollEvent, 256)
	t.buf = make([]byte, 16<<10)
	for i := range t.conns {
		t.conns[i].fd = -1
		if t.openLoop() {
			t.free = append(t.free, int32(i))
		} else {
			t.pending = append(t.pending, int32(i))
		}
	}
	nextScan := int64(0)
	for {
		now := t.now()
		if t.openLoop() {
			// Before the end check: a thread that wakes up late still owes
			// the requests that fell due before the end.
			t.arrive(now)
		}
		if now >= t.end {
			t.closeIdle()
			if t.busy() == 0 && t.qhead == len(t.queue) || now >= t.quit {
				t.abandon(now)
				return
			}
		}
		t.restartPending(now)
		if now >= nextScan {
			t.expire(now)
			nextScan = now + int64(10*time.Millisecond)
		}
		wait := int64(10 * time.Millisecond)
		if t.openLoop() && int64(t.next) < t.end {
			wait = min(wait, max(int64(t.next)-t.now(), 0))
		}
		n, err := epollWait(t.ep, t.events, wait, &t.pwait2)
		if err != nil {
			continue // EINTR
		}
		for _, ev := range t.events[:n] {
			t.event(int(ev.Fd), ev.Events)
		}
	}
}

// busy counts connections with a request in flight.
func (t *loadThread) busy() int {
	n := 0
	for i := range t.conns {
		if s := t.conns[i].state; s == stConnecting || s == stSent || s == stClosing {
			n++
		}
	}
	return n
}

// arrive queues the open-loop arrivals that are due and gives them slots.
func (t *loadThread) arrive(now int64) {
	for int64(t.next) < t.end && int64(t.next) <= now {
		t.tot.arrivals++
		if t.inWindow(int64(t.next)) {
			t.win.arrivals++
		}
		if len(t.queue)-t.qhead >= maxQueued {
			t.countErr(now, errOther, "client-overload")
		} else {
			t.queue = append(t.queue, int64(t.next))
		}
		t.next += t.period
	}
	t.dispatch()
}

// dispatch gives queued arrivals an idle keep-alive connection or a new one.
func (t *loadThread) dispatch() {
	for t.qhead < len(t.queue) {
		at := t.queue[t.qhead]
		switch {
		case len(t.idle) > 0:
			i := t.idle[len(t.idle)-1]
			t.idle = t.idle[:len(t.idle)-1]
			if t.conns[i].state != stIdle {
				continue // closed by the server while idle
			}
			t.sendNext(int(i), at)
		case len(t.free) > 0:
			i := t.free[len(t.free)-1]
			t.free = t.free[:len(t.free)-1]
			t.connect(int(i), at)
		default:
			return
		}
		t.qhead++
	}
	t.queue, t.qhead = t.queue[:0], 0
}

// restartPending reconnects the closed-loop slots that finished. It runs
// at the top of the loop rather than where a slot finishes, so a server that
// refuses everything makes a loop, not a recursion.
func (t *loadThread) restartPending(now int64) {
	p := t.pending
	t.pending = t.spare[:0]
	for _, i := range p {
		if now < t.end {
			t.connect(int(i), now)
		}
	}
	t.spare = p[:0]
}

// connect opens slot i's connection and writes the first request at once:
// on loopback the handshake has usually completed inside connect(2), and a
// socket still in SYN_SENT answers EAGAIN (sk_stream_wait_connect), so the
// try costs one syscall and saves an epoll round trip and an epoll_ctl.
func (t *loadThread) connect(i int, start int64) {
	c := &t.conns[i]
	now := t.now()
	*c = conn{fd: -1, state: stConnecting, head: c.head[:0], left: int32(t.cfg.reqs), bodyLeft: -1,
		tConn: now, tStart: start, deadline: now + int64(t.cfg.timeout)}
	fd, err := rawSocket()
	if err != nil {
		t.fail(i, errOther, err)
		return
	}
	c.fd = int32(fd)
	if err := rawConnect(fd, &t.sa); err != nil && err != unix.EINPROGRESS {
		t.fail(i, errKind(err), err)
		return
	}
	switch err := t.write(i, t.now()); err {
	case nil:
		t.watch(i, unix.EPOLLIN|unix.EPOLLRDHUP)
	case unix.EAGAIN:
		t.watch(i, unix.EPOLLOUT)
	default:
		t.fail(i, errKind(err), err)
	}
}

// write sends slot i's next request; the last one asks the server to close.
func (t *loadThread) write(i int, now int64) error {
	c := &t.conns[i]
	req := requestKeep
	if c.left <= 1 {
		req = requestClose
	}
	n, err := rawWrite(int(c.fd), req)
	if err != nil {
		return err
	}
	if n != len(req) {
		return unix.EIO // a ~60-byte write into an empty socket buffer is never short
	}
	if c.state == stConnecting {
		if t.inWindow(now) {
			record(t.h.connect, now-c.tConn)
		}
		if !t.openLoop() && t.cfg.reqs > 1 {
			c.tStart = now // keep-alive: request latency, the connect has its own
		}
	}
	c.tReq = now
	c.state = stSent
	return nil
}

func (t *loadThread) watch(i int, events uint32) {
	c := &t.conns[i]
	if c.events == events {
		return
	}
	op := unix.EPOLL_CTL_MOD
	if c.events == 0 {
		op = unix.EPOLL_CTL_ADD
	}
	ev := unix.EpollEvent{Events: events, Fd: int32(i)}
	if err := rawEpollCtl(t.ep, op, int(c.fd), &ev); err != nil {
		t.fail(i, errOther, err)
		return
	}
	c.events = events
}

// errName names an error for the "other" detail: the errno's symbol when
// there is one ("EADDRNOTAVAIL": out of ephemeral ports).
func errName(err error) string {
	if e, ok := err.(unix.Errno); ok {
		if n := unix.ErrnoName(e); n != "" {
			return n
		}
	}
	return err.Error()
}
