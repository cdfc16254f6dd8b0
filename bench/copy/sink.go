package copy

import (
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc32"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// SinkRole is the hidden role name under which netvet re-executes itself
// as the receiving end; register SinkMain under it (bench.RunRole).
const SinkRole = "copy-sink"

// sinkBuf is the sink's read size. It is fixed, not the sender's chunk, so
// the receiving cost is the same for every method and only the sending
// side varies.
const sinkBuf = 256 << 10

// sinkReport is what the sink writes to its stdout after the streams end.
type sinkReport struct {
	Streams []sinkStream `json:"streams"`
	UserNS  int64        `json:"user_ns"` // CPU of the whole sink process while draining
	SysNS   int64        `json:"sys_ns"`
	Error   string       `json:"error,omitempty"`
}

type sinkStream struct {
	Bytes  int64  `json:"bytes"`
	CRC32C uint32 `json:"crc32c"`
	EOFNS  int64  `json:"eof_ns"` // CLOCK_MONOTONIC at end of stream: shared by all processes
}

// SinkMain is the sink process: it drains fds 3, 4, … (one per stream),
// counting bytes and computing CRC-32C, and reports as JSON on stdout.
// Arguments: -streams N, -pin CPU. It says "ready" on stdout before its
// first read, so the sender's clock starts after the sink's exec and Go
// runtime start-up, not before.
func SinkMain(args []string) int { return runSink(args, nil) }

// runSink is SinkMain with a hook called after each read with the bytes
// stream 0 has received so far (tests truncate the file from it).
func runSink(args []string, hook func(received int64)) int {
	fs := flag.NewFlagSet(SinkRole, flag.ContinueOnError)
	streams := fs.Int("streams", 1, "streams to drain, on fds 3 onwards")
	pin := fs.Int("pin", -1, "CPU to pin the whole sink process to")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *pin >= 0 {
		if err := pinProcess(*pin); err != nil {
			fmt.Fprintf(os.Stderr, "copy sink: %v\n", err)
			return 1
		}
	}
	if _, err := os.Stdout.WriteString("ready\n"); err != nil {
		return 1
	}
	var r0, r1 unix.Rusage
	// RUSAGE_SELF, not THREAD: the streams are drained by several
	// goroutines on whatever threads Go gives them. The process does
	// nothing else while draining, and measuring here rather than via
	// wait4 leaves out exec and runtime start-up.
	_ = unix.Getrusage(unix.RUSAGE_SELF, &r0)
	rep := sinkReport{Streams: make([]sinkStream, *streams)}
	errs := make([]error, *streams)
	var wg sync.WaitGroup
	for i := range *streams {
		var h func(int64)
		if i == 0 {
			h = hook
		}
		wg.Go(func() { rep.Streams[i], errs[i] = drain(3+i, h) })
	}
	wg.Wait()
	_ = unix.Getrusage(unix.RUSAGE_SELF, &r1)
	rep.UserNS = r1.Utime.Nano() - r0.Utime.Nano()
	rep.SysNS = r1.Stime.Nano() - r0.Stime.Nano()
	for i, err := range errs {
		if err != nil {
			rep.Error = fmt.Sprintf("stream %d: %v", i, err)
			break
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(rep); err != nil {
		return 1
	}
	return 0
}

// drain reads fd to end of stream with read(2).
func drain(fd int, hook func(int64)) (sinkStream, error) {
	defer unix.Close(fd)
	buf := make([]byte, sinkBuf)
	var st sinkStream
	tab := crc32c()
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return st, fmt.Errorf("read: %w", err)
		}
		if n == 0 {
			st.EOFNS = monotonicNS()
			return st, nil
		}
		st.CRC32C = crc32.Update(st.CRC32C, tab, buf[:n])
		st.Bytes += int64(n)
		if hook != nil {
			hook(st.Bytes)
		}
	}
}

// pinProcess pins every thread of this process to cpu. Threads Go starts
// later inherit the mask from the thread that clones them, which is then
// pinned too.
func pinProcess(cpu int) error {
	var set unix.CPUSet
	set.Set(cpu)
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return fmt.Errorf("list own threads: %w", err)
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
			return fmt.Errorf("pin thread %d to CPU %d: %w", tid, cpu, err)
		}
	}
	return nil
}

func monotonicNS() int64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}
