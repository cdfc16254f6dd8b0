package accept

import (
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// acceptTimeout is SO_RCVTIMEO on the listeners that threads block on
// (shared-accept, the handoff acceptor): accept(2) returns EAGAIN that often
// when idle, so a blocked thread notices that it should stop. It costs
// nothing under load: the timeout only runs while the queue is empty.
const acceptTimeout = 100 * time.Millisecond

// blockingLoop is shared-accept: block in accept(2) on the shared listener,
// serve the connection to completion with blocking reads, repeat. This is
// the prefork / thread-per-connection server. The kernel queues blocked
// acceptors FIFO and wakes one per connection (prepare_to_wait_exclusive in
// inet_csk_wait_for_connect), so the spread is even; the price is one thread
// per connection in service: a keep-alive connection holds its thread until
// the client closes it, and the rest wait in the accept queue.
func (w *worker) blockingLoop() {
	buf := make([]byte, 16<<10)
	for {
		switch w.cmd.Load() {
		case cmdPause:
			w.pause()
			continue
		case cmdRetire, cmdStop:
			return
		}
		fd, err := accept4(w.lfd, unix.SOCK_CLOEXEC)
		w.ph = w.srv.phase()
		if err != nil {
			switch err {
			case unix.EAGAIN, unix.EINTR, unix.ECONNABORTED:
			default:
				w.errs.add(w.ph)
			}
			continue
		}
		w.conns.add(w.ph)
		w.active.Add(1)
		w.serveBlocking(fd, buf)
		unix.Close(fd)
		w.active.Add(-1)
	}
}

// serveBlocking answers requests on fd until the client closes or asks to.
// The accepted socket inherits the listener's SO_RCVTIMEO (sk_clone_lock
// copies the sock), so a read waiting for a client that never comes back
// still returns to look at the command.
func (w *worker) serveBlocking(fd int, buf []byte) {
	have := 0
	for {
		n, err := unix.Read(fd, buf[have:])
		w.ph = w.srv.phase()
		switch {
		case err == unix.EAGAIN || err == unix.EINTR:
			if w.cmd.Load() == cmdStop {
				return
			}
			continue
		case err != nil:
			w.errs.add(w.ph)
			return
		case n == 0:
			return
		}
		have += n
		data := buf[:have]
		for {
			m, closeConn := nextRequest(data)
			if m == 0 {
				break
			}
			resp := responseKeep
			if closeConn {
				resp = responseClose
			}
			if k, err := unix.Write(fd, resp); err != nil || k != len(resp) {
				w.errs.add(w.ph)
				return
			}
			w.requests.add(w.ph)
			data = data[m:]
			if closeConn {
				return
			}
		}
		have = copy(buf, data)
		if have >= maxHead {
			w.errs.add(w.ph)
			return
		}
	}
}

// acceptor is acceptor-handoff's listening thread: it blocks in accept(2)
// and puts each connection into the next worker's epoll, round robin. The
// spread is even by construction; the question is whether one thread can
// accept as fast as the workers serve.
type acceptor struct {
	srv   *server
	lfd   int
	stop  atomic.Bool
	errs  atomic.Uint64
	lost  atomic.Uint64 // connections closed because no worker would take them
	clock *threadCPU
}

func (a *acceptor) start() {
	go func() {
		runtime.LockOSThread() // ends with the thread, like the workers
		a.clock.begin()
		defer a.clock.finish()
		next := 0
		for !a.stop.Load() {
			fd, err := accept4(a.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
			ph := a.srv.phase()
			if err != nil {
				switch err {
				case unix.EAGAIN, unix.EINTR, unix.ECONNABORTED:
				default:
					a.errs.Add(1)
				}
				continue
			}
			ws := *a.srv.handoff.Load()
			handed := false
			for range ws {
				w := ws[next%len(ws)]
				next++
				if w.adopt(fd, ph) {
					handed = true
					break
				}
			}
			if !handed {
				unix.Close(fd)
				a.lost.Add(1)
			}
		}
	}()
}
