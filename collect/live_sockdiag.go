package collect

import (
	"context"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// TCP socket dumps over NETLINK_SOCK_DIAG (what `ss` uses), written against
// the kernel ABI in include/uapi/linux/inet_diag.h and served by
// net/ipv4/inet_diag.c. The reply is parsed in place, one message at a time,
// so 100k sockets cost no per-socket allocation.
//
// For a listening socket the kernel reports the accept queue in the queue
// fields: idiag_rqueue = sk_ack_backlog (connections waiting for accept) and
// idiag_wqueue = sk_max_ack_backlog (the listen() backlog capped by
// somaxconn); see tcp_diag_get_info in
// https://github.com/torvalds/linux/blob/master/net/ipv4/tcp_diag.c
//
// Sockets belong to the network namespace of the thread that creates the
// netlink socket: a caller that wants another namespace runs these from a
// locked OS thread that did setns(2) (see live_integration_test.go).

// TCP states (include/net/tcp_states.h).
const (
	tcpEstablished = 1
	tcpTimeWait    = 6
	tcpListen      = 10
	tcpMaxStates   = 13 // TCP_NEW_SYN_RECV is 12
)

// Sizes of the ABI structs.
const (
	sizeofReqV2    = 56 // struct inet_diag_req_v2
	sizeofDiagMsg  = 72 // struct inet_diag_msg
	diagRecvBuffer = 1 << 16
)

// diagSocket is one netlink socket for a series of dumps.
type diagSocket struct {
	fd  int
	seq uint32
	buf []byte
}

func openDiag() (*diagSocket, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, fmt.Errorf("sock_diag socket: %w", err)
	}
	return &diagSocket{fd: fd, buf: make([]byte, diagRecvBuffer)}, nil
}

func (d *diagSocket) close() { unix.Close(d.fd) }

// diagMsg is the part of one struct inet_diag_msg that netvet reads.
type diagMsg struct {
	family uint8
	state  uint8
	local  netip.AddrPort
	remote netip.AddrPort
	rqueue uint32
	wqueue uint32
}

// dump asks for the TCP sockets of one family in the given states (a mask
// of 1<<state) and calls fn for each, in the kernel's order.
func (d *diagSocket) dump(ctx context.Context, family uint8, states uint32, fn func(*diagMsg)) error {
	d.seq++
	req := make([]byte, unix.SizeofNlMsghdr+sizeofReqV2)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], d.seq)
	r := req[unix.SizeofNlMsghdr:]
	r[0] = family
	r[1] = unix.IPPROTO_TCP
	ne.PutUint32(r[4:], states)
	if err := unix.Sendto(d.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("sock_diag request: %w", err)
	}
	var m diagMsg
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, _, err := unix.Recvfrom(d.fd, d.buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("sock_diag dump: %w", err)
		}
		for b := d.buf[:n]; len(b) >= unix.SizeofNlMsghdr; {
			l := int(ne.Uint32(b[0:]))
			typ := ne.Uint16(b[4:])
			seq := ne.Uint32(b[8:])
			if l < unix.SizeofNlMsghdr || l > len(b) {
				return fmt.Errorf("sock_diag dump: bad message length %d", l)
			}
			body := b[unix.SizeofNlMsghdr:l]
			b = b[min(nlAlign(l), len(b)):]
			if seq != d.seq {
				continue // a reply to an earlier, abandoned dump
			}
			switch typ {
			case unix.NLMSG_DONE:
				return nil
			case unix.NLMSG_ERROR:
				if len(body) >= 4 {
					if e := int32(ne.Uint32(body)); e < 0 {
						return fmt.Errorf("sock_diag dump: %w", unix.Errno(-e))
					}
				}
				return nil
			case unix.SOCK_DIAG_BY_FAMILY:
				if len(body) < sizeofDiagMsg {
					return fmt.Errorf("sock_diag dump: short message (%d bytes)", len(body))
				}
				parseDiagMsg(body, &m)
				fn(&m)
			}
		}
	}
}

func nlAlign(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }

// parseDiagMsg reads struct inet_diag_msg: family, state, timer, retrans,
// then struct inet_diag_sockid (ports big-endian, addresses in network
// order, 16 bytes each), expires, rqueue, wqueue, uid, inode.
func parseDiagMsg(b []byte, m *diagMsg) {
	ne := binary.NativeEndian
	m.family, m.state = b[0], b[1]
	sport := binary.BigEndian.Uint16(b[4:])
	dport := binary.BigEndian.Uint16(b[6:])
	var src, dst netip.Addr
	if m.family == unix.AF_INET {
		src = netip.AddrFrom4([4]byte(b[8:12]))
		dst = netip.AddrFrom4([4]byte(b[24:28]))
	} else {
		src = netip.AddrFrom16([16]byte(b[8:24]))
		dst = netip.AddrFrom16([16]byte(b[24:40]))
	}
	m.local = netip.AddrPortFrom(src, sport)
	m.remote = netip.AddrPortFrom(dst, dport)
	m.rqueue = ne.Uint32(b[56:])
	m.wqueue = ne.Uint32(b[60:])
}

// dumpBoth runs dump for AF_INET and AF_INET6 on one socket.
func dumpBoth(ctx context.Context, states uint32, fn func(*diagMsg)) error {
	d, err := openDiag()
	if err != nil {
		return err
	}
	defer d.close()
	for _, fam := range []uint8{unix.AF_INET, unix.AF_INET6} {
		if err := d.dump(ctx, fam, states, fn); err != nil {
			return err
		}
	}
	return nil
}

// readListeners dumps the listening TCP sockets, sorted by address.
func readListeners(ctx context.Context) ([]Listener, error) {
	type entry struct {
		ap           netip.AddrPort
		queue, limit uint32
	}
	var es []entry
	err := dumpBoth(ctx, 1<<tcpListen, func(m *diagMsg) {
		es = append(es, entry{m.local, m.rqueue, m.wqueue})
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(es, func(a, b entry) int { return a.ap.Compare(b.ap) })
	out := make([]Listener, len(es))
	for i, e := range es {
		out[i] = Listener{Local: e.ap.String(), Queue: e.queue, Limit: e.limit}
	}
	return out, nil
}

// readTCPRemotes dumps every TCP socket that is not listening and counts
// them per remote address and port. TIME_WAIT sockets are in the dump when
// their state is asked for (inet_diag walks the established hash, which
// holds them, and fills them with inet_twsk_diag_fill).
//
// Only connections this host opened are counted: a socket whose local port
// is a listening port was accepted (its remote port is the client's
// ephemeral port, a different one per connection) and says nothing about
// this host's own port use, while it would make the list as long as the
// client count. The list keeps the maxRemotes destinations with the most
// sockets: one with fewer cannot run out of ports first.
func readTCPRemotes(ctx context.Context) ([]TCPRemote, error) {
	type counts struct{ est, tw, other int }
	listening := map[uint16]bool{}
	if err := dumpBoth(ctx, 1<<tcpListen, func(m *diagMsg) { listening[m.local.Port()] = true }); err != nil {
		return nil, err
	}
	by := map[netip.AddrPort]*counts{}
	states := uint32(1<<tcpMaxStates-1) &^ (1 << tcpListen) &^ 1
	err := dumpBoth(ctx, states, func(m *diagMsg) {
		if listening[m.local.Port()] {
			return
		}
		// A v4 peer of a dual-stack socket shows as ::ffff:a.b.c.d; count
		// it with the same peer seen over AF_INET.
		remote := netip.AddrPortFrom(m.remote.Addr().Unmap(), m.remote.Port())
		c := by[remote]
		if c == nil {
			c = &counts{}
			by[remote] = c
		}
		switch m.state {
		case tcpEstablished:
			c.est++
		case tcpTimeWait:
			c.tw++
		default:
			c.other++
		}
	})
	if err != nil {
		return nil, err
	}
	keys := make([]netip.AddrPort, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	total := func(k netip.AddrPort) int { c := by[k]; return c.est + c.tw + c.other }
	slices.SortFunc(keys, func(a, b netip.AddrPort) int {
		if d := total(b) - total(a); d != 0 {
			return d
		}
		return a.Compare(b)
	})
	if len(keys) > maxRemotes {
		keys = keys[:maxRemotes]
	}
	slices.SortFunc(keys, netip.AddrPort.Compare)
	out := make([]TCPRemote, len(keys))
	for i, k := range keys {
		c := by[k]
		out[i] = TCPRemote{Remote: k.String(), Established: c.est, TimeWait: c.tw, Other: c.other}
	}
	return out, nil
}

// maxRemotes bounds tcp_remotes.json: the busiest destinations are what
// port exhaustion is about, and a recording must not grow with the number
// of peers a busy client talks to.
const maxRemotes = 1000

func liveListeners(ctx context.Context) ([]byte, error) {
	ls, err := readListeners(ctx)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	writeLines(&b, len(ls), func(i int) {
		fmt.Fprintf(&b, `{"local":%s,"queue":%d,"limit":%d}`, strconv.Quote(ls[i].Local), ls[i].Queue, ls[i].Limit)
	})
	return []byte(b.String()), nil
}

func liveTCPRemotes(ctx context.Context) ([]byte, error) {
	rs, err := readTCPRemotes(ctx)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	writeLines(&b, len(rs), func(i int) {
		r := rs[i]
		fmt.Fprintf(&b, `{"remote":%s,"established":%d,"time_wait":%d,"other":%d}`, strconv.Quote(r.Remote), r.Established, r.TimeWait, r.Other)
	})
	return []byte(b.String()), nil
}

// writeLines writes a JSON array with one element per line, so recordings
// diff well.
func writeLines(b *strings.Builder, n int, elem func(i int)) {
	if n == 0 {
		b.WriteString("[]\n")
		return
	}
	b.WriteString("[\n")
	for i := range n {
		elem(i)
		if i < n-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
}
