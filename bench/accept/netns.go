package accept

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// netns is a network namespace of the bench's own. One OS thread enters it
// with unshare(CLONE_NEWNET) and stays there, running whatever must happen
// inside: creating sockets (a socket belongs to the namespace it was created
// in, and keeps it however many threads use it later), writing the
// namespace's sysctls, reading its /proc/thread-self/net files, and starting
// the load generator (a child inherits the namespace of the thread that
// forks it).
//
// The namespace has no name and no mount: it disappears when the last
// socket, process and thread in it are gone, so a crash of netvet cannot
// leave it behind, and the host's interfaces and sysctls are never touched.
// A nil *netns stands for the host's own namespace: Do runs on the caller.
type netns struct {
	work chan func()
	quit chan struct{}
	gone chan struct{}
}

// newNetns creates the namespace and brings its loopback up (a new
// namespace's lo is down).
func newNetns() (*netns, error) {
	n := &netns{work: make(chan func()), quit: make(chan struct{}), gone: make(chan struct{})}
	ready := make(chan error, 1)
	go n.hold(ready)
	if err := <-ready; err != nil {
		<-n.gone
		return nil, err
	}
	return n, nil
}

// hold enters a new namespace on a thread of its own and serves Do there
// until Close.
func (n *netns) hold(ready chan<- error) {
	runtime.LockOSThread()
	if unix.Gettid() == unix.Getpid() {
		// The main thread: Go cannot end it, it would park it for good,
		// still inside the namespace, and /proc/self/net (which follows
		// the thread-group leader) would show the bench's namespace for
		// the rest of the process. While this goroutine holds the main
		// thread, the next one starts elsewhere.
		inner := make(chan error, 1)
		go n.hold(inner)
		err := <-inner
		runtime.UnlockOSThread()
		ready <- err
		return
	}
	defer close(n.gone)
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		// Still in the host's namespace: the thread may go back to the pool.
		runtime.UnlockOSThread()
		ready <- fmt.Errorf("create network namespace: unshare(CLONE_NEWNET): %w", err)
		return
	}
	// From here on the thread must never run anything else: returning
	// without UnlockOSThread makes the Go runtime end the thread.
	if err := linkUp("lo"); err != nil {
		ready <- fmt.Errorf("bring up lo in the bench's network namespace: %w", err)
		return
	}
	ready <- nil
	for {
		select {
		case f := <-n.work:
			f()
		case <-n.quit:
			return
		}
	}
}

// Do runs f on the thread inside the namespace (on the caller for the host).
func (n *netns) Do(f func() error) error {
	if n == nil {
		return f()
	}
	errc := make(chan error, 1)
	select {
	case n.work <- func() { errc <- f() }:
	case <-n.gone:
		return fmt.Errorf("network namespace already closed")
	}
	return <-errc
}

// Close ends the thread. The namespace itself lives on until its last socket
// is closed and the load generator has exited.
func (n *netns) Close() {
	if n == nil {
		return
	}
	select {
	case <-n.quit:
	default:
		close(n.quit)
	}
	<-n.gone
}

// SetSysctl writes a net.* sysctl of the namespace, given as a path under
// /proc/sys ("net/ipv4/tcp_migrate_req"). /proc/sys/net resolves to the
// namespace of the thread that opens it, so this never reaches the host's
// values; on the host (nil) it refuses rather than change them.
func (n *netns) SetSysctl(name, value string) error {
	if n == nil {
		return fmt.Errorf("refusing to set %s on the host; only inside the bench's own network namespace", sysctlName(name))
	}
	return n.Do(func() error {
		if err := os.WriteFile("/proc/sys/"+name, []byte(value), 0); err != nil {
			return fmt.Errorf("set %s=%s in the bench's network namespace: %w", sysctlName(name), value, err)
		}
		return nil
	})
}

// Sysctl reads a sysctl as seen from the namespace (the host's for nil).
func (n *netns) Sysctl(name string) (string, error) {
	var v string
	err := n.Do(func() error {
		b, err := os.ReadFile("/proc/sys/" + name)
		v = strings.TrimSpace(string(b))
		return err
	})
	return v, err
}

func sysctlName(path string) string { return strings.ReplaceAll(path, "/", ".") }

// linkUp sets IFF_UP on an interface of the calling thread's namespace.
func linkUp(name string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("get flags of %s: %w", name, err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("set %s up: %w", name, err)
	}
	return nil
}
