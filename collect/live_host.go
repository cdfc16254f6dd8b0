package collect

import (
	"encoding/json"
	"io/fs"
	"strings"
	"time"

	"github.com/netvet/netvet/internal/cpumask"
	"golang.org/x/sys/unix"
)

// hostJSON is netvet/host.json. Absent parts are left out.
type hostJSON struct {
	Hostname string `json:"hostname,omitempty"`
	Kernel   string `json:"kernel,omitempty"`
	BootID   string `json:"boot_id,omitempty"`
	CPUs     int    `json:"cpus,omitempty"`
	Time     string `json:"time,omitempty"` // RFC 3339 with milliseconds
}

// hostTimeLayout is RFC 3339 with milliseconds, as in meta.json.
const hostTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// liveHost makes netvet/host.json from proc/ and sys/ of the root, falling
// back to uname(2) for the names: the kernel's own files keep working when
// Root is another host's /proc and /sys mounted in a container.
func liveHost(root fs.FS, now time.Time) ([]byte, error) {
	read := func(name string) string {
		b, err := fs.ReadFile(root, name)
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	h := hostJSON{
		Hostname: read("proc/sys/kernel/hostname"),
		Kernel:   read("proc/sys/kernel/osrelease"),
		BootID:   read("proc/sys/kernel/random/boot_id"),
		Time:     now.Format(hostTimeLayout),
	}
	if h.Hostname == "" || h.Kernel == "" {
		var u unix.Utsname
		if unix.Uname(&u) == nil {
			if h.Hostname == "" {
				h.Hostname = unix.ByteSliceToString(u.Nodename[:])
			}
			if h.Kernel == "" {
				h.Kernel = unix.ByteSliceToString(u.Release[:])
			}
		}
	}
	// Online CPUs (sys/devices/system/cpu/online, e.g. "0-5,7-8"), not
	// the possible ones: the rows of proc/interrupts are per online CPU.
	if set, err := cpumask.ParseList(read("sys/devices/system/cpu/online")); err == nil && set.Count() > 0 {
		h.CPUs = set.Count()
	}
	return json.MarshalIndent(h, "", "  ")
}
