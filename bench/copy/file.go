package copy

import (
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// crc32c is the CRC-32C table (hash/crc32 builds it once and then hands out
// the same one). CRC-32C runs on the SSE4.2/ARMv8 CRC instructions at well
// over 10 GB/s, so the sink's checksum does not become the bottleneck it
// measures, and it catches what a byte count cannot: data shifted,
// duplicated or reordered by a broken splice/tee loop.
func crc32c() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) }

// makeFile writes size pseudo-random bytes to a new file in dir and returns
// its name and CRC-32C. The data is random so no layer (page cache, TCP,
// a future compressing transport) can shortcut it, and seeded so a failing
// run can be reproduced. The file is fsynced: fadvise(DONTNEED) drops only
// clean pages, and --cold needs them droppable.
func makeFile(dir string, size int64) (name string, sum uint32, err error) {
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "netvet-copy-*.bin")
	if err != nil {
		return "", 0, fmt.Errorf("cannot make the test file in %s: %w", dir, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", f.Name(), cerr)
		}
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	rng := rand.New(rand.NewPCG(uint64(size), 0x6e657476)) // "netv"
	buf := make([]byte, 1<<20)
	for left := size; left > 0; {
		n := int64(len(buf))
		if left < n {
			n = left
		}
		for i := 0; i+8 <= int(n); i += 8 {
			v := rng.Uint64()
			for j := range 8 {
				buf[i+j] = byte(v >> (8 * j))
			}
		}
		for i := n &^ 7; i < n; i++ {
			buf[i] = byte(rng.Uint32())
		}
		if _, err := f.Write(buf[:n]); err != nil {
			return "", 0, fmt.Errorf("write %s: %w", f.Name(), err)
		}
		sum = crc32.Update(sum, crc32c(), buf[:n])
		left -= n
	}
	if err := f.Sync(); err != nil {
		return "", 0, fmt.Errorf("fsync %s: %w", f.Name(), err)
	}
	return f.Name(), sum, nil
}

// checksumFile returns the size and CRC-32C of an existing file.
func checksumFile(name string) (int64, uint32, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	h := crc32.New(crc32c())
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, 0, fmt.Errorf("read %s: %w", name, err)
	}
	return n, h.Sum32(), nil
}

// dropCache asks the kernel to evict the file's clean pages from the page
// cache, so the next run reads from the device. Dirty pages stay (they are
// written back first by fsync in makeFile); on tmpfs nothing can be dropped,
// which residency() then shows.
func dropCache(fd int) error {
	if err := unix.Fadvise(fd, 0, 0, unix.FADV_DONTNEED); err != nil {
		return fmt.Errorf("fadvise DONTNEED: %w", err)
	}
	return nil
}

// residency returns the fraction of the file's pages in the page cache,
// from mincore(2) on a mapping (which faults nothing in). It is recorded
// before every run so a --cold run that was not cold shows it.
func residency(fd int, size int64) (float64, error) {
	if size == 0 {
		return 0, nil
	}
	m, err := unix.Mmap(fd, 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return 0, fmt.Errorf("mmap for mincore: %w", err)
	}
	defer unix.Munmap(m)
	page := int64(os.Getpagesize())
	vec := make([]byte, (size+page-1)/page)
	// x/sys/unix has no mincore wrapper; the raw call is three arguments.
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0])))
	if errno != 0 {
		return 0, fmt.Errorf("mincore: %w", errno)
	}
	in := 0
	for _, v := range vec {
		in += int(v & 1)
	}
	return float64(in) / float64(len(vec)), nil
}
