package bench

import (
	"testing"
)

func TestDescribeMachine(t *testing.T) {
	m := DescribeMachine()
	if m.Kernel == "" || m.CPUs < 1 || m.PageSize < 4096 || m.GoVersion == "" {
		t.Errorf("incomplete machine facts: %+v", m)
	}
	// Any machine that runs Go copies faster than 100 MB/s and slower than
	// 10 TB/s; outside that the measurement, not the machine, is wrong.
	if m.MemcpyBytesPerSec < 1e8 || m.MemcpyBytesPerSec > 1e13 {
		t.Errorf("memcpy bandwidth %.3g B/s is implausible", m.MemcpyBytesPerSec)
	}
}

// BenchmarkMemcpy is the same measurement as a Go benchmark, for `make bench`.
func BenchmarkMemcpy(b *testing.B) {
	const size = 64 << 20
	src, dst := make([]byte, size), make([]byte, size)
	copy(dst, src)
	b.SetBytes(size)
	for b.Loop() {
		copy(dst, src)
	}
}

func TestMemcpyBandwidthAtLeastOnePass(t *testing.T) {
	if bw := MemcpyBandwidth(1<<20, 0); bw <= 0 {
		t.Errorf("MemcpyBandwidth with zero duration = %v, want one measured pass", bw)
	}
}
