package accept

import "golang.org/x/sys/unix"

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
			t.closeConn(i)
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
		t.closeConn(i)
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
