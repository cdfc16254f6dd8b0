package collect

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The string-set ioctls, written here rather than taken from
// github.com/safchain/ethtool: its Stats returns a map (the driver's order
// is lost) and its Features reads names into a fixed 1 MiB buffer on every
// call (measured: ~1 MB and ~0.3-0.7 ms per interface per full moment).
// ABI: include/uapi/linux/ethtool.h; kernel side: net/ethtool/ioctl.c.
const (
	ethSSStats      = 1  // ETH_SS_STATS
	ethSSFeatures   = 4  // ETH_SS_FEATURES
	ethGStringLen   = 32 // ETH_GSTRING_LEN
	ethtoolGSSET    = unix.ETHTOOL_GSSET_INFO
	ethtoolGString  = unix.ETHTOOL_GSTRINGS
	ethtoolGStats   = 0x1d // ETHTOOL_GSTATS
	ethtoolGFeature = 0x3a // ETHTOOL_GFEATURES
)

// ethtoolSsetInfo is struct ethtool_sset_info with room for one count.
type ethtoolSsetInfo struct {
	cmd      uint32
	reserved uint32
	mask     uint64
	data     [2]uint32
}

// ifreqData is struct ifreq with ifr_data, padded to the kernel's 40 bytes.
// The pointer is kept as unsafe.Pointer so the buffer stays alive.
type ifreqData struct {
	name [unix.IFNAMSIZ]byte
	data unsafe.Pointer
	_    [40 - unix.IFNAMSIZ - 8]byte
}

func (c *ethtoolConn) ioctl(ifname string, data unsafe.Pointer) error {
	var ifr ifreqData
	copy(ifr.name[:], ifname)
	ifr.data = data
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(c.fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(&ifr)))
	runtime.KeepAlive(data)
	if errno != 0 {
		return errno
	}
	return nil
}

// count returns how many strings the set has; 0 when the driver has none
// or does not support the set.
func (c *ethtoolConn) count(ifname string, set uint32) (int, error) {
	info := ethtoolSsetInfo{cmd: ethtoolGSSET, mask: 1 << set}
	if err := c.ioctl(ifname, unsafe.Pointer(&info)); err != nil {
		return 0, err
	}
	if info.mask&(1<<set) == 0 {
		return 0, nil
	}
	return int(info.data[0]), nil
}

// The kernel writes as many entries as the driver has at the time of each
// call, whatever the buffer says (ethtool_get_strings, ethtool_get_stats),
// and the count changes when channels are reconfigured; so the buffers have
// room to spare and a count that moved between the calls is read again.
func room(n int) int { return n + n/2 + 64 }

// names reads the n strings of a set into c.strings; it returns the count
// the kernel reported.
func (c *ethtoolConn) names(ifname string, set uint32, n int) (int, error) {
	c.strings = grow(c.strings, 12+room(n)*ethGStringLen)
	hdr := (*[3]uint32)(unsafe.Pointer(&c.strings[0]))
	hdr[0], hdr[1], hdr[2] = ethtoolGString, set, uint32(n)
	if err := c.ioctl(ifname, unsafe.Pointer(&c.strings[0])); err != nil {
		return 0, err
	}
	return int(hdr[2]), nil
}

// name returns string i of the last names call.
func (c *ethtoolConn) name(i int) string {
	b := c.strings[12+i*ethGStringLen : 12+(i+1)*ethGStringLen]
	return jsonSafe(unix.ByteSliceToString(b))
}

// stats reads ethtool -S in the driver's order: the count (GSSET_INFO), the
// names (GSTRINGS) and the values (GSTATS). nil when the driver has none.
func (c *ethtoolConn) stats(ifname string) (Stats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for range 3 {
		n, err := c.count(ifname, ethSSStats)
		if err != nil || n == 0 {
			return nil, err
		}
		got, err := c.names(ifname, ethSSStats, n)
		if err != nil {
			return nil, err
		}
		c.values = grow(c.values, 1+room(n))
		vhdr := (*[2]uint32)(unsafe.Pointer(&c.values[0]))
		vhdr[0], vhdr[1] = ethtoolGStats, uint32(n)
		if err := c.ioctl(ifname, unsafe.Pointer(&c.values[0])); err != nil {
			return nil, err
		}
		if got != n || int(vhdr[1]) != n {
			continue // the driver's set changed under us
		}
		out := make(Stats, n)
		for i := range out {
			out[i] = Stat{Name: c.name(i), Value: c.values[1+i]}
		}
		return out, nil
	}
	return nil, fmt.Errorf("statistics changed while being read")
}

// features reads ethtool -k as the kernel names them: the names of
// ETH_SS_FEATURES and the "active" bits of ETHTOOL_GFEATURES
// (struct ethtool_gfeatures: cmd, size, then size blocks of available,
// requested, active, never_changed). nil when the device has none.
func (c *ethtoolConn) features(ifname string) (map[string]bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.count(ifname, ethSSFeatures)
	if err != nil || n == 0 {
		return nil, err
	}
	got, err := c.names(ifname, ethSSFeatures, n)
	if err != nil {
		return nil, err
	}
	if got != n {
		return nil, fmt.Errorf("feature names changed while being read")
	}
	words := (n + 31) / 32
	buf := make([]uint32, 2+4*words)
	buf[0], buf[1] = ethtoolGFeature, uint32(words)
	if err := c.ioctl(ifname, unsafe.Pointer(&buf[0])); err != nil {
		return nil, err
	}
	out := make(map[string]bool, n)
	for i := range n {
		if name := c.name(i); name != "" {
			active := buf[2+4*(i/32)+2]
			out[name] = active&(1<<(i%32)) != 0
		}
	}
	return out, nil
}

// grow returns b with length n, reusing its memory when it is big enough.
func grow[T any](b []T, n int) []T {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]T, n)
}
