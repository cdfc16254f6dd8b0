package copy

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// link is one run's connected transport: the sender's fds and the sink's
// ends, which are handed to the sink process and then closed here. All fds
// are blocking (the sender loops block in the kernel like a thread-per-
// connection server) and close-on-exec (so no sink inherits another's end
// and misses its EOF).
type link struct {
	send []int
	sink []*os.File
}

func (l *link) closeSend() {
	for i, fd := range l.send {
		if fd >= 0 {
			unix.Close(fd)
			l.send[i] = -1
		}
	}
}

func (l *link) closeSink() {
	for _, f := range l.sink {
		f.Close()
	}
	l.sink = nil
}

// openLink connects streams independent sender→sink channels over tr.
// pipeSize is applied to pipe transports (the same capacity the splice
// methods give their own pipes). nets is the namespace pair for veth.
func openLink(tr Transport, streams, pipeSize int, nets *vethPair) (l *link, err error) {
	l = &link{}
	defer func() {
		if err != nil {
			l.closeSend()
			l.closeSink()
		}
	}()
	for i := range streams {
		var snd, snk int
		switch tr {
		case TCP:
			snd, snk, err = tcpPair(-1, -1, [4]byte{127, 0, 0, 1})
		case Veth:
			if nets == nil {
				return nil, errors.New("veth: no namespaces")
			}
			snd, snk, err = tcpPair(nets.send, nets.sink, nets.sendAddr)
		case Unix:
			var p [2]int
			p, err = unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			snd, snk = p[0], p[1]
		case Pipe:
			snk, snd, _, err = newPipe(pipeSize)
		default:
			err = fmt.Errorf("unknown transport %q", tr)
		}
		if err != nil {
			return l, fmt.Errorf("%s: %w", tr, err)
		}
		l.send = append(l.send, snd)
		l.sink = append(l.sink, os.NewFile(uintptr(snk), fmt.Sprintf("%s-sink-%d", tr, i)))
	}
	return l, nil
}

// tcpPair returns a connected TCP pair: the sender end is the accepted
// socket (a server serving a file), the sink end the client. Each socket is
// made in its network namespace (-1: this one) and keeps it for life, so
// after the setup nothing here runs inside the namespaces. The sender
// listens on listenAddr and the sink dials it.
func tcpPair(sendNS, sinkNS int, listenAddr [4]byte) (snd, snk int, err error) {
	ln, err := socketIn(sendNS)
	if err != nil {
		return -1, -1, err
	}
	defer unix.Close(ln)
	if err := unix.Bind(ln, &unix.SockaddrInet4{Addr: listenAddr}); err != nil {
		return -1, -1, fmt.Errorf("bind: %w", err)
	}
	if err := unix.Listen(ln, 1); err != nil {
		return -1, -1, fmt.Errorf("listen: %w", err)
	}
	sa, err := unix.Getsockname(ln)
	if err != nil {
		return -1, -1, fmt.Errorf("getsockname: %w", err)
	}
	c, err := socketIn(sinkNS)
	if err != nil {
		return -1, -1, err
	}
	if err := connectTimeout(c, sa, 5000); err != nil {
		unix.Close(c)
		return -1, -1, err
	}
	var a int
	for {
		a, _, err = unix.Accept4(ln, unix.SOCK_CLOEXEC)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		unix.Close(c)
		return -1, -1, fmt.Errorf("accept: %w", err)
	}
	return a, c, nil
}

// connectTimeout connects fd to sa within ms milliseconds. A blocking
// connect(2) cannot be used: a signal (Go's preemption, SIGCHLD from the
// previous sink) interrupts it with EINTR while the handshake goes on, and
// a broken veth setup would hang for the SYN retry budget of two minutes.
// So the socket is non-blocking for the connect, polled, and made blocking
// again for the transfer.
func connectTimeout(fd int, sa unix.Sockaddr, ms int) error {
	if err := unix.SetNonblock(fd, true); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	err := unix.Connect(fd, sa)
	if err == unix.EINPROGRESS || err == unix.EINTR {
		deadline := time.Now().Add(time.Duration(ms) * time.Millisecond)
		for {
			pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
			left := int(time.Until(deadline).Milliseconds())
			if left <= 0 {
				return fmt.Errorf("connect: no answer within %d ms", ms)
			}
			n, perr := unix.Poll(pfd, left)
			if perr == unix.EINTR || (perr == nil && n == 0) {
				continue
			}
			if perr != nil {
				return fmt.Errorf("connect: poll: %w", perr)
			}
			break
		}
		soerr, gerr := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if gerr != nil {
			return fmt.Errorf("connect: %w", gerr)
		}
		err = nil
		if soerr != 0 {
			err = unix.Errno(soerr)
		}
	}
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	return nil
}

// socketIn makes a blocking TCP socket in network namespace ns (an fd of
// /proc/.../ns/net; -1 for the current one). setns(2) changes only the
// calling thread, so it runs on a locked thread that is switched back
// afterwards; if switching back fails the goroutine ends still locked and
// Go discards the thread rather than reuse it in the wrong namespace.
func socketIn(ns int) (int, error) {
	mk := func() (int, error) {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return -1, fmt.Errorf("socket: %w", err)
		}
		return fd, nil
	}
	if ns < 0 {
		return mk()
	}
	type result struct {
		fd  int
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			runtime.UnlockOSThread()
			ch <- result{-1, fmt.Errorf("open own network namespace: %w", err)}
			return
		}
		defer unix.Close(orig)
		if err := unix.Setns(ns, unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			ch <- result{-1, fmt.Errorf("setns: %w", err)}
			return
		}
		fd, err := mk()
		if rerr := unix.Setns(orig, unix.CLONE_NEWNET); rerr != nil {
			if fd >= 0 {
				unix.Close(fd)
			}
			ch <- result{-1, fmt.Errorf("setns back: %w", rerr)} // thread stays locked and dies
			return
		}
		runtime.UnlockOSThread()
		ch <- result{fd, err}
	}()
	r := <-ch
	return r.fd, r.err
}
