package accept

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// serverConfig is what the server needs of a Config.
type serverConfig struct {
	model   Model
	workers int
	backlog int
	batch   int
	port    int // 0: the kernel picks
}

// server is one model's workers. Slot i is "worker i"; a restart puts a new
// worker into the slot and retires the old one, and the slot's counts are
// the sum over every worker it had.
type server struct {
	serverConfig
	ns     *netns
	port   int
	shared int        // the shared listener; -1 for the reuseport models
	bpf    *sockarray // reuseport-ebpf
	cpus   []int      // reuseport-cbpf-cpu: the CPU each slot's worker is pinned to

	// The client's window in nanoseconds since epoch; until the client
	// announces it, everything counts as warm-up.
	epoch            time.Time
	winStart, winEnd atomic.Int64

	mu      sync.Mutex
	slots   [][]*worker // every worker of each slot, current last
	acc     *acceptor
	handoff atomic.Pointer[[]*worker] // the acceptor's current workers
	stopped bool
}

// startServer builds the model's listeners and starts its threads.
func startServer(ns *netns, sc serverConfig) (s *server, err error) {
	s = &server{serverConfig: sc, ns: ns, port: sc.port, shared: -1, slots: make([][]*worker, sc.workers), epoch: time.Now()}
	s.winStart.Store(math.MaxInt64)
	s.winEnd.Store(math.MaxInt64)
	defer func() {
		if err != nil {
			s.Stop()
		}
	}()
	switch sc.model {
	case ReuseportEBPF:
		if s.bpf, err = newSockarray(sc.workers); err != nil {
			return s, err
		}
	case ReuseportCBPFCPU:
		if s.cpus, err = pinTargets(sc.workers); err != nil {
			return s, err
		}
	}
	if !sc.model.reuseport() {
		blocking := sc.model == SharedAccept || sc.model == AcceptorHandoff
		o := listenOpts{port: sc.port, backlog: sc.backlog, nonblock: !blocking}
		if blocking {
			o.acceptTO = acceptTimeout
		}
		if err := ns.Do(func() (err error) { s.shared, s.port, err = listenTCP(o); return err }); err != nil {
			return s, fmt.Errorf("%s: %w", sc.model, err)
		}
	}
	// Create every worker (and, for reuseport, every listener, in slot
	// order: the cBPF program's index is the order of joining) before
	// starting any, so the group is complete when the first SYN arrives.
	for i := range sc.workers {
		w, err := s.newWorker(i)
		if err != nil {
			return s, err
		}
		s.slots[i] = []*worker{w}
		if i > 0 {
			continue
		}
		switch sc.model {
		case ReuseportCBPFCPU:
			err = attachCPUProgram(w.lfd, sc.workers)
		case ReuseportEBPF:
			err = s.bpf.Attach(w.lfd)
		}
		if err != nil {
			return s, fmt.Errorf("%s: %w", sc.model, err)
		}
	}
	s.publishHandoff()
	for _, ws := range s.slots {
		ws[0].start()
	}
	if sc.model == AcceptorHandoff {
		s.acc = &acceptor{srv: s, lfd: s.shared, clock: newThreadCPU()}
		s.acc.start()
	}
	return s, nil
}

// newWorker makes slot's next worker, with its own listener for the
// reuseport models (joining the group, and put into its slot for eBPF).
func (s *server) newWorker(slot int) (w *worker, err error) {
	w = &worker{srv: s, slot: slot, lfd: -1, epfd: -1, evfd: -1, cpu: -1,
		wake: make(chan struct{}, 1), clock: newThreadCPU()}
	defer func() {
		if err != nil {
			w.closeFDs()
		}
	}()
	if s.cpus != nil {
		w.cpu = s.cpus[slot]
	}
	switch {
	case s.model == SharedAccept:
		w.lfd = s.shared
		return w, nil
	case s.model.reuseport():
		o := listenOpts{port: s.port, reuseport: true, backlog: s.backlog, nonblock: true}
		if err := s.ns.Do(func() (err error) { w.lfd, s.port, err = listenTCP(o); return err }); err != nil {
			return w, fmt.Errorf("%s: listener of worker %d: %w", s.model, slot, err)
		}
		w.own = true
		if s.bpf != nil {
			if err := s.bpf.Put(slot, w.lfd); err != nil {
				return w, err
			}
		}
	case s.model != AcceptorHandoff:
		w.lfd = s.shared
	}
	if w.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return w, fmt.Errorf("epoll_create1: %w", err)
	}
	if w.evfd, err = unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC); err != nil {
		return w, fmt.Errorf("eventfd: %w", err)
	}
	if err := unix.EpollCtl(w.epfd, unix.EPOLL_CTL_ADD, w.evfd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(w.evfd)}); err != nil {
		return w, fmt.Errorf("epoll_ctl add eventfd: %w", err)
	}
	if w.lfd >= 0 {
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(w.lfd)}
		if s.model == SharedEpollExclusive {
			ev.Events |= unix.EPOLLEXCLUSIVE
		}
		if err := unix.EpollCtl(w.epfd, unix.EPOLL_CTL_ADD, w.lfd, &ev); err != nil {
			return w, fmt.Errorf("epoll_ctl add listener: %w", err)
		}
	}
	return w, nil
}

// closeFDs releases a worker that never started.
func (w *worker) closeFDs() {
	if w.own && w.lfd >= 0 {
		unix.Close(w.lfd)
	}
	if w.epfd >= 0 {
		unix.Close(w.epfd)
	}
	if w.evfd >= 0 {
		unix.Close(w.evfd)
	}
}

func (s *server) publishHandoff() {
	cur := make([]*worker, len(s.slots))
	for i, ws := range s.slots {
		if len(ws) > 0 {
			cur[i] = ws[len(ws)-1]
		}
	}
	s.handoff.Store(&cur)
}

// Restart replaces slot's worker the way a graceful restart does: the new
// worker is ready first (for reuseport: its listener is in the group, and
// for eBPF in the slot), then the old one stops taking connections as the
// model allows and finishes the ones it has.
func (s *server) Restart(slot int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return errors.New("server stopped")
	}
	old := s.slots[slot][len(s.slots[slot])-1]
	w, err := s.newWorker(slot)
	if err != nil {
		return err
	}
	s.slots[slot] = append(s.slots[slot], w)
	s.publishHandoff()
	w.start()
	old.setCmd(cmdRetire)
	return nil
}

// setCmd sends a command to slot's current worker (tests pause and resume).
func (s *server) setCmd(slot int, c int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := s.slots[slot]
	ws[len(ws)-1].setCmd(c)
}

// current returns slot's current worker.
func (s *server) current(slot int) *worker {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := s.slots[slot]
	return ws[len(ws)-1]
}

// Stop ends every thread and closes every socket. Call it after the client
// has finished: workers wait up to a second for their connections to close.
func (s *server) Stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	var all []*worker
	for _, ws := range s.slots {
		all = append(all, ws...)
	}
	s.mu.Unlock()
	if s.acc != nil {
		s.acc.stop.Store(true)
		<-s.acc.clock.done
	}
	for _, w := range all {
		if !w.startedFlag.Load() {
			w.closeFDs()
			continue
		}
		w.setCmd(cmdStop)
	}
	for _, w := range all {
		if w.startedFlag.Load() {
			<-w.clock.done
		}
	}
	if s.shared >= 0 {
		unix.Close(s.shared)
	}
	if s.bpf != nil {
		s.bpf.Close()
	}
}

// slotCount is what one slot's workers did.
type slotCount struct {
	Conns, Requests, Wasted, Errors, Local uint64
	Restarts                               int
}

// counts sums each slot's workers' counters of one phase (all for ph < 0).
func (s *server) counts(ph int) []slotCount {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]slotCount, len(s.slots))
	for i, ws := range s.slots {
		out[i].Restarts = len(ws) - 1
		for _, w := range ws {
			out[i].Conns += w.conns.get(ph)
			out[i].Requests += w.requests.get(ph)
			out[i].Wasted += w.wasted.get(ph)
			out[i].Errors += w.errs.get(ph)
			out[i].Local += w.local.get(ph)
		}
	}
	return out
}

// cpuMark is each server thread's CPU time at one moment.
type cpuMark map[*threadCPU]int64

func (s *server) clocks() []*threadCPU {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*threadCPU
	for _, ws := range s.slots {
		for _, w := range ws {
			out = append(out, w.clock)
		}
	}
	if s.acc != nil {
		out = append(out, s.acc.clock)
	}
	return out
}

func (s *server) markCPU() cpuMark {
	m := cpuMark{}
	for _, c := range s.clocks() {
		m[c] = c.used()
	}
	return m
}

// cpuSince returns the server threads' CPU nanoseconds since the mark,
// including threads that started or ended in between.
func (s *server) cpuSince(m cpuMark) int64 {
	var sum int64
	for _, c := range s.clocks() {
		sum += c.used() - m[c]
	}
	return sum
}

// pinTargets returns the CPU for each of n pinned workers: worker i on CPU
// i when the process may run there (the cBPF program returns CPU % n), else
// on the allowed CPUs in turn.
func pinTargets(n int) ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("sched_getaffinity: %w", err)
	}
	var allowed []int
	for c := range 1024 {
		if set.IsSet(c) {
			allowed = append(allowed, c)
		}
	}
	if len(allowed) == 0 {
		return nil, errors.New("sched_getaffinity: no CPU allowed")
	}
	out := make([]int, n)
	for i := range out {
		if i < 1024 && set.IsSet(i) {
			out[i] = i
		} else {
			out[i] = allowed[i%len(allowed)]
		}
	}
	return out, nil
}
