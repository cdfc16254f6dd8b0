package collect

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"golang.org/x/sys/unix"

	"github.com/netvet/netvet/internal/netns"
)

// inNetns runs fn on a goroutine locked to an OS thread that has moved into
// a new, empty network namespace with lo up (never the main thread, see
// netns.OnOwnThread). Sockets belong to the namespace
// of the thread that creates them, so everything fn creates — the test's
// sockets and netvet's netlink dump socket — lives there, and the host's
// sockets are neither seen nor touched.
func inNetns(t testing.TB, fn func() error) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	err := netns.OnOwnThread(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("unshare: %w", err)
		}
		h, err := netlink.NewHandle()
		if err != nil {
			return err
		}
		defer h.Close()
		lo, err := h.LinkByName("lo")
		if err == nil {
			err = h.LinkSetUp(lo)
		}
		if err != nil {
			return fmt.Errorf("lo up: %w", err)
		}
		return fn()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// listenTCP opens a listening socket on 127.0.0.1 with the given backlog and
// returns it with its port.
func listenTCP(backlog int) (int, int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, 0, err
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	if err := unix.Listen(fd, backlog); err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	return fd, sa.(*unix.SockaddrInet4).Port, nil
}

// connectTCP starts a non-blocking connect to 127.0.0.1:port.
func connectTCP(port int) (int, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return -1, err
	}
	err = unix.Connect(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port})
	if err != nil && err != unix.EINPROGRESS {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// TestLiveSocketsNetns builds, in its own namespace, a listener with backlog
// 2 and 5 connections that are never accepted (the accept queue overflows),
// and 12 connections to a second listener closed by the client first (the
// client sides wait in TIME_WAIT); then it reads listeners.json and
// tcp_remotes.json through the live Source and collects them.
func TestLiveSocketsNetns(t *testing.T) {
	var fds []int
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	var s *Snapshot
	var port1, port2 int
	inNetns(t, func() error {
		l1, p1, err := listenTCP(2)
		if err != nil {
			return err
		}
		port1 = p1
		fds = append(fds, l1)
		for range 5 {
			c, err := connectTCP(p1)
			if err != nil {
				return err
			}
			fds = append(fds, c)
		}
		l2, p2, err := listenTCP(128)
		if err != nil {
			return err
		}
		port2 = p2
		fds = append(fds, l2)
		for range 12 {
			c, err := connectTCP(p2)
			if err != nil {
				return err
			}
			pfd := []unix.PollFd{{Fd: int32(c), Events: unix.POLLOUT}}
			if _, err := unix.Poll(pfd, 2000); err != nil {
				return err
			}
			a, _, err := unix.Accept4(l2, unix.SOCK_CLOEXEC)
			if err != nil {
				return err
			}
			unix.Close(c) // the client closes first: it gets TIME_WAIT
			unix.Close(a)
		}
		// The kernel completes the handshakes of the first backlog+1
		// connections (sk_acceptq_is_full is "len > max"); wait for it.
		ctx := context.Background()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			ls, err := readListeners(ctx)
			if err != nil {
				return err
			}
			if len(ls) > 0 && ls[0].Queue >= 3 {
				break
			}
		}
		o := NewLive(LiveOptions{NoEthtool: true})
		defer o.Close()
		src, m, err := o.Source(ctx, 0, true)
		if err != nil {
			return err
		}
		s = NewCollector().Collect(ctx, src, nil, m.Full)
		return nil
	})

	for _, name := range []string{"listeners", "tcp_remotes"} {
		if st, _ := s.StatusOf(name); st.State != StateOK {
			t.Fatalf("%s: %s %s", name, st.State, st.Err)
		}
	}
	want1 := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port1)).String()
	want2 := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port2)).String()
	if len(s.Listeners) != 2 {
		t.Fatalf("listeners = %+v, want the namespace's 2", s.Listeners)
	}
	byLocal := map[string]Listener{}
	for _, l := range s.Listeners {
		byLocal[l.Local] = l
	}
	l1, l2 := byLocal[want1], byLocal[want2]
	if l1.Limit != 2 || l1.Queue < l1.Limit {
		t.Errorf("listener with backlog 2 = %+v, want limit 2 and a full queue", l1)
	}
	if l2.Limit != 128 || l2.Queue != 0 {
		t.Errorf("second listener = %+v, want limit 128, queue 0", l2)
	}
	t.Logf("listeners %+v; remotes %+v", s.Listeners, s.TCPRemotes)
	byRemote := map[string]TCPRemote{}
	for _, r := range s.TCPRemotes {
		byRemote[r.Remote] = r
	}
	if r := byRemote[want2]; r.TimeWait != 12 || r.Established != 0 {
		t.Errorf("remote %s = %+v, want 12 in TIME_WAIT", want2, r)
	}
	// The 5 clients of the full listener: those the kernel answered are
	// established, the rest still in SYN_SENT (other).
	if r := byRemote[want1]; r.Established < 3 || r.Established+r.Other != 5 {
		t.Errorf("remote %s = %+v, want 5 clients, at least 3 established", want1, r)
	}
}
