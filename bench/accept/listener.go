package accept

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// listenOpts describes one listening socket.
type listenOpts struct {
	port      int  // 0: let the kernel choose (the first socket of a group)
	reuseport bool // SO_REUSEPORT: join the group bound to port
	backlog   int
	nonblock  bool          // for epoll models; blocking models block in accept(2)
	acceptTO  time.Duration // blocking accept(2) returns EAGAIN after this (SO_RCVTIMEO), so a blocked worker notices it should stop
}

// listenTCP creates a listening socket on 127.0.0.1 and returns it with the
// port it is bound to. Call it inside the bench's namespace (netns.Do).
func listenTCP(o listenOpts) (fd, port int, err error) {
	typ := unix.SOCK_STREAM | unix.SOCK_CLOEXEC
	if o.nonblock {
		typ |= unix.SOCK_NONBLOCK
	}
	fd, err = unix.Socket(unix.AF_INET, typ, 0)
	if err != nil {
		return -1, 0, fmt.Errorf("socket: %w", err)
	}
	fail := func(what string, err error) (int, int, error) {
		unix.Close(fd)
		return -1, 0, fmt.Errorf("%s: %w", what, err)
	}
	// SO_REUSEADDR: a run binds the port its predecessor's TIME_WAIT
	// connections still hold.
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fail("setsockopt SO_REUSEADDR", err)
	}
	if o.reuseport {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return fail("setsockopt SO_REUSEPORT", err)
		}
	}
	if o.acceptTO > 0 {
		tv := unix.NsecToTimeval(o.acceptTO.Nanoseconds())
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return fail("setsockopt SO_RCVTIMEO", err)
		}
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Port: o.port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return fail(fmt.Sprintf("bind 127.0.0.1:%d", o.port), err)
	}
	if err := unix.Listen(fd, o.backlog); err != nil {
		return fail("listen", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return fail("getsockname", err)
	}
	return fd, sa.(*unix.SockaddrInet4).Port, nil
}

// acceptQueue returns a listener's accept-queue length and limit. For a
// socket in LISTEN, TCP_INFO reports sk_ack_backlog in tcpi_unacked and
// sk_max_ack_backlog in tcpi_sacked (tcp_get_info,
// https://github.com/torvalds/linux/blob/master/net/ipv4/tcp.c).
func acceptQueue(fd int) (queued, limit uint32, err error) {
	ti, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
	if err != nil {
		return 0, 0, fmt.Errorf("getsockopt TCP_INFO: %w", err)
	}
	if ti.State != 10 { // TCP_LISTEN
		return 0, 0, fmt.Errorf("socket is not listening (state %d)", ti.State)
	}
	return ti.Unacked, ti.Sacked, nil
}

// socketCookie returns the kernel's unique id of a socket (SO_COOKIE), the
// value a REUSEPORT_SOCKARRAY lookup returns for a slot.
func socketCookie(fd int) (uint64, error) {
	c, err := unix.GetsockoptUint64(fd, unix.SOL_SOCKET, unix.SO_COOKIE)
	if err != nil {
		return 0, fmt.Errorf("getsockopt SO_COOKIE: %w", err)
	}
	return c, nil
}
