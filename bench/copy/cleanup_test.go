package copy

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// openFDs lists this process's open fds with what they point to (a socket
// or pipe shows its inode, so a closed and reopened one does not match).
func openFDs(t *testing.T) map[string]string {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	fds := map[string]string{}
	for _, e := range ents {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil {
			continue // the fd ReadDir itself used
		}
		// The Go runtime makes its netpoller's epoll and eventfd on first
		// use and keeps them: not a leak of the code under test.
		if target == "anon_inode:[eventpoll]" || target == "anon_inode:[eventfd]" {
			continue
		}
		fds[e.Name()] = target
	}
	return fds
}

// checkNothingLeft fails if Measure left fds, children or files behind.
func checkNothingLeft(t *testing.T, fdsBefore map[string]string, dir string) {
	t.Helper()
	if diff := cmp.Diff(fdsBefore, openFDs(t)); diff != "" {
		t.Errorf("open fds changed (-before +after):\n%s", diff)
	}
	if pid, err := unix.Wait4(-1, nil, unix.WNOHANG, nil); !errors.Is(err, unix.ECHILD) {
		t.Errorf("a child process is left (wait4 = %d, %v)", pid, err)
	}
	if ents, err := os.ReadDir(dir); err != nil || len(ents) != 0 {
		t.Errorf("files left in %s: %v %v", dir, ents, err)
	}
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces and a veth pair")
	}
}

// TestVethPairCarriesTheTraffic checks the veth transport is what it
// claims: the connection's peer is the other namespace's address, the bytes
// show up in the veth's own counters, and the host's interfaces never see
// the pair.
func TestVethPairCarriesTheTraffic(t *testing.T) {
	needRoot(t)
	before := openFDs(t)
	hostLinks, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	p, err := newVethPair()
	if err != nil {
		t.Fatal(err)
	}
	snd, snk, err := tcpPair(p.send, p.sink, p.sendAddr)
	if err != nil {
		p.Close()
		t.Fatal(err)
	}
	peer, err := unix.Getpeername(snd)
	if err != nil {
		t.Fatal(err)
	}
	if got := peer.(*unix.SockaddrInet4).Addr; got != p.sinkAddr {
		t.Errorf("sender's peer is %v, want the sink namespace's %v", got, p.sinkAddr)
	}
	const n = 1 << 20
	go func() {
		s := &sender{}
		s.writeAll(snd, make([]byte, n))
		unix.Close(snd)
	}()
	buf, got := make([]byte, 64<<10), 0
	for {
		k, err := unix.Read(snk, buf)
		if err != nil || k == 0 {
			break
		}
		got += k
	}
	unix.Close(snk)
	if got != n {
		t.Errorf("received %d bytes, want %d", got, n)
	}
	h, err := netlink.NewHandleAt(netns.NsHandle(p.send))
	if err != nil {
		t.Fatal(err)
	}
	l, err := h.LinkByName("nv-send")
	h.Close()
	if err != nil {
		t.Fatal(err)
	}
	if tx := l.Attrs().Statistics.TxBytes; tx < n {
		t.Errorf("nv-send sent %d bytes, want at least %d: the traffic did not cross the veth", tx, n)
	}
	if _, err := net.InterfaceByName("nv-send"); err == nil {
		t.Error("nv-send is visible in the host's namespace")
	}
	p.Close()
	after, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names(hostLinks), names(after)); diff != "" {
		t.Errorf("host interfaces changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(before, openFDs(t)); diff != "" {
		t.Errorf("open fds changed (-before +after):\n%s", diff)
	}
}

func names(ifs []net.Interface) []string {
	var n []string
	for _, i := range ifs {
		n = append(n, i.Name)
	}
	return n
}

// TestVethBenchmark runs the zero-copy methods across the namespaces and
// checks that everything (namespaces, sockets, sinks, the file) is gone.
func TestVethBenchmark(t *testing.T) {
	needRoot(t)
	before := openFDs(t)
	cfg := DefaultConfig()
	cfg.Size, cfg.Chunk, cfg.Repeat = 2<<20, 64<<10, 2
	cfg.Dir = t.TempDir()
	cfg.Transports = []Transport{Veth}
	rep, err := Measure(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Skipped != "" || r.Summary == nil || r.Summary.Runs != 2 {
			t.Errorf("%s over veth: skipped %q, summary %+v, runs %+v", r.Method, r.Skipped, r.Summary, r.Runs)
		}
	}
	checkNothingLeft(t, before, cfg.Dir)
}

func TestVethSkippedWithoutRoot(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("as root the veth transport runs (TestVethBenchmark)")
	}
	cfg := DefaultConfig()
	cfg.Size, cfg.Chunk, cfg.Repeat = 64<<10, 4096, 1
	cfg.Dir = t.TempDir()
	cfg.Transports, cfg.Methods = []Transport{Veth}, []Method{ReadWrite}
	rep, err := Measure(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s := rep.Results[0].Skipped; !strings.Contains(s, "needs root") {
		t.Errorf("skip reason %q does not say it needs root", s)
	}
}

// TestInterruptCleansUp cancels the benchmark while transfers are running:
// Measure must return promptly with the cancellation, keep the runs so far,
// and leave no sink process, fd, namespace or file behind.
func TestInterruptCleansUp(t *testing.T) {
	before := openFDs(t)
	cfg := DefaultConfig()
	cfg.Size, cfg.Repeat = 64<<20, 50
	cfg.Dir = t.TempDir()
	cfg.Transports = []Transport{TCP, Veth}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.Progress = func(done, total int, what string) {
		if done == 3 {
			time.AfterFunc(20*time.Millisecond, cancel)
		}
	}
	start := time.Now()
	rep, err := Measure(ctx, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Measure error = %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("took %v to stop", took)
	}
	if rep == nil || len(rep.Results) == 0 || len(rep.Results[0].Runs) == 0 {
		t.Fatalf("runs before the interrupt were lost: %+v", rep)
	}
	checkNothingLeft(t, before, cfg.Dir)
}
