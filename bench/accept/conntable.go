package accept

import "golang.org/x/sys/unix"

// connTable is a worker's view of its open connections, indexed by fd (fds
// are small and reused, so a slice beats a map).
type connTable struct {
	state []uint8 // 0 closed or unknown, 1 open, 2 open and in the epoll
	pend  map[int][]byte
}

func (t *connTable) grow(fd int) {
	if fd >= len(t.state) {
		t.state = append(t.state, make([]uint8, fd+1-len(t.state)+64)...)
	}
}

func (t *connTable) seen(fd int) {
	t.grow(fd)
	if t.state[fd] == 0 {
		t.state[fd] = 1
	}
}

// inEpoll notes that fd reported an event, so it is in the epoll (the
// acceptor put it there, or watch did).
func (t *connTable) inEpoll(fd int) {
	t.grow(fd)
	t.state[fd] = 2
}

// watch puts fd into the epoll once.
func (t *connTable) watch(epfd, fd int, w *worker) {
	t.grow(fd)
	if t.state[fd] == 2 {
		return
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(fd)}
	if err := rawEpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil && err != unix.EEXIST {
		w.errs.add(w.ph)
	}
	t.state[fd] = 2
}

func (t *connTable) forget(fd int) {
	if fd < len(t.state) {
		t.state[fd] = 0
	}
	if t.pend != nil {
		delete(t.pend, fd)
	}
}

// partial returns the start of a request that arrived in pieces.
func (t *connTable) partial(fd int) []byte {
	if t.pend == nil {
		return nil
	}
	return t.pend[fd]
}

// keep remembers an incomplete request (nil: there is none).
func (t *connTable) keep(fd int, b []byte) {
	if b == nil {
		if t.pend != nil {
			delete(t.pend, fd)
		}
		return
	}
	if t.pend == nil {
		t.pend = map[int][]byte{}
	}
	t.pend[fd] = append([]byte(nil), b...)
}
