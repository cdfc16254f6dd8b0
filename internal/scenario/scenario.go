// Package scenario makes network problems happen for real, inside network
// namespaces built with internal/netns: a listener whose accept queue
// overflows, a UDP flood that overruns the softnet backlog, many TIME_WAIT
// sockets toward one destination. The fixture maker and the integration
// tests of netvet check use the same scenarios, so a recorded fixture and a
// live test exercise the same kernel paths.
//
// Sockets are made with raw syscalls: the listen(2) backlog is the point of
// the exercise, and Go's net package would silently use somaxconn.
package scenario

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netvet/netvet/internal/netns"
)

// Load is something running in the background until Stop.
type Load struct {
	stop chan struct{}
	done chan error
	once sync.Once
	err  error
}

func newLoad() *Load { return &Load{stop: make(chan struct{}), done: make(chan error, 1)} }

// Stop ends the load and returns its first error.
func (l *Load) Stop() error {
	l.once.Do(func() {
		close(l.stop)
		l.err = <-l.done
	})
	return l.err
}

func (l *Load) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

// sockaddr turns "10.1.0.2:80" into a unix.Sockaddr.
func sockaddr(ap netip.AddrPort) unix.Sockaddr {
	if ap.Addr().Is4() {
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	}
	return &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
}

func family(ap netip.AddrPort) int {
	if ap.Addr().Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// Listen opens a TCP listener on addr inside ns with the given listen(2)
// backlog and returns its fd. The caller closes it.
func Listen(ns *netns.NS, addr netip.AddrPort, backlog int) (int, error) {
	var fd int
	err := ns.Do(func() error {
		var err error
		fd, err = unix.Socket(family(addr), unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("socket: %w", err)
		}
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			unix.Close(fd)
			return fmt.Errorf("SO_REUSEADDR: %w", err)
		}
		if err := unix.Bind(fd, sockaddr(addr)); err != nil {
			unix.Close(fd)
			return fmt.Errorf("bind %s: %w", addr, err)
		}
		if err := unix.Listen(fd, backlog); err != nil {
			unix.Close(fd)
			return fmt.Errorf("listen %s: %w", addr, err)
		}
		return nil
	})
	return fd, err
}

// ListenOverflow starts a listener on addr with a tiny backlog that never
// accepts, and a client that opens a new connection every interval. Once
// backlog+1 connections wait in the accept queue, each new SYN (and each
// retransmitted one) is dropped: TcpExt.ListenOverflows and ListenDrops
// rise for as long as the load runs (tcp_conn_request in
// net/ipv4/tcp_input.c: sk_acceptq_is_full → LINUX_MIB_LISTENOVERFLOWS).
func ListenOverflow(ns *netns.NS, addr netip.AddrPort, backlog int, every time.Duration) (*Load, error) {
	lfd, err := Listen(ns, addr, backlog)
	if err != nil {
		return nil, err
	}
	l := newLoad()
	go func() {
		var clients []int
		err := ns.Do(func() error {
			t := time.NewTicker(every)
			defer t.Stop()
			for !l.stopped() {
				fd, err := unix.Socket(family(addr), unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
				if err != nil {
					return fmt.Errorf("client socket: %w", err)
				}
				clients = append(clients, fd)
				if err := unix.Connect(fd, sockaddr(addr)); err != nil && !errors.Is(err, unix.EINPROGRESS) {
					return fmt.Errorf("connect %s: %w", addr, err)
				}
				select {
				case <-t.C:
				case <-l.stop:
				}
			}
			return nil
		})
		for _, fd := range clients {
			unix.Close(fd)
		}
		unix.Close(lfd)
		l.done <- err
	}()
	return l, nil
}

// UDPFlood sends small UDP datagrams from inside ns to dst as fast as one
// thread can (sendmmsg batches), until Stop. Over a veth whose peer queue
// has RPS to another CPU and a small net.core.netdev_max_backlog, the
// receiving CPU's backlog overflows and softnet_stat's dropped column rises
// (enqueue_to_backlog in net/core/dev.c).
func UDPFlood(ns *netns.NS, dst netip.AddrPort, size int) (*Load, error) {
	l := newLoad()
	ready := make(chan error, 1)
	go func() {
		err := ns.Do(func() error {
			fd, err := unix.Socket(family(dst), unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				ready <- err
				return err
			}
			defer unix.Close(fd)
			if err := unix.Connect(fd, sockaddr(dst)); err != nil {
				ready <- err
				return err
			}
			// Keep the sender off the CPU that RPS steers to: on the same
			// CPU each packet is drained by the softirq that runs as soon
			// as the send re-enables bottom halves, and no backlog builds.
			var set unix.CPUSet
			set.Set(0)
			_ = unix.SchedSetaffinity(0, &set)
			ready <- nil
			payload := make([]byte, size)
			for i := 0; !l.stopped(); i++ {
				payload[0] = byte(i)
				// ECONNREFUSED comes back when the far side answers with ICMP
				// port unreachable; ENOBUFS when the local qdisc is full.
				// Both are expected under a flood.
				if _, err := unix.Write(fd, payload); err != nil &&
					!errors.Is(err, unix.ECONNREFUSED) && !errors.Is(err, unix.ENOBUFS) && !errors.Is(err, unix.EAGAIN) {
					return fmt.Errorf("udp send to %s: %w", dst, err)
				}
			}
			return nil
		})
		l.done <- err
	}()
	if err := <-ready; err != nil {
		l.Stop()
		return nil, fmt.Errorf("udp flood to %s: %w", dst, err)
	}
	return l, nil
}

// TimeWait opens n connections from inside ns to a listener at dst (which
// must accept: see Accepting) and closes each from the client side first,
// leaving n client sockets in TIME_WAIT toward one destination — what a
// proxy without keep-alive does to a backend.
func TimeWait(ns *netns.NS, dst netip.AddrPort, n int) error {
	return ns.Do(func() error {
		for i := 0; i < n; i++ {
			fd, err := unix.Socket(family(dst), unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return fmt.Errorf("socket: %w", err)
			}
			if err := unix.Connect(fd, sockaddr(dst)); err != nil {
				unix.Close(fd)
				return fmt.Errorf("connect %d to %s: %w", i, dst, err)
			}
			unix.Close(fd)
		}
		return nil
	})
}

// Accepting runs a listener on addr inside ns that accepts and closes every
// connection (after the client's FIN, so the client side ends in TIME_WAIT).
func Accepting(ns *netns.NS, addr netip.AddrPort) (*Load, error) {
	lfd, err := Listen(ns, addr, 4096)
	if err != nil {
		return nil, err
	}
	l := newLoad()
	go func() {
		buf := make([]byte, 64)
		for !l.stopped() {
			pfd := []unix.PollFd{{Fd: int32(lfd), Events: unix.POLLIN}}
			if n, _ := unix.Poll(pfd, 100); n <= 0 {
				continue
			}
			fd, _, err := unix.Accept4(lfd, unix.SOCK_CLOEXEC)
			if err != nil {
				continue
			}
			// Wait for the client's FIN (read returns 0) before closing, so
			// the client closes first and holds the TIME_WAIT.
			_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: 2})
			unix.Read(fd, buf)
			unix.Close(fd)
		}
		unix.Close(lfd)
		l.done <- nil
	}()
	return l, nil
}
