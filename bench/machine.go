package bench

import (
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// Machine holds the facts a benchmark result is meaningless without: where
// it ran, and the memory-copy bandwidth that bounds every path that copies.
type Machine struct {
	Hostname  string `json:"hostname"`
	Kernel    string `json:"kernel"`
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"go_version"`
	PageSize  int    `json:"page_size"`
	// MemcpyBytesPerSec is the single-thread copy() bandwidth over buffers
	// larger than the caches: bytes copied (each read once and written
	// once) per second. A path that copies each byte twice cannot exceed
	// half of it.
	MemcpyBytesPerSec float64 `json:"memcpy_bytes_per_sec"`
	// LoadAvg is the 1-minute load average when the benchmark started: on
	// a box that is busy with something else, every figure is suspect.
	LoadAvg float64 `json:"load_avg_1m"`
}

// DescribeMachine collects the Machine facts and measures memory-copy
// bandwidth (about a tenth of a second).
func DescribeMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), PageSize: os.Getpagesize()}
	m.Hostname, _ = os.Hostname()
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		m.Kernel = unix.ByteSliceToString(u.Release[:])
	}
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) == nil {
		m.LoadAvg = float64(si.Loads[0]) / (1 << unix.SI_LOAD_SHIFT)
	}
	m.MemcpyBytesPerSec = MemcpyBandwidth(64<<20, 100*time.Millisecond)
	return m
}

// MemcpyBandwidth copies between two buffers of size bytes for about d and
// returns the best pass's bytes per second. The best pass, not the mean:
// the question is what the hardware can do, and a pass that lost the CPU to
// another task measures the scheduler instead. size should exceed the last
// level cache (64 MiB does on current servers' per-CCX/per-socket L3 of
// 32 MiB; larger parts make the figure optimistic, never pessimistic).
func MemcpyBandwidth(size int, d time.Duration) float64 {
	src := make([]byte, size)
	dst := make([]byte, size)
	for i := range src { // fault every page in on both sides first
		src[i] = byte(i)
	}
	copy(dst, src)
	best := 0.0
	for start := time.Now(); time.Since(start) < d || best == 0; {
		t := time.Now()
		copy(dst, src)
		if bw := float64(size) / time.Since(t).Seconds(); bw > best {
			best = bw
		}
	}
	return best
}
