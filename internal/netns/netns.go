// Package netns builds throw-away network namespaces and veth pairs for the
// tests and benchmarks that need a real kernel: listen overflows with tiny
// backlogs, softnet drops over veth, multi-queue RPS. Everything it creates
// is removed by Close, and names carry the process id so parallel test
// binaries never collide.
//
// It drives iproute2 (`ip`) for setup, because that is what an operator
// would type and its error messages are clear; code that must run *inside*
// a namespace uses Do, which locks an OS thread and setns(2)s it.
package netns

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// seq makes names unique within a process.
var seq atomic.Uint32

// NS is a named network namespace created with `ip netns add`.
type NS struct {
	Name string
}

// Available reports why namespaces cannot be made here ("" when they can):
// the tests skip with this reason.
func Available() string {
	if os.Geteuid() != 0 {
		return "needs root (network namespaces)"
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return "needs iproute2's ip command"
	}
	return ""
}

// UniqueName returns "prefix-PID-N", short enough for interface names
// (IFNAMSIZ is 16 including the NUL) when prefix is ≤ 4 characters.
func UniqueName(prefix string) string {
	return fmt.Sprintf("%s%d%d", prefix, os.Getpid()%100000, seq.Add(1))
}

// New creates a namespace with loopback up.
func New(prefix string) (*NS, error) {
	ns := &NS{Name: UniqueName(prefix)}
	if err := IP("netns", "add", ns.Name); err != nil {
		return nil, err
	}
	if err := ns.IP("link", "set", "lo", "up"); err != nil {
		ns.Close()
		return nil, err
	}
	return ns, nil
}

// Close deletes the namespace (and with it every interface inside).
func (ns *NS) Close() error {
	return IP("netns", "del", ns.Name)
}

// IP runs `ip -n NS args…`.
func (ns *NS) IP(args ...string) error {
	return IP(append([]string{"-n", ns.Name}, args...)...)
}

// Exec runs a command inside the namespace with `ip netns exec`, which also
// mounts a sysfs of the namespace, so /sys/class/net shows its interfaces.
func (ns *NS) Exec(name string, args ...string) ([]byte, error) {
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns.Name, name}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("ip netns exec %s %s %s: %w: %s", ns.Name, name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Sysctl writes a per-namespace sysctl ("net.core.somaxconn") inside ns.
func (ns *NS) Sysctl(name, value string) error {
	_, err := ns.Exec("sh", "-c", fmt.Sprintf("echo %s > /proc/sys/%s", shellQuote(value), strings.ReplaceAll(name, ".", "/")))
	return err
}

// Do runs fn on an OS thread that has joined the namespace (see
// OnOwnThread: the thread ends with fn, so no other goroutine ever runs in
// the wrong namespace).
func (ns *NS) Do(fn func() error) error {
	return OnOwnThread(func() error {
		f, err := os.Open("/run/netns/" + ns.Name)
		if err != nil {
			return fmt.Errorf("open namespace %s: %w", ns.Name, err)
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("setns %s: %w", ns.Name, err)
		}
		return fn()
	})
}

// OnOwnThread runs fn on an OS thread locked to it that is not the
// process's main thread, and lets that thread end afterwards. fn may then
// change per-thread state (setns, unshare, CPU affinity) without leaking it:
// Go ends a locked thread when its goroutine returns, but never the main
// thread, and /proc/self/net follows the main thread's namespace, so a
// namespace change there would leak into every later /proc/net read of the
// process.
func OnOwnThread(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// Deliberately no UnlockOSThread: the thread dies with the goroutine.
		if unix.Gettid() != unix.Getpid() {
			errc <- fn()
			return
		}
		// We landed on the main thread. Keep it locked, so the goroutine
		// below cannot be scheduled onto it, and run fn there instead.
		inner := make(chan error, 1)
		go func() {
			runtime.LockOSThread()
			inner <- fn()
		}()
		errc <- <-inner
		runtime.UnlockOSThread()
	}()
	return <-errc
}

// Veth creates a veth pair a (in ns) ↔ b (in peer, or in ns when peer is
// nil) with the given queue counts, addresses ("10.1.0.1/24", "" for none),
// both ends up.
func Veth(ns *NS, a, addrA string, peer *NS, b, addrB string, queues int) error {
	q := fmt.Sprint(max(queues, 1))
	peerNS := ns
	if peer != nil {
		peerNS = peer
	}
	if err := ns.IP("link", "add", a, "numtxqueues", q, "numrxqueues", q, "type", "veth",
		"peer", "name", b, "numtxqueues", q, "numrxqueues", q, "netns", peerNS.Name); err != nil {
		return err
	}
	for _, e := range []struct {
		ns         *NS
		name, addr string
	}{{ns, a, addrA}, {peerNS, b, addrB}} {
		if e.addr != "" {
			if err := e.ns.IP("addr", "add", e.addr, "dev", e.name); err != nil {
				return err
			}
		}
		if err := e.ns.IP("link", "set", e.name, "up"); err != nil {
			return err
		}
	}
	return nil
}

// IP runs `ip args…` and returns its stderr in the error.
func IP(args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.Command("ip", args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		var ee *exec.ExitError
		if errors.As(err, &ee) && msg != "" {
			return fmt.Errorf("ip %s: %s", strings.Join(args, " "), msg)
		}
		return fmt.Errorf("ip %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// HostLock serialises tests that disturb host-wide kernel state (a UDP
// flood that makes softnet_stat drop, a global sysctl changed for a
// moment) with tests that need the host quiet, across the test binaries
// that `go test ./...` runs in parallel. Unlock with the returned function.
func HostLock() (unlock func(), err error) {
	f, err := os.OpenFile("/run/netvet-host-tests.lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return func() { f.Close() }, nil
}
