package copy

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// sender holds one run's sending side. Every method is a loop of raw,
// blocking syscalls on a single locked OS thread, so that thread's rusage
// is the method's CPU cost and calls counts exactly what the method asked
// of the kernel.
type sender struct {
	fd       int   // the file, opened read-only
	size     int64 // bytes to send
	chunk    int   // bytes per call
	out      []int // transport fds: one, or two for tee
	outPipe  bool  // the transport is a pipe: splice/tee write into it directly
	pipeSize int   // F_SETPIPE_SZ for the pipes splice and tee make

	calls int64 // syscalls made by the method (counted by us, not sampled)

	// msg-zerocopy only: send calls whose completion was reaped, and those
	// the kernel reported as copied after all (SO_EE_CODE_ZEROCOPY_COPIED).
	zcDone, zcCopied int64
}

// errShrank marks a run cut short because the file got smaller while it was
// being sent (another process truncated it).
var errShrank = errors.New("file shrank during the transfer")

// shrankError explains a transfer that stopped at off because the file is
// now smaller: the error names the new size and what a real server does
// about it.
func (s *sender) shrankError(off int64, cause error) error {
	var st unix.Stat_t
	now := "unknown"
	if unix.Fstat(s.fd, &st) == nil {
		now = fmt.Sprint(st.Size)
	}
	msg := fmt.Sprintf("%v at offset %d of %d (file is now %s bytes)", errShrank, off, s.size, now)
	if cause != nil {
		msg += fmt.Sprintf(": %v", cause)
	}
	return fmt.Errorf("%s; a server takes an F_SETLEASE read lease on a file it sends to be told before another process truncates it: %w", msg, errShrank)
}

// retry runs a syscall again when a signal interrupted it before it moved
// any data (Go's preemption signal is SA_RESTART, but not every syscall
// restarts), counting every attempt.
func (s *sender) retry(call func() (int, error)) (int, error) {
	for {
		s.calls++
		n, err := call()
		if err != unix.EINTR {
			return n, err
		}
	}
}

// writeAll writes b to fd, resuming after short writes.
func (s *sender) writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := s.retry(func() (int, error) { return unix.Write(fd, b) })
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// readWrite is the classic loop: the page cache is copied into a user
// buffer by read(2), then into the socket buffer by write(2). Two copies
// and two syscalls per chunk: the baseline.
func (s *sender) readWrite() error {
	buf := make([]byte, s.chunk)
	for off := int64(0); off < s.size; {
		want := min(int64(s.chunk), s.size-off)
		n, err := s.retry(func() (int, error) { return unix.Read(s.fd, buf[:want]) })
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if n == 0 {
			return s.shrankError(off, nil)
		}
		if err := s.writeAll(s.out[0], buf[:n]); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		off += int64(n)
	}
	return nil
}

// mmapWrite writes from a shared mapping of the file: one copy (mapping →
// socket buffer) and one syscall per chunk, plus page faults on the mapping
// that MADV_SEQUENTIAL turns into read-ahead.
//
// If another process truncates the file, the pages past the new end vanish
// from the mapping. Here only the kernel touches the mapping (inside
// write), so the fault becomes EFAULT or a short write; a server that reads
// the mapping itself (checksums, TLS, parsing) gets SIGBUS instead, which
// guardFaults turns into an error. Both end the run, not the program.
func (s *sender) mmapWrite() error {
	m, err := unix.Mmap(s.fd, 0, int(s.size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("mmap: %w", err)
	}
	defer unix.Munmap(m)
	if err := unix.Madvise(m, unix.MADV_SEQUENTIAL); err != nil {
		return fmt.Errorf("madvise: %w", err)
	}
	s.calls += 2 // mmap, madvise (munmap is after the clock stops)
	return guardFaults(m, func() error {
		for off := int64(0); off < s.size; off += int64(s.chunk) {
			end := min(off+int64(s.chunk), s.size)
			if err := s.writeAll(s.out[0], m[off:end]); err != nil {
				if errors.Is(err, unix.EFAULT) {
					return s.shrankError(off, fmt.Errorf("write: %w", err))
				}
				return fmt.Errorf("write: %w", err)
			}
		}
		return nil
	})
}

// sendfile moves page-cache pages to the socket inside the kernel: no copy
// to user space, one syscall per chunk. TCP still copies into its own
// buffers unless the device does scatter-gather (loopback and veth do, so
// the pages are referenced, not copied).
func (s *sender) sendfile() error {
	var off int64
	for off < s.size {
		want := int(min(int64(s.chunk), s.size-off))
		n, err := s.retry(func() (int, error) { return unix.Sendfile(s.out[0], s.fd, &off, want) })
		if err != nil {
			return fmt.Errorf("sendfile: %w", err)
		}
		if n == 0 {
			return s.shrankError(off, nil)
		}
	}
	return nil
}
