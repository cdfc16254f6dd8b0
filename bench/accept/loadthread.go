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

// event handles epoll's report for slot i.
func (t *loadThread) event(i int, ev uint32) {
	c := &t.conns[i]
	switch c.state {
	case stConnecting:
		if e, err := unix.GetsockoptInt(int(c.fd), unix.SOL_SOCKET, unix.SO_ERROR); err != nil || e != 0 {
			if err == nil {
				err = unix.Errno(e)
			}
			t.fail(i, errKind(err), err)
			return
		}
		if err := t.write(i, t.now()); err != nil {
			if err != unix.EAGAIN {
				t.fail(i, errKind(err), err)
			}
			return
		}
		t.watch(i, unix.EPOLLIN|unix.EPOLLRDHUP)
	case stSent, stClosing, stIdle:
		t.read(i, ev)
	}
}

// read takes what arrived on slot i and advances the response.
func (t *loadThread) read(i int, ev uint32) {
	c := &t.conns[i]
	n, err := rawRead(int(c.fd), t.buf)
	switch {
	case err == unix.EAGAIN:
		return
	case err != nil:
		t.fail(i, errKind(err), err)
		return
	case n == 0:
		if c.state == stClosing {
			t.finish(i)
		} else {
			t.fail(i, errEOF, nil)
		}
		return
	case c.state != stSent:
		t.fail(i, errOther, errBadResponse) // bytes nobody asked for
		return
	}
	now := t.now()
	if !c.first {
		c.first = true
		if t.inWindow(now) {
			record(t.h.firstByte, now-c.tReq)
		}
	}
	data := t.buf[:n]
	for len(data) > 0 && c.state == stSent {
		if c.bodyLeft < 0 {
			had := len(c.head)
			head := data
			if had > 0 {
				c.head = append(c.head, data...)
				head = c.head
			}
			hn, body, closes, err := responseHead(head)
			switch {
			case err != nil:
				t.fail(i, errOther, err)
				return
			case hn == 0:
				if had == 0 {
					c.head = append(c.head[:0], data...)
				}
				return
			case body < 0:
				t.fail(i, errOther, errBadResponse) // not framed by Content-Length
				return
			}
			if closes {
				c.left = 1 // the server closes after this one whatever we planned
			}
			data = data[hn-had:]
			c.head = c.head[:0]
			c.bodyLeft = int32(body)
		}
		take := min(int(c.bodyLeft), len(data))
		c.bodyLeft -= int32(take)
		data = data[take:]
		if c.bodyLeft == 0 {
			t.responseDone(i, now)
		}
	}
	// EPOLLRDHUP with the response complete: the FIN is already here and
	// the read took everything before it, so skip the read that returns 0.
	if c.state == stClosing && ev&unix.EPOLLRDHUP != 0 && n < len(t.buf) {
		t.finish(i)
	}
}

// responseDone counts a whole response on slot i and starts what follows.
func (t *loadThread) responseDone(i int, now int64) {
	c := &t.conns[i]
	c.left--
	c.first, c.bodyLeft = false, -1
	t.tot.responses++
	if t.inWindow(now) {
		t.win.responses++
		record(t.h.total, now-c.tStart)
	}
	switch {
	case c.left <= 0:
		c.state = stClosing // we asked for Connection: close: the server closes next
		t.tot.conns++
		if t.inWindow(now) {
			t.win.conns++
		}
	case t.openLoop():
		c.state = stIdle // after the end too: queued arrivals may still need it
		t.idle = append(t.idle, int32(i))
		t.dispatch()
	case now >= t.end:
		t.closeConn(i)
	default:
		t.sendNext(i, now)
	}
}

// sendNext writes the next keep-alive request on slot i.
func (t *loadThread) sendNext(i int, start int64) {
	c := &t.conns[i]
	now := t.now()
	c.tStart, c.deadline = start, now+int64(t.cfg.timeout)
	if err := t.write(i, now); err != nil {
		t.fail(i, errKind(err), err)
	}
}

// finish ends slot i's connection after its last response.
func (t *loadThread) finish(i int) { t.closeConn(i) }

// fail counts an error on slot i and frees it.
func (t *loadThread) fail(i int, kind int, err error) {
	detail := ""
	if kind == errOther && err != nil {
		detail = errName(err)
	}
	t.countErr(t.now(), kind, detail)
	t.closeConn(i)
}

func (t *loadThread) countErr(now int64, kind int, detail string) {
	for _, s := range []*loadStats{&t.tot, &t.win} {
		if s == &t.win && !t.inWindow(now) {
			continue
		}
		s.errs[kind]++
		if detail != "" {
			if s.other == nil {
				s.other = map[string]uint64{}
			}
			s.other[detail]++
		}
	}
}

// closeConn closes slot i's socket and makes the slot available again.
func (t *loadThread) closeConn(i int) {
	c := &t.conns[i]
	if c.state == stFree && c.fd < 0 {
		return // already available
	}
	if c.fd >= 0 {
		rawClose(int(c.fd))
	}
	c.fd, c.state, c.events = -1, stFree, 0
	if t.openLoop() {
		t.free = append(t.free, int32(i)) // dispatch at the top of the loop
	} else {
		t.pending = append(t.pending, int32(i))
	}
}

// expire fails the requests that have waited longer than --timeout.
func (t *loadThread) expire(now int64) {
	for i := range t.conns {
		c := &t.conns[i]
		if (c.state == stConnecting || c.state == stSent || c.state == stClosing) && now >= c.deadline {
			t.countErr(now, errTimeout, "")
			t.closeConn(i)
		}
	}
}

// closeIdle closes idle keep-alive connections once the run is over.
func (t *loadThread) closeIdle() {
	for _, i := range t.idle {
		if t.conns[i].state == stIdle {
			c := &t.conns[i]
			rawClose(int(c.fd))
			c.fd, c.state, c.events = -1, stFree, 0
		}
	}
	t.idle = t.idle[:0]
}

// abandon closes whatever is left when the thread stops: requests still in
// flight at the quit time are timeouts, arrivals that never got a
// connection are unsent.
func (t *loadThread) abandon(now int64) {
	for _, at := range t.queue[t.qhead:] {
		t.tot.unsent++
		if t.inWindow(at) {
			t.win.unsent++
		}
	}
	t.queue, t.qhead = t.queue[:0], 0
	for i := range t.conns {
		c := &t.conns[i]
		if c.state == stConnecting || c.state == stSent {
			t.countErr(now, errTimeout, "")
		}
		if c.fd >= 0 {
			rawClose(int(c.fd))
			c.fd, c.state = -1, stFree
		}
	}
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
