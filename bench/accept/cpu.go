package accept

import (
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// threadCPU is the CPU time of one server thread (a worker or the acceptor),
// read from the kernel's per-thread clock with nanosecond resolution. Only
// the server's own threads count: Go runtime threads (GC, sysmon) and the
// softirq work that the kernel does on the client's CPU for loopback
// handshakes are not in it, which the report says.
type threadCPU struct {
	tid  atomic.Int32
	base int64        // the thread's clock when the worker started on it (Go reuses threads)
	end  atomic.Int64 // the clock when the worker finished; valid once done is closed
	done chan struct{}
}

func newThreadCPU() *threadCPU { return &threadCPU{done: make(chan struct{})} }

// begin runs on the (locked) thread when the worker starts.
func (t *threadCPU) begin() {
	t.base = selfCPU()
	t.tid.Store(int32(unix.Gettid()))
}

// finish runs on the thread when the worker ends.
func (t *threadCPU) finish() {
	t.end.Store(selfCPU())
	close(t.done)
}

// used returns the CPU nanoseconds the thread spent since begin.
func (t *threadCPU) used() int64 {
	select {
	case <-t.done:
		return t.end.Load() - t.base
	default:
	}
	tid := t.tid.Load()
	if tid == 0 {
		return 0
	}
	// MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED): another thread's clock, readable
	// inside the same process (include/linux/posix-timers_types.h).
	clock := int32(uint32(^tid)<<3) | 6
	var ts unix.Timespec
	if err := unix.ClockGettime(clock, &ts); err != nil {
		// The thread ended between the check and the read.
		<-t.done
		return t.end.Load() - t.base
	}
	return ts.Nano() - t.base
}

func selfCPU() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}
