package accept

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Socket calls that cannot block (non-blocking sockets, close without
// SO_LINGER, epoll_ctl) go through RawSyscall: no entersyscall/exitsyscall
// bookkeeping, so the Go scheduler never hands the thread's P away and back
// around a call that takes a microsecond. Calls that may block (epoll_wait,
// accept(2) and read(2) on blocking sockets) use the ordinary path, which
// lets the runtime run other goroutines meanwhile.

func errnoOf(e unix.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func rawRead(fd int, p []byte) (int, error) {
	n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func rawWrite(fd int, p []byte) (int, error) {
	n, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func rawClose(fd int) error {
	_, _, e := unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
	return errnoOf(e)
}

// rawSocket opens a non-blocking TCP/IPv4 socket.
func rawSocket() (int, error) {
	fd, _, e := unix.RawSyscall(unix.SYS_SOCKET, unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if e != 0 {
		return -1, e
	}
	return int(fd), nil
}

// rawConnect starts a connect(2) on a non-blocking socket.
func rawConnect(fd int, sa *unix.RawSockaddrInet4) error {
	_, _, e := unix.RawSyscall(unix.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(sa)), unix.SizeofSockaddrInet4)
	return errnoOf(e)
}

func rawEpollCtl(ep, op, fd int, ev *unix.EpollEvent) error {
	_, _, e := unix.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(ep), uintptr(op), uintptr(fd), uintptr(unsafe.Pointer(ev)), 0, 0)
	return errnoOf(e)
}

// rawAccept4 accepts on a non-blocking listener without asking for the
// peer's address.
func rawAccept4(fd, flags int) (int, error) {
	nfd, _, e := unix.RawSyscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0, uintptr(flags), 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(nfd), nil
}

// rawSockaddr is an IPv4 address and port in the kernel's layout.
func rawSockaddr(addr [4]byte, port int) unix.RawSockaddrInet4 {
	sa := unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: addr}
	p := (*[2]byte)(unsafe.Pointer(&sa.Port))
	p[0], p[1] = byte(port>>8), byte(port)
	return sa
}

// accept4 is accept4(2) on a blocking listener (it may sleep), without
// asking for the peer address: x/sys's Accept4 allocates a Sockaddr for
// every connection, which at 100k connections/s feeds the GC.
func accept4(fd, flags int) (int, error) {
	nfd, _, e := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), 0, 0, uintptr(flags), 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(nfd), nil
}
