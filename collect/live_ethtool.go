package collect

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sync"
	"unsafe"

	"github.com/safchain/ethtool"
	"golang.org/x/sys/unix"
)

// ethtoolConn makes netvet/ethtool/<if>.json with the SIOCETHTOOL ioctl.
// Driver, rings, channels and features come from github.com/safchain/ethtool;
// the -S statistics are read here, because the library returns them as a map
// and the driver's order (ETHTOOL_GSTRINGS order) matters: per-queue counters
// come in queue order and names may repeat.
type ethtoolConn struct {
	lib *ethtool.Ethtool
	fd  int // AF_INET datagram socket for the statistics ioctls

	mu      sync.Mutex // guards the scratch buffers
	strings []byte     // struct ethtool_gstrings: 3 × u32, then the names
	values  []uint64   // struct ethtool_stats: 2 × u32, then the values
}

func openEthtool() (*ethtoolConn, error) {
	lib, err := ethtool.NewEthtool()
	if err != nil {
		return nil, fmt.Errorf("ethtool socket: %w", err)
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		lib.Close()
		return nil, fmt.Errorf("ethtool socket: %w", err)
	}
	return &ethtoolConn{lib: lib, fd: fd}, nil
}

func (c *ethtoolConn) close() {
	c.lib.Close()
	unix.Close(c.fd)
}

// quietErr reports the errors that mean "this device has no such thing":
// not supported (lo, veth, bond refuse rings), EINVAL from drivers that say
// it that way, and a device that went away between listing and asking.
func quietErr(err error) bool {
	return errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EINVAL) ||
		errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENXIO)
}

// file makes one interface's JSON; with full false only the statistics.
// Parts the driver does not support are left out; other failures are
// listed under "errors". An interface that yields nothing has no file: the
// first real failure is returned, or fs.ErrNotExist.
func (c *ethtoolConn) file(ifname string, full bool) ([]byte, error) {
	if len(ifname) >= unix.IFNAMSIZ {
		return nil, fs.ErrNotExist
	}
	var e Ethtool
	var problems []string
	var firstErr error
	fail := func(part string, err error) {
		if quietErr(err) {
			return
		}
		problems = append(problems, part+": "+err.Error())
		if firstErr == nil {
			firstErr = err
		}
	}
	if full {
		if info, err := c.lib.DriverInfo(ifname); err != nil {
			fail("driver", err)
		} else {
			e.Driver = info.Driver
			if info.BusInfo != "N/A" {
				e.Bus = info.BusInfo
			}
		}
		if r, err := c.lib.GetRing(ifname); err != nil {
			fail("rings", err)
		} else {
			e.Rings = &Rings{RX: r.RxPending, RXMax: r.RxMaxPending, TX: r.TxPending, TXMax: r.TxMaxPending}
		}
		if ch, err := c.lib.GetChannels(ifname); err != nil {
			fail("channels", err)
		} else {
			e.Channels = &Channels{RX: ch.RxCount, RXMax: ch.MaxRx, TX: ch.TxCount, TXMax: ch.MaxTx,
				Combined: ch.CombinedCount, CombinedMax: ch.MaxCombined}
		}
		if f, err := c.lib.Features(ifname); err != nil {
			fail("features", err)
		} else if len(f) > 0 {
			e.Features = f
		}
	}
	st, err := c.stats(ifname)
	if err != nil {
		fail("stats", err)
	}
	e.Stats = st
	if e.Driver == "" && e.Bus == "" && e.Rings == nil && e.Channels == nil && e.Features == nil && e.Stats == nil {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, fs.ErrNotExist
	}
	return encodeEthtool(&e, problems...), nil
}

// Kernel ABI of the statistics ioctls (include/uapi/linux/ethtool.h,
// handled in net/ethtool/ioctl.c).
const (
	ethSSStats     = 1  // ETH_SS_STATS
	ethGStringLen  = 32 // ETH_GSTRING_LEN
	ethtoolGSSET   = unix.ETHTOOL_GSSET_INFO
	ethtoolGString = unix.ETHTOOL_GSTRINGS
	ethtoolGStats  = 0x1d // ETHTOOL_GSTATS
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

// stats reads ethtool -S in the driver's order: the count (GSSET_INFO), the
// names (GSTRINGS) and the values (GSTATS). The kernel writes as many
// entries as the driver has at the time of each call, whatever the buffer
// says (net/ethtool/ioctl.c ethtool_get_strings, ethtool_get_stats), and the
// count changes when channels are reconfigured, so the buffers have room to
// spare and a count that moved between the calls is read again. nil when the
// driver has no statistics.
func (c *ethtoolConn) stats(ifname string) (Stats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for range 3 {
		info := ethtoolSsetInfo{cmd: ethtoolGSSET, mask: 1 << ethSSStats}
		if err := c.ioctl(ifname, unsafe.Pointer(&info)); err != nil {
			return nil, err
		}
		if info.mask&(1<<ethSSStats) == 0 || info.data[0] == 0 {
			return nil, nil
		}
		n := int(info.data[0])
		room := n + n/2 + 64
		c.strings = grow(c.strings, 12+room*ethGStringLen)
		c.values = grow(c.values, 1+room)

		hdr := (*[3]uint32)(unsafe.Pointer(&c.strings[0]))
		hdr[0], hdr[1], hdr[2] = ethtoolGString, ethSSStats, uint32(n)
		if err := c.ioctl(ifname, unsafe.Pointer(&c.strings[0])); err != nil {
			return nil, err
		}
		vhdr := (*[2]uint32)(unsafe.Pointer(&c.values[0]))
		vhdr[0], vhdr[1] = ethtoolGStats, uint32(n)
		if err := c.ioctl(ifname, unsafe.Pointer(&c.values[0])); err != nil {
			return nil, err
		}
		if int(hdr[2]) != n || int(vhdr[1]) != n {
			continue // the driver's set changed under us
		}
		out := make(Stats, n)
		for i := range out {
			name := c.strings[12+i*ethGStringLen : 12+(i+1)*ethGStringLen]
			out[i] = Stat{
				Name:  jsonSafe(unix.ByteSliceToString(name)),
				Value: c.values[1+i],
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("statistics changed while being read")
}

// grow returns b with length n, reusing its memory when it is big enough.
func grow[T any](b []T, n int) []T {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]T, n)
}
