package copy

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// msgZerocopy sends from a shared mapping of the file with
// send(MSG_ZEROCOPY): the kernel pins the pages and hands them to the
// device instead of copying them into the socket buffer, and later reports
// on the socket's error queue which sends it is done with (only then may a
// sender reuse or unmap the memory). See
// https://github.com/torvalds/linux/blob/master/Documentation/networking/msg_zerocopy.rst
//
// Pinning and the completion round trip cost more than a copy for small
// sends; and when the data is delivered to a local socket (loopback, and
// veth between namespaces on one host) the kernel copies it anyway and says
// so (SO_EE_CODE_ZEROCOPY_COPIED), which the run records.
func (s *sender) msgZerocopy() error {
	fd := s.out[0]
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ZEROCOPY, 1); err != nil {
		return fmt.Errorf("setsockopt SO_ZEROCOPY: %w", err)
	}
	m, err := unix.Mmap(s.fd, 0, int(s.size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("mmap: %w", err)
	}
	defer unix.Munmap(m)
	if err := unix.Madvise(m, unix.MADV_SEQUENTIAL); err != nil {
		return fmt.Errorf("madvise: %w", err)
	}
	s.calls += 3 // setsockopt, mmap, madvise
	oob := make([]byte, 256)
	return guardFaults(m, func() error {
		var sends int64 // successful sends; each gets one notification id
		for off := int64(0); off < s.size; {
			end := min(off+int64(s.chunk), s.size)
			n, err := s.retry(func() (int, error) { return unix.SendmsgN(fd, m[off:end], nil, nil, unix.MSG_ZEROCOPY) })
			switch {
			case errors.Is(err, unix.ENOBUFS):
				// Too many pinned pages outstanding (the socket's
				// optmem_max budget): wait for completions, then resend.
				if err := s.reap(fd, oob, true); err != nil {
					return err
				}
				continue
			case errors.Is(err, unix.EFAULT):
				return s.shrankError(off, fmt.Errorf("send: %w", err))
			case err != nil:
				return fmt.Errorf("send MSG_ZEROCOPY: %w", err)
			}
			off += int64(n)
			sends++
			// Reap now and then, not after every send: each reap is a
			// syscall, and completions coalesce into ranges.
			if sends-s.zcDone >= 64 {
				if err := s.reap(fd, oob, false); err != nil {
					return err
				}
			}
		}
		// The pages may not be unmapped before the kernel is done with them.
		for s.zcDone < sends {
			if err := s.reap(fd, oob, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// reap reads zerocopy completions from the error queue; with block it
// first waits (poll reports POLLERR while the queue is not empty).
func (s *sender) reap(fd int, oob []byte, block bool) error {
	if block {
		pfd := []unix.PollFd{{Fd: int32(fd)}}
		n, err := s.retry(func() (int, error) { return unix.Poll(pfd, 10_000) })
		if err != nil {
			return fmt.Errorf("poll error queue: %w", err)
		}
		if n == 0 {
			return errors.New("no MSG_ZEROCOPY completion within 10 s")
		}
	}
	for {
		var oobn int
		_, err := s.retry(func() (int, error) {
			var err error
			_, oobn, _, _, err = unix.Recvmsg(fd, nil, oob, unix.MSG_ERRQUEUE|unix.MSG_DONTWAIT)
			return 0, err
		})
		if errors.Is(err, unix.EAGAIN) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("recvmsg MSG_ERRQUEUE: %w", err)
		}
		done, copied, err := parseCompletions(oob[:oobn])
		if err != nil {
			return err
		}
		s.zcDone += done
		s.zcCopied += copied
	}
}

// parseCompletions decodes the control messages of one error-queue read:
// struct sock_extended_err (include/uapi/linux/errqueue.h) under
// IP_RECVERR or IPV6_RECVERR. A zerocopy notification covers the send ids
// ee_info..ee_data inclusive (the kernel merges consecutive ones).
func parseCompletions(oob []byte) (done, copied int64, err error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return 0, 0, fmt.Errorf("parse error-queue message: %w", err)
	}
	for _, c := range msgs {
		ip4 := c.Header.Level == unix.SOL_IP && c.Header.Type == unix.IP_RECVERR
		ip6 := c.Header.Level == unix.SOL_IPV6 && c.Header.Type == unix.IPV6_RECVERR
		if !ip4 && !ip6 {
			continue
		}
		if len(c.Data) < 16 {
			return 0, 0, fmt.Errorf("short sock_extended_err: %d bytes", len(c.Data))
		}
		e := binary.NativeEndian
		errno, origin, code := e.Uint32(c.Data[0:4]), c.Data[4], c.Data[6]
		info, data := e.Uint32(c.Data[8:12]), e.Uint32(c.Data[12:16])
		if origin != unix.SO_EE_ORIGIN_ZEROCOPY {
			return 0, 0, fmt.Errorf("error queue: %w", unix.Errno(errno))
		}
		n := int64(data-info) + 1 // uint32 ids wrap; the difference does not
		done += n
		if code&unix.SO_EE_CODE_ZEROCOPY_COPIED != 0 {
			copied += n
		}
	}
	return done, copied, nil
}
