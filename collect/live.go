package collect

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// live is the Origin of the host netvet runs on.
type live struct {
	opts LiveOptions
	mu   sync.Mutex
	eth  *ethtoolConn // opened at the first ethtool file, closed by Close
}

// NewLive returns the live host: every Source reads proc/ and sys/ under
// opts.Root (default "/") as they are at that moment, and makes the netvet/
// files from the kernel when they are first opened.
func NewLive(opts LiveOptions) Origin {
	if opts.Root == "" {
		opts.Root = "/"
	}
	return &live{opts: opts}
}

func (l *live) Kind() Kind              { return KindLive }
func (l *live) Path() string            { return "" }
func (l *live) Len() int                { return -1 }
func (l *live) Interval() time.Duration { return 0 }

func (l *live) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.eth != nil {
		l.eth.close()
		l.eth = nil
	}
	return nil
}

// Source returns the host now. i is only echoed in the Moment. With full
// false the ethtool files hold the stats only. ctx bounds the work of the
// netvet/ files, which are made after Source returns, when first opened:
// keep ctx alive while the Source is read.
func (l *live) Source(ctx context.Context, i int, full bool) (Source, Moment, error) {
	if err := ctx.Err(); err != nil {
		return nil, Moment{}, err
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	root := l.opts.Root
	base := newLiveDirFS(root)
	top := map[string]func() ([]byte, error){
		"host.json":       func() ([]byte, error) { return liveHost(base, now) },
		"irqbalance.json": func() ([]byte, error) { return liveIRQBalance(ctx, base) },
		"addrs.json":      func() ([]byte, error) { return liveAddrs(ctx) },
	}
	if !l.opts.NoSockets {
		top["listeners.json"] = func() ([]byte, error) { return liveListeners(ctx) }
		if full {
			// Read with the configuration: see the tcp_remotes collector.
			top["tcp_remotes.json"] = func() ([]byte, error) { return liveTCPRemotes(ctx) }
		}
	}
	v := &virtualFiles{top: top}
	if !l.opts.NoEthtool {
		v.ifaces = func() ([]string, error) { return liveIfaces(filepath.Join(root, "sys/class/net")) }
		v.ethtool = func(ifname string) ([]byte, error) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			c, err := l.ethtool()
			if err != nil {
				return nil, err
			}
			return c.file(ifname, full)
		}
	}
	fsys := &overlayFS{base: base, top: []string{"proc", "sys"}, virt: v}
	return fsys, Moment{Index: i, Time: now, Full: full}, nil
}

// ethtool returns the ioctl sockets, opening them once.
func (l *live) ethtool() (*ethtoolConn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.eth == nil {
		c, err := openEthtool()
		if err != nil {
			return nil, err
		}
		l.eth = c
	}
	return l.eth, nil
}

// liveIfaces lists sys/class/net: the interfaces (symlinks into
// sys/devices), not bonding_masters.
func liveIfaces(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		if e.Type()&fs.ModeSymlink != 0 || e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}
