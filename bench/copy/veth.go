package copy

import (
	"fmt"
	"net"
	"runtime"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// vethMTU is the veth pair's MTU: 1500, what container veths carry, so the
// figures are those of a container's network path (GSO still lets the
// stack move 64 KiB super-packets across the pair).
const vethMTU = 1500

// vethPair is two network namespaces joined by a veth pair: the sender's
// sockets live in one, the sink's in the other, so the traffic crosses the
// veth driver (and both namespaces' IP stacks) as between two containers.
//
// The namespaces are anonymous: made by unshare(2) and held only by the fds
// here and by the sockets made in them. No name is mounted under
// /run/netns, so there is nothing to clean up by hand: when the last fd and
// socket close — at Close, on an error, or when the process dies of any
// signal — the kernel destroys the namespaces and the veth pair with them.
type vethPair struct {
	send, sink         int     // namespace fds
	sendAddr, sinkAddr [4]byte // the veth ends' addresses; the sender listens on sendAddr
}

// newVethPair makes the namespaces and the link. It needs CAP_SYS_ADMIN
// (unshare) and CAP_NET_ADMIN in the new namespaces; the error says so.
func newVethPair() (p *vethPair, err error) {
	// The namespaces are private to the benchmark, so nothing else can
	// collide with these addresses.
	p = &vethPair{send: -1, sink: -1, sendAddr: [4]byte{10, 201, 0, 1}, sinkAddr: [4]byte{10, 201, 0, 2}}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	if p.send, err = newNetns(); err != nil {
		return p, err
	}
	if p.sink, err = newNetns(); err != nil {
		return p, err
	}
	hs, err := netlink.NewHandleAt(netns.NsHandle(p.send))
	if err != nil {
		return p, fmt.Errorf("netlink in sender namespace: %w", err)
	}
	defer hs.Close()
	hk, err := netlink.NewHandleAt(netns.NsHandle(p.sink))
	if err != nil {
		return p, fmt.Errorf("netlink in sink namespace: %w", err)
	}
	defer hk.Close()
	veth := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: "nv-send", MTU: vethMTU},
		PeerName:      "nv-sink",
		PeerNamespace: netlink.NsFd(p.sink),
	}
	if err := hs.LinkAdd(veth); err != nil {
		return p, fmt.Errorf("add veth pair: %w", err)
	}
	for _, side := range []struct {
		h    *netlink.Handle
		name string
		addr [4]byte
	}{{hs, "nv-send", p.sendAddr}, {hk, "nv-sink", p.sinkAddr}} {
		l, err := side.h.LinkByName(side.name)
		if err != nil {
			return p, fmt.Errorf("find %s: %w", side.name, err)
		}
		a := &netlink.Addr{IPNet: &net.IPNet{IP: net.IP(side.addr[:]), Mask: net.CIDRMask(30, 32)}}
		if err := side.h.AddrAdd(l, a); err != nil {
			return p, fmt.Errorf("address %s: %w", side.name, err)
		}
		if err := side.h.LinkSetUp(l); err != nil {
			return p, fmt.Errorf("up %s: %w", side.name, err)
		}
	}
	return p, nil
}

// Close drops this process's references to the namespaces; the kernel
// removes them once the last socket in them is closed too.
func (p *vethPair) Close() {
	if p == nil {
		return
	}
	for _, fd := range []*int{&p.send, &p.sink} {
		if *fd >= 0 {
			unix.Close(*fd)
			*fd = -1
		}
	}
}

// newNetns makes a new, empty network namespace and returns an fd for it,
// leaving every thread where it was (see socketIn for the thread rule).
func newNetns() (int, error) {
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
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			ch <- result{-1, fmt.Errorf("create network namespace (needs root): unshare: %w", err)}
			return
		}
		fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if rerr := unix.Setns(orig, unix.CLONE_NEWNET); rerr != nil {
			if err == nil {
				unix.Close(fd)
			}
			ch <- result{-1, fmt.Errorf("return to own network namespace: %w", rerr)} // thread dies locked
			return
		}
		runtime.UnlockOSThread()
		if err != nil {
			ch <- result{-1, fmt.Errorf("open new network namespace: %w", err)}
			return
		}
		ch <- result{fd, nil}
	}()
	r := <-ch
	return r.fd, r.err
}
