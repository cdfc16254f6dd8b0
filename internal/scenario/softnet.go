package scenario

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/netvet/netvet/internal/netns"
)

// World is a pair of namespaces joined by a veth.
type World struct {
	Sender, Receiver *netns.NS
	SendIf, RecvIf   string
}

// Close removes both namespaces.
func (w *World) Close() {
	if w.Sender != nil {
		w.Sender.Close()
	}
	if w.Receiver != nil {
		w.Receiver.Close()
	}
}

// SoftnetWorld builds sender 10.99.0.1 ↔ receiver 10.99.0.2 over a veth with
// two queues and RPS on every receive queue toward the last CPU, so the
// packets a flood brings in are queued on that CPU's backlog
// (get_rps_cpu → enqueue_to_backlog), where a small netdev_max_backlog
// overflows.
func SoftnetWorld() (*World, error) {
	s, err := netns.New("snds")
	if err != nil {
		return nil, err
	}
	r, err := netns.New("sndr")
	if err != nil {
		s.Close()
		return nil, err
	}
	w := &World{Sender: s, Receiver: r, SendIf: "vsnd", RecvIf: "vrcv"}
	if err := netns.Veth(s, w.SendIf, "10.99.0.1/24", r, w.RecvIf, "10.99.0.2/24", 2); err != nil {
		w.Close()
		return nil, err
	}
	cpu := runtime.NumCPU() - 1
	mask := fmt.Sprintf("%x", uint64(1)<<uint(cpu%64))
	for q := 0; q < 2; q++ {
		if _, err := r.Exec("sh", "-c", fmt.Sprintf("echo %s > /sys/class/net/%s/queues/rx-%d/rps_cpus", mask, w.RecvIf, q)); err != nil {
			w.Close()
			return nil, err
		}
	}
	return w, nil
}

// SetHostSysctl writes a global sysctl (one the kernel does not keep per
// namespace, like net.core.netdev_max_backlog) and returns a function that
// restores the previous value. Only scenarios that cannot work otherwise use
// it, and they always restore.
func SetHostSysctl(name, value string) (restore func() error, err error) {
	path := "/proc/sys/" + strings.ReplaceAll(name, ".", "/")
	old, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(value), 0o644); err != nil {
		return nil, fmt.Errorf("set %s=%s: %w", name, value, err)
	}
	return func() error { return os.WriteFile(path, old, 0o644) }, nil
}
