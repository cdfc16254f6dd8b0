package accept

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Commands a worker obeys; the server sets one and wakes the worker.
const (
	cmdRun    int32 = iota
	cmdPause        // stop serving, keep every socket open (tests queue connections this way)
	cmdRetire       // stop taking new connections as the model allows, finish the open ones, exit
	cmdStop         // the run is over: stop taking connections, close what is left, exit
)

// graceEBPF is how long a retiring reuseport-ebpf worker keeps accepting on
// its old listener after its slot points to the new one: handshakes that
// started before the swap complete onto the old listener. On loopback they
// take microseconds; a real network needs an RTT plus SYN-ACK retries.
const graceEBPF = 50 * time.Millisecond

// stopDrain bounds how long a stopping worker waits for its open
// connections to be closed by the (already finished) client.
const stopDrain = time.Second

// worker is one server thread. Its counters are read by the server while it
// runs.
type worker struct {
	srv  *server
	slot int
	lfd  int  // listener it accepts on; -1 for handoff workers
	own  bool // lfd is the worker's own (reuseport models): it closes it
	lnOn bool // the worker still takes connections from lfd (worker's own state)
	epfd int  // -1 for shared-accept
	evfd int  // eventfd that wakes the epoll loop; -1 for shared-accept
	cpu  int  // CPU to pin to, -1 for none

	cmd  atomic.Int32
	wake chan struct{} // a paused worker waits here

	// Counters by phase of the run (see server.phase); ph is the phase as
	// of the worker's last return from the kernel, so the clock is read
	// once per wakeup, not once per connection.
	ph       int
	conns    phased       // connections accepted (or handed to it)
	requests phased       // responses written
	wasted   phased       // wakeups for the listener that found nothing to accept
	errs     phased       // server-side socket errors
	local    phased       // cbpf: connections whose SYN arrived on the worker's CPU
	active   atomic.Int64 // open connections

	// Handoff: the acceptor adds connections under mu unless retired.
	mu      sync.Mutex
	retired bool

	clock       *threadCPU
	startedFlag atomic.Bool // start was called (the thread may not have begun yet)
}

// setCmd changes the command and wakes the worker wherever it waits.
func (w *worker) setCmd(c int32) {
	w.cmd.Store(c)
	if w.evfd >= 0 {
		var one = [8]byte{1}
		unix.Write(w.evfd, one[:])
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// start runs the worker on its own OS thread.
func (w *worker) start() {
	w.startedFlag.Store(true)
	go func() {
		// The thread may be pinned: it must end with the worker, so the
		// goroutine returns while still locked and never unlocks.
		runtime.LockOSThread()
		if w.cpu >= 0 {
			var set unix.CPUSet
			set.Set(w.cpu)
			if err := unix.SchedSetaffinity(0, &set); err != nil {
				w.errs.add(w.ph)
			}
		}
		w.clock.begin()
		defer w.clock.finish()
		if w.epfd < 0 {
			w.blockingLoop()
		} else {
			w.eventLoop()
		}
	}()
}

// pause blocks while the command is cmdPause.
func (w *worker) pause() {
	for w.cmd.Load() == cmdPause {
		<-w.wake
	}
}

// eventLoop serves the epoll models: the listener (if any) and the open
// connections are in the worker's epoll, level-triggered.
func (w *worker) eventLoop() {
	events := make([]unix.EpollEvent, 128)
	buf := make([]byte, 16<<10)
	st := &connTable{}
	w.lnOn = w.lfd >= 0
	var graceEnd, drainEnd time.Time
	defer w.closeAll(st)
	for {
		switch w.cmd.Load() {
		case cmdPause:
			w.pause()
			continue
		case cmdRetire, cmdStop:
			if w.cmd.Load() == cmdStop && drainEnd.IsZero() {
				drainEnd = time.Now().Add(stopDrain)
			}
			if w.lnOn {
				if w.srv.model == ReuseportEBPF && w.cmd.Load() == cmdRetire {
					if graceEnd.IsZero() {
						graceEnd = time.Now().Add(graceEBPF)
					}
					if time.Now().After(graceEnd) {
						// The slot has pointed elsewhere for a while:
						// take what is queued, then close.
						w.acceptSome(st, buf, 1<<30, false)
						w.stopAccepting()
					}
				} else {
					w.stopAccepting()
				}
			}
			if !w.lnOn && w.idle() {
				return
			}
			if !drainEnd.IsZero() && time.Now().After(drainEnd) {
				return
			}
		}
		timeout := -1
		if !graceEnd.IsZero() && w.lnOn {
			timeout = int(time.Until(graceEnd)/time.Millisecond) + 1
		} else if !drainEnd.IsZero() {
			timeout = int(time.Until(drainEnd)/time.Millisecond) + 1
		}
		n, err := unix.EpollWait(w.epfd, events, timeout)
		w.ph = w.srv.phase()
		if err != nil {
			if err != unix.EINTR {
				w.errs.add(w.ph)
			}
			continue
		}
		for i := range n {
			fd := int(events[i].Fd)
			switch {
			case fd == w.evfd:
				var b [8]byte
				unix.Read(w.evfd, b[:])
			case fd == w.lfd && w.lnOn:
				w.acceptSome(st, buf, w.srv.batch, true)
			default:
				st.inEpoll(fd)
				if !w.serve(fd, buf, st) {
					w.closeConn(fd, st)
				}
			}
		}
	}
}

// idle reports whether the worker has no open connection left. A handoff
// worker marks itself retired under mu first, so the acceptor cannot add
// one after the check.
func (w *worker) idle() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.retired = true
	return w.active.Load() == 0
}

// stopAccepting takes the listener out of the worker: a reuseport worker
// closes its own (what is queued on it is reset, or migrated with
// tcp_migrate_req), a shared-epoll worker removes the shared one from its
// epoll, a handoff worker tells the acceptor.
func (w *worker) stopAccepting() {
	w.lnOn = false
	switch {
	case w.own:
		unix.Close(w.lfd)
	case w.lfd >= 0:
		unix.EpollCtl(w.epfd, unix.EPOLL_CTL_DEL, w.lfd, nil)
	}
	w.mu.Lock()
	w.retired = true
	w.mu.Unlock()
}

// acceptSome accepts up to max connections and serves what they already
// sent. Accepting a batch per wakeup is what event-loop servers do (nginx
// multi_accept, libuv); --accept-batch changes it.
func (w *worker) acceptSome(st *connTable, buf []byte, max int, countWasted bool) {
	for i := 0; i < max; i++ {
		fd, err := rawAccept4(w.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err != nil {
			switch err {
			case unix.EAGAIN:
				if i == 0 && countWasted {
					w.wasted.add(w.ph)
				}
				return
			case unix.EINTR, unix.ECONNABORTED:
				continue
			}
			w.errs.add(w.ph)
			return
		}
		w.conns.add(w.ph)
		w.active.Add(1)
		if w.srv.model == ReuseportCBPFCPU {
			if c, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_INCOMING_CPU); err == nil && c == w.cpu {
				w.local.add(w.ph)
			}
		}
		st.seen(fd)
		// The client writes its request right after connecting: read it now
		// rather than pay an epoll round trip; wait in epoll only if it is
		// not there yet or the connection stays open.
		if !w.serve(fd, buf, st) {
			w.closeConn(fd, st)
		}
	}
}

// adopt is the acceptor's handoff: the connection goes straight into the
// worker's epoll, no queue and no wakeup of its own (EPOLLIN is the wakeup).
func (w *worker) adopt(fd, ph int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.retired {
		return false
	}
	w.conns.add(ph)
	w.active.Add(1)
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
	if err := rawEpollCtl(w.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		w.active.Add(-1)
		w.errs.add(ph)
		unix.Close(fd)
	}
	return true
}

// serve reads what the client sent and answers every complete request. It
// returns false when the connection is finished (closed by the client, an
// error, or answered with Connection: close).
func (w *worker) serve(fd int, buf []byte, st *connTable) bool {
	pend := st.partial(fd)
	copy(buf, pend)
	n, err := rawRead(fd, buf[len(pend):])
	switch {
	case err == unix.EAGAIN:
		st.watch(w.epfd, fd, w)
		return true
	case err != nil:
		w.errs.add(w.ph)
		return false
	case n == 0:
		return false
	}
	data := buf[:len(pend)+n]
	for len(data) > 0 {
		m, closeConn := nextRequest(data)
		if m == 0 {
			if len(data) >= maxHead {
				w.errs.add(w.ph)
				return false
			}
			st.keep(fd, data)
			break
		}
		resp := responseKeep
		if closeConn {
			resp = responseClose
		}
		// Responses are tiny: a short write means the client stopped reading.
		if k, err := rawWrite(fd, resp); err != nil || k != len(resp) {
			w.errs.add(w.ph)
			return false
		}
		w.requests.add(w.ph)
		data = data[m:]
		if closeConn {
			return false
		}
	}
	if len(data) == 0 {
		st.keep(fd, nil)
	}
	st.watch(w.epfd, fd, w)
	return true
}

func (w *worker) closeConn(fd int, st *connTable) {
	st.forget(fd)
	rawClose(fd)
	w.active.Add(-1)
}

// closeAll closes what the worker still holds when it exits.
func (w *worker) closeAll(st *connTable) {
	for fd, s := range st.state {
		if s != 0 {
			w.closeConn(fd, st)
		}
	}
	if w.own && w.lnOn {
		// Stopped by the drain deadline before it closed its listener.
		unix.Close(w.lfd)
	}
	unix.Close(w.epfd)
	unix.Close(w.evfd)
}
