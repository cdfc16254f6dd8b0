package accept

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// dialFrom makes n connections to port, each sending a closing request and
// reading the answer, from a thread pinned to cpu (-1: anywhere). The
// sockets are created inside ns; a socket keeps its namespace whichever
// thread uses it, so the pinned thread itself need not be in ns.
func dialFrom(t *testing.T, ns *netns, port, cpu, n int) {
	t.Helper()
	fds := make([]int, n)
	if err := ns.Do(func() error {
		for i := range fds {
			fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return err
			}
			fds[i] = fd
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		// Pinned: the thread must not go back to Go's pool.
		runtime.LockOSThread()
		if cpu >= 0 {
			var set unix.CPUSet
			set.Set(cpu)
			if err := unix.SchedSetaffinity(0, &set); err != nil {
				errc <- err
				return
			}
		}
		buf := make([]byte, 256)
		for _, fd := range fds {
			err := unix.Connect(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}})
			if err == nil {
				_, err = unix.Write(fd, requestClose)
			}
			for err == nil {
				var k int
				if k, err = unix.Read(fd, buf); k == 0 {
					break
				}
			}
			unix.Close(fd)
			if err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	if err := <-errc; err != nil {
		t.Fatalf("client on CPU %d: %v", cpu, err)
	}
}

// The cBPF program returns the receiving CPU: connections made from CPU k
// (loopback receives on the sender's CPU) are all accepted by worker k,
// which is pinned to CPU k.
func TestCBPFSteersByCPU(t *testing.T) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil || !set.IsSet(0) || !set.IsSet(1) {
		t.Skip("needs CPUs 0 and 1")
	}
	ns := testNetns(t)
	srv, err := startServer(ns, serverConfig{model: ReuseportCBPFCPU, workers: 2, backlog: 128, batch: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	dialFrom(t, ns, srv.port, 0, 40)
	dialFrom(t, ns, srv.port, 1, 25)
	srv.Stop()
	got := srv.counts(-1)
	want := []slotCount{{Conns: 40, Requests: 40, Local: 40}, {Conns: 25, Requests: 25, Local: 25}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("per worker (-want +got):\n%s", diff)
	}
}

// The eBPF program picks slot hash%N and the kernel honours the socket in
// that slot: with the array permuted (slot i holds worker perm[i]'s
// listener), worker perm[i] accepts exactly what the program counted for
// slot i.
func TestEBPFSteersBySlot(t *testing.T) {
	needRoot(t, "loading an SK_REUSEPORT program needs CAP_BPF")
	ns := testNetns(t)
	srv, err := startServer(ns, serverConfig{model: ReuseportEBPF, workers: 4, backlog: 128, batch: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	perm := []int{2, 0, 3, 1}
	for i := range perm {
		if err := srv.bpf.socks.Delete(uint32(i)); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range perm {
		if err := srv.bpf.Put(i, srv.current(w).lfd); err != nil {
			t.Fatal(err)
		}
		c, err := srv.bpf.Cookie(i)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := socketCookie(srv.current(w).lfd); c != want {
			t.Fatalf("slot %d holds socket %d, want worker %d's %d", i, c, w, want)
		}
	}
	const n = 400
	dialFrom(t, ns, srv.port, -1, n)
	steered, err := srv.bpf.Counts()
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	got := srv.counts(-1)
	want := make([]uint64, 4)
	have := make([]uint64, 4)
	used, total := 0, uint64(0)
	for i, w := range perm {
		want[w] = steered[i]
		total += steered[i]
		if steered[i] > 0 {
			used++
		}
	}
	for w := range have {
		have[w] = got[w].Conns
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("connections per worker: program's choice (-) vs where they were accepted (+):\n%s", diff)
	}
	if total != n || used < 3 {
		t.Errorf("program steered %d of %d connections over %d slots (%v); want all, spread over at least 3", total, n, used, steered)
	}
}

// A restarting reuseport-ebpf worker puts its new listener into its own
// slot; every other slot keeps its socket.
func TestEBPFRestartReplacesOwnSlot(t *testing.T) {
	needRoot(t, "loading an SK_REUSEPORT program needs CAP_BPF")
	ns := testNetns(t)
	srv, err := startServer(ns, serverConfig{model: ReuseportEBPF, workers: 4, backlog: 128, batch: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	cookies := func() []uint64 {
		out := make([]uint64, 4)
		for i := range out {
			c, err := srv.bpf.Cookie(i)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = c
		}
		return out
	}
	before := cookies()
	old := srv.current(2)
	if err := srv.Restart(2); err != nil {
		t.Fatal(err)
	}
	nw := srv.current(2)
	if nw == old {
		t.Fatal("restart kept the worker")
	}
	want := append([]uint64(nil), before...)
	want[2], _ = socketCookie(nw.lfd)
	if diff := cmp.Diff(want, cookies()); diff != "" {
		t.Errorf("slots after restarting worker 2 (-want +got):\n%s", diff)
	}
	<-old.clock.done // the old worker drained and left
	dialFrom(t, ns, srv.port, -1, 50)
	srv.Stop()
	var sum uint64
	for _, c := range srv.counts(-1) {
		sum += c.Requests
	}
	if sum != 50 {
		t.Errorf("after the restart %d of 50 connections were answered", sum)
	}
	if fmt.Sprint(before[2]) == fmt.Sprint(want[2]) {
		t.Error("the new listener has the old one's cookie")
	}
}
