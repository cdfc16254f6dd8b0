package copy

import (
	"fmt"
	"io"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// ioCopy is what a Go program does without thinking: io.Copy from an
// *os.File. Go picks the path itself (sendfile to a TCP or unix socket,
// splice or copy_file_range to a pipe, a 32 KiB buffer otherwise), through
// non-blocking fds and the netpoller, so the goroutine may move between
// threads: its CPU is the whole process's, and its syscalls are not counted.
// It is a reference row, not a method this package controls.
func (s *sender) ioCopy() error {
	src, err := dupFile(s.fd, "file")
	if err != nil {
		return err
	}
	defer src.Close()
	out, err := dupFile(s.out[0], "transport")
	if err != nil {
		return err
	}
	var dst io.WriteCloser = out
	if !s.outPipe {
		c, err := net.FileConn(out) // dups again; out is closed below
		out.Close()
		if err != nil {
			return fmt.Errorf("wrap socket: %w", err)
		}
		dst = c
	}
	n, err := io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("io.Copy: %w", err)
	}
	if n < s.size {
		return s.shrankError(n, nil)
	}
	return nil
}

// dupFile wraps a duplicate of fd, so closing the *os.File leaves fd open
// for its owner.
func dupFile(fd int, name string) (*os.File, error) {
	d, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("dup %s: %w", name, err)
	}
	return os.NewFile(uintptr(d), name), nil
}
