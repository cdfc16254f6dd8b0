package copy

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
)

// Method is one way of moving the file into the transport.
type Method string

// The methods, each a distinct syscall path (see doc.go for what each costs).
const (
	ReadWrite   Method = "read-write"   // read(2) into a buffer, write(2) it out
	MmapWrite   Method = "mmap-write"   // write(2) straight from a MAP_SHARED mapping
	Sendfile    Method = "sendfile"     // sendfile(2), page cache to socket in the kernel
	Splice      Method = "splice"       // splice(2) file → pipe → transport
	Tee         Method = "tee"          // tee(2)+splice(2): the same stream to two sinks
	MsgZerocopy Method = "msg-zerocopy" // send(MSG_ZEROCOPY) from the mapping, completions reaped
	IOCopy      Method = "io-copy"      // Go's io.Copy: reference row, it picks sendfile/splice itself
)

// Methods returns every method in table order; read-write first, as the
// baseline the others are compared with.
func Methods() []Method {
	return []Method{ReadWrite, MmapWrite, Sendfile, Splice, Tee, MsgZerocopy, IOCopy}
}

// Transport is what the sender writes into and the sink reads from.
type Transport string

// The transports.
const (
	TCP  Transport = "tcp"  // TCP over loopback
	Veth Transport = "veth" // TCP across a veth pair between two network namespaces
	Unix Transport = "unix" // AF_UNIX stream socketpair
	Pipe Transport = "pipe" // pipe(2)
)

// Transports returns every transport in table order.
func Transports() []Transport { return []Transport{TCP, Veth, Unix, Pipe} }

// Config is one invocation of the benchmark.
type Config struct {
	File   string // file to send; empty: a file of Size bytes is made in Dir and removed after
	Dir    string // where to make the file; empty: os.TempDir()
	Size   int64  // bytes of the made file (ignored with File)
	Chunk  int    // bytes per read/write/sendfile/splice call
	Repeat int    // runs per method × transport
	Cold   bool   // drop the file's pages (fadvise DONTNEED) before each run

	// PinSender and PinSink are CPUs to pin the sending thread and the
	// sink process to; -1 leaves them to the scheduler.
	PinSender, PinSink int

	Methods    []Method
	Transports []Transport

	// Progress, when set, is called before each run and once at the end
	// (done == total).
	Progress func(done, total int, what string)

	// sinkRole is the role spawned as sink; tests swap in a sink that
	// truncates the file. Empty means SinkRole.
	sinkRole string
}

// DefaultConfig is what `netvet bench copy` runs without flags: a 1 GiB
// file (long enough that a run lasts well over the scheduler tick that
// getrusage's user/sys split is sampled at) in 128 KiB calls, iperf3's
// default TCP block.
func DefaultConfig() Config {
	return Config{Size: 1 << 30, Chunk: 128 << 10, Repeat: 5, PinSender: -1, PinSink: -1,
		Methods: Methods(), Transports: Transports()}
}

// ParseMethods reads a comma-separated method list ("all" for every one).
func ParseMethods(s string) ([]Method, error) {
	return parseList(s, Methods(), "method")
}

// ParseTransports reads a comma-separated transport list ("all" for every one).
func ParseTransports(s string) ([]Transport, error) {
	return parseList(s, Transports(), "transport")
}

func parseList[T ~string](s string, all []T, what string) ([]T, error) {
	if strings.TrimSpace(s) == "all" {
		return all, nil
	}
	var out []T
	for f := range strings.SplitSeq(s, ",") {
		v := T(strings.TrimSpace(f))
		if v == "" {
			continue
		}
		if !slices.Contains(all, v) {
			names := make([]string, len(all))
			for i, a := range all {
				names[i] = string(a)
			}
			return nil, fmt.Errorf("unknown %s %q (known: %s)", what, v, strings.Join(names, ", "))
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s given", what)
	}
	return out, nil
}

// validate checks what can be checked before any file is made. The file
// size is checked against Chunk once known (fileSize).
func (c *Config) validate() error {
	var errs []error
	if c.File == "" && c.Size <= 0 {
		errs = append(errs, fmt.Errorf("size must be positive, got %d", c.Size))
	}
	if c.Chunk <= 0 {
		errs = append(errs, fmt.Errorf("chunk must be positive, got %d", c.Chunk))
	}
	if c.File == "" && c.Size > 0 && int64(c.Chunk) > c.Size {
		errs = append(errs, fmt.Errorf("chunk %s is larger than the file (%s)", FormatSize(int64(c.Chunk)), FormatSize(c.Size)))
	}
	if c.Repeat < 1 {
		errs = append(errs, fmt.Errorf("repeat must be at least 1, got %d", c.Repeat))
	}
	if len(c.Methods) == 0 {
		errs = append(errs, errors.New("no method given"))
	}
	if len(c.Transports) == 0 {
		errs = append(errs, errors.New("no transport given"))
	}
	for _, p := range []struct {
		name string
		cpu  int
	}{{"pin-sender", c.PinSender}, {"pin-sink", c.PinSink}} {
		if p.cpu < -1 || p.cpu >= runtime.NumCPU() {
			errs = append(errs, fmt.Errorf("%s: no CPU %d (this host has CPUs 0-%d)", p.name, p.cpu, runtime.NumCPU()-1))
		}
	}
	if c.File != "" {
		st, err := os.Stat(c.File)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("file: %w", err))
		case !st.Mode().IsRegular():
			errs = append(errs, fmt.Errorf("file %s: not a regular file", c.File))
		case st.Size() == 0:
			errs = append(errs, fmt.Errorf("file %s: empty", c.File))
		case int64(c.Chunk) > st.Size():
			errs = append(errs, fmt.Errorf("chunk %s is larger than the file %s (%s)", FormatSize(int64(c.Chunk)), c.File, FormatSize(st.Size())))
		}
	}
	return errors.Join(errs...)
}
