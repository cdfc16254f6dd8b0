package accept

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/netvet/netvet/collect"
)

// kernelKeys are the TcpExt counters a run reports, as deltas over the
// window. ListenOverflows: a full accept queue dropped a completed
// handshake; ListenDrops: every drop at a listener (overflows included);
// TCPReqQFullDrop: a SYN dropped because the SYN queue was full without
// syncookies (TCPReqQFullDoCookies: answered with a cookie instead); the
// migrate pair counts tcp_migrate_req at work.
func kernelKeys() []string {
	return []string{
		"TcpExt.ListenOverflows",
		"TcpExt.ListenDrops",
		"TcpExt.TCPReqQFullDrop",
		"TcpExt.TCPReqQFullDoCookies",
		"TcpExt.TCPMigrateReqSuccess",
		"TcpExt.TCPMigrateReqFailure",
	}
}

// nsProcFS is the collect.Source of a run: an fs.FS rooted at "/" as seen
// from inside the bench's network namespace, holding only the per-namespace
// counter files the bench reads.
//
// Why not os.DirFS("/"): /proc/net is a symlink to /proc/self/net, which
// follows the network namespace of the thread-group leader, and netvet's
// leader is in the host's namespace while its sockets live in the bench's.
// /proc/thread-self/net follows the calling thread, so the file is opened
// on the namespace's own thread (netns.Do) and read there. The collector
// then parses exactly what it would parse on a host.
type nsProcFS struct{ ns *netns }

// Open implements fs.FS.
func (f nsProcFS) Open(name string) (fs.File, error) {
	var real string
	switch name {
	case "proc/net/netstat", "proc/net/snmp":
		real = "/proc/thread-self/net/" + name[len("proc/net/"):]
	default:
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	var data []byte
	err := f.ns.Do(func() (err error) {
		data, err = os.ReadFile(real)
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: unwrapPath(err)}
	}
	return &memFile{name: name, Reader: bytes.NewReader(data), size: int64(len(data))}, nil
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// memFile is a file already read into memory.
type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (m *memFile) Stat() (fs.FileInfo, error) { return memInfo{m}, nil }
func (m *memFile) Close() error               { return nil }

type memInfo struct{ m *memFile }

func (i memInfo) Name() string       { return i.m.name }
func (i memInfo) Size() int64        { return i.m.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

// kernelSample is the counters at one moment, or why there are none.
type kernelSample struct {
	values map[string]uint64
	status string // "ok", or the netstat collector's state and error
}

// readKernel samples the counters through package collect.
func readKernel(ctx context.Context, ns *netns) kernelSample {
	snap := collect.NewCollector().Collect(ctx, nsProcFS{ns}, nil, true)
	st, ok := snap.StatusOf("netstat")
	if !ok {
		return kernelSample{status: "netstat collector did not run"}
	}
	if st.State != collect.StateOK {
		return kernelSample{status: fmt.Sprintf("netstat collector %s: %s", st.State, st.Err)}
	}
	out := map[string]uint64{}
	for _, k := range kernelKeys() {
		if v, ok := snap.Netstat.Get(k); ok {
			out[k] = v
		}
	}
	return kernelSample{values: out, status: "ok"}
}

// kernelDelta returns b-a for the counters present in both (missing is not
// zero), and the first status that is not ok.
func kernelDelta(a, b kernelSample) (map[string]uint64, string) {
	if a.status != "ok" {
		return nil, a.status
	}
	if b.status != "ok" {
		return nil, b.status
	}
	out := map[string]uint64{}
	for k, va := range a.values {
		if vb, ok := b.values[k]; ok && vb >= va {
			out[k] = vb - va
		}
	}
	return out, "ok"
}
