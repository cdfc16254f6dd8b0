package copy

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// spliceFlags: MOVE asks to move pages rather than copy (a hint the kernel
// has ignored since 2.6.21, kept because it documents intent and costs
// nothing); MORE tells TCP more data follows, so it can build full
// segments instead of pushing each chunk (like MSG_MORE).
const spliceFlags = unix.SPLICE_F_MOVE | unix.SPLICE_F_MORE

// newPipe makes a pipe of about size bytes. The kernel rounds to a power of
// two pages; above fs.pipe-max-size it needs CAP_SYS_RESOURCE, so on EPERM
// the size is halved until it fits. It returns the size actually set.
func newPipe(size int) (r, w, got int, err error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return -1, -1, 0, fmt.Errorf("pipe2: %w", err)
	}
	for size >= 4096 {
		got, err = unix.FcntlInt(uintptr(p[1]), unix.F_SETPIPE_SZ, size)
		if err == nil {
			return p[0], p[1], got, nil
		}
		if err != unix.EPERM {
			break
		}
		size /= 2
	}
	got, err = unix.FcntlInt(uintptr(p[1]), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		unix.Close(p[0])
		unix.Close(p[1])
		return -1, -1, 0, fmt.Errorf("F_GETPIPE_SZ: %w", err)
	}
	return p[0], p[1], got, nil
}

// spliceN moves exactly n bytes from pipe read end in to out.
func (s *sender) spliceN(in, out int, n int, flags int) error {
	for n > 0 {
		m, err := s.retry(func() (int, error) {
			k, err := unix.Splice(in, nil, out, nil, n, flags)
			return int(k), err
		})
		if err != nil {
			return err
		}
		if m == 0 {
			return fmt.Errorf("splice moved nothing with %d bytes left in the pipe", n)
		}
		n -= m
	}
	return nil
}

// fillPipe splices the next chunk of the file at *off into pipe write end
// w and returns how many bytes went in (0 at end of file).
func (s *sender) fillPipe(w int, off *int64) (int, error) {
	want := int(min(int64(s.chunk), s.size-*off))
	flags := spliceFlags
	if *off+int64(want) >= s.size {
		flags &^= unix.SPLICE_F_MORE // last chunk: let TCP push it
	}
	return s.retry(func() (int, error) {
		k, err := unix.Splice(s.fd, off, w, nil, want, flags)
		return int(k), err
	})
}

// splice moves page references file → pipe → transport: no copy through
// user space and, to a socket that takes page fragments, no copy at all
// until the receiver reads. A pipe transport is filled straight from the
// file (one splice per chunk); a socket needs the intermediate pipe (two).
func (s *sender) splice() error {
	if s.outPipe {
		for off := int64(0); off < s.size; {
			n, err := s.fillPipe(s.out[0], &off)
			if err != nil {
				return fmt.Errorf("splice file→pipe: %w", err)
			}
			if n == 0 {
				return s.shrankError(off, nil)
			}
		}
		return nil
	}
	r, w, _, err := newPipe(s.pipeSize)
	if err != nil {
		return err
	}
	defer unix.Close(r)
	defer unix.Close(w)
	s.calls += 2 // pipe2, F_SETPIPE_SZ
	for off := int64(0); off < s.size; {
		n, err := s.fillPipe(w, &off)
		if err != nil {
			return fmt.Errorf("splice file→pipe: %w", err)
		}
		if n == 0 {
			return s.shrankError(off, nil)
		}
		flags := spliceFlags
		if off >= s.size {
			flags &^= unix.SPLICE_F_MORE
		}
		if err := s.spliceN(r, s.out[0], n, flags); err != nil {
			return fmt.Errorf("splice pipe→socket: %w", err)
		}
	}
	return nil
}

// tee sends the same stream to two sinks without copying it: each chunk is
// spliced from the file into pipe P, tee(2) duplicates P's page references
// into pipe Q without consuming them, then P is spliced to sink 0 and Q to
// sink 1. tee may duplicate less than asked (Q full); P is then drained by
// exactly that much, since tee always starts from the head of P. With a
// pipe transport, sink 1's pipe is Q itself.
func (s *sender) tee() error {
	pr, pw, _, err := newPipe(s.pipeSize)
	if err != nil {
		return err
	}
	defer unix.Close(pr)
	defer unix.Close(pw)
	s.calls += 2
	qr, qw := -1, s.out[1]
	if !s.outPipe {
		qr, qw, _, err = newPipe(s.pipeSize)
		if err != nil {
			return err
		}
		defer unix.Close(qr)
		defer unix.Close(qw)
		s.calls += 2
	}
	for off := int64(0); off < s.size; {
		n, err := s.fillPipe(pw, &off)
		if err != nil {
			return fmt.Errorf("splice file→pipe: %w", err)
		}
		if n == 0 {
			return s.shrankError(off, nil)
		}
		flags := spliceFlags
		if off >= s.size {
			flags &^= unix.SPLICE_F_MORE
		}
		for n > 0 {
			t, err := s.retry(func() (int, error) {
				k, err := unix.Tee(pr, qw, n, 0)
				return int(k), err
			})
			if err != nil {
				return fmt.Errorf("tee: %w", err)
			}
			if t == 0 {
				return fmt.Errorf("tee duplicated nothing with %d bytes in the pipe", n)
			}
			if err := s.spliceN(pr, s.out[0], t, flags); err != nil {
				return fmt.Errorf("splice to sink 0: %w", err)
			}
			if qr >= 0 {
				if err := s.spliceN(qr, s.out[1], t, flags); err != nil {
					return fmt.Errorf("splice to sink 1: %w", err)
				}
			}
			n -= t
		}
	}
	return nil
}
