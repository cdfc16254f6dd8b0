package accept

import (
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Phases of a run, as the workers see them.
const (
	phaseWarmup = iota // before the client's window
	phaseWindow        // inside it
	phaseDrain         // after it
	nPhases
)

// phased is a counter per phase.
type phased [nPhases]atomic.Uint64

func (p *phased) add(ph int) { p[ph].Add(1) }

// get returns the count of one phase, or of all for phase < 0.
func (p *phased) get(ph int) uint64 {
	if ph >= 0 {
		return p[ph].Load()
	}
	var n uint64
	for i := range p {
		n += p[i].Load()
	}
	return n
}

// phase tells in which part of the client's run the present moment is.
func (s *server) phase() int {
	t := int64(time.Since(s.epoch))
	switch {
	case t < s.winStart.Load():
		return phaseWarmup
	case t < s.winEnd.Load():
		return phaseWindow
	}
	return phaseDrain
}

// setWindow sets the measured window, given in CLOCK_MONOTONIC nanoseconds
// (the clock the client measures with, shared by every process), so that
// both ends count the same interval instead of whenever the parent gets to
// read its pipe (tens of milliseconds late on a busy 2-CPU box). Go's
// monotonic time is CLOCK_MONOTONIC; the offset is taken once, here.
func (s *server) setWindow(startMono, endMono int64) {
	off := monoNow() - int64(time.Since(s.epoch))
	s.winEnd.Store(endMono - off)
	s.winStart.Store(startMono - off)
}

// monoNow reads CLOCK_MONOTONIC.
func monoNow() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}
