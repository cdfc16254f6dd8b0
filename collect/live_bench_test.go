package collect

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkLiveEthtool measures making netvet/ethtool/<if>.json for each
// interface of this host: fast (statistics only, every sample) and full.
func BenchmarkLiveEthtool(b *testing.B) {
	ifs, err := liveIfaces("/sys/class/net")
	if err != nil {
		b.Skip(err)
	}
	c, err := openEthtool()
	if err != nil {
		b.Skip(err)
	}
	defer c.close()
	for _, ifname := range ifs {
		for _, full := range []bool{false, true} {
			name := ifname + "/fast"
			if full {
				name = ifname + "/full"
			}
			b.Run(name, func(b *testing.B) {
				st, _ := c.stats(ifname)
				b.ReportAllocs()
				for b.Loop() {
					c.file(ifname, full)
				}
				b.ReportMetric(float64(len(st)), "counters")
			})
		}
	}
}

// BenchmarkInetDiag measures the two socket dumps in a namespace holding
// NETVET_BENCH_TW (default 20000) TIME_WAIT sockets to 4 listeners and 2000
// established connections (4000 sockets), the shape of a busy proxy.
func BenchmarkInetDiag(b *testing.B) {
	tw := 20000
	if v, err := strconv.Atoi(os.Getenv("NETVET_BENCH_TW")); err == nil {
		tw = v
	}
	inNetns(b, func() error {
		var fds []int
		defer func() {
			for _, fd := range fds {
				unix.Close(fd)
			}
		}()
		var ports []int
		for range 4 {
			l, p, err := listenTCP(4096)
			if err != nil {
				return err
			}
			fds = append(fds, l)
			ports = append(ports, p)
		}
		for i := range tw {
			c, err := connectTCP(ports[i%4])
			if err != nil {
				return err
			}
			if _, err := unix.Poll([]unix.PollFd{{Fd: int32(c), Events: unix.POLLOUT}}, 2000); err != nil {
				return err
			}
			a, _, err := unix.Accept4(fds[i%4], unix.SOCK_CLOEXEC)
			if err != nil {
				return err
			}
			unix.Close(c)
			unix.Close(a)
		}
		for i := range 2000 {
			c, err := connectTCP(ports[i%4])
			if err != nil {
				return err
			}
			unix.Poll([]unix.PollFd{{Fd: int32(c), Events: unix.POLLOUT}}, 2000)
			a, _, err := unix.Accept4(fds[i%4], unix.SOCK_CLOEXEC)
			if err != nil {
				return err
			}
			fds = append(fds, c, a)
		}
		ctx := context.Background()
		rs, err := readTCPRemotes(ctx)
		if err != nil {
			return err
		}
		sockets := 0
		for _, r := range rs {
			sockets += r.Established + r.TimeWait + r.Other
		}
		b.Run("tcp_remotes", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := liveTCPRemotes(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(sockets), "sockets")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(sockets), "ns/socket")
		})
		b.Run("listeners", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := liveListeners(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		return nil
	})
}

// BenchmarkLiveSource measures one full moment of the live host's virtual
// files (what a collector pass opens), with the files built once.
func BenchmarkLiveSource(b *testing.B) {
	if _, err := os.Stat("/sys/class/net"); err != nil {
		b.Skip(err)
	}
	o := NewLive(LiveOptions{})
	defer o.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		src, _, _ := o.Source(ctx, 0, true)
		ents, _ := readDirNames(src, "netvet/ethtool")
		for _, n := range ents {
			readAll(src, filepath.Join("netvet/ethtool", n))
		}
		for _, n := range []string{"host.json", "listeners.json", "tcp_remotes.json", "addrs.json", "irqbalance.json"} {
			readAll(src, "netvet/"+n)
		}
	}
}

func readDirNames(fsys Source, name string) ([]string, error) {
	r := reader{fsys: fsys}
	ents, err := r.readDir(name)
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out, err
}
