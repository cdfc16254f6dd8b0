package collect

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/safchain/ethtool"
	"golang.org/x/sys/unix"
)

// ethtoolConn makes netvet/ethtool/<if>.json with the SIOCETHTOOL ioctl.
// Driver, rings and channels come from github.com/safchain/ethtool; the -S
// statistics and the features are read in live_ethtool_ioctl.go, because the
// driver's order of the statistics (ETHTOOL_GSTRINGS order) matters —
// per-queue counters come in queue order and names may repeat — and the
// library's Features costs 1 MiB per call.
type ethtoolConn struct {
	lib *ethtool.Ethtool
	fd  int // AF_INET datagram socket for the statistics ioctls

	mu      sync.Mutex // guards the scratch buffers below
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
		if f, err := c.features(ifname); err != nil {
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
