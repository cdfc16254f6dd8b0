package copy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func truncatingSink(args []string) int {
	spec := os.Getenv(truncateEnv)
	i := strings.LastIndexByte(spec, ':')
	if i < 0 {
		fmt.Fprintf(os.Stderr, "%s: bad %s=%q\n", truncatingSinkRole, truncateEnv, spec)
		return 2
	}
	path := spec[:i]
	after, err := strconv.ParseInt(spec[i+1:], 10, 64)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: bad %s=%q\n", truncatingSinkRole, truncateEnv, spec)
		return 2
	}
	done := false
	return runSink(args, func(got int64) {
		if !done && got >= after {
			done = true
			if err := os.Truncate(path, after); err != nil {
				fmt.Fprintf(os.Stderr, "truncate: %v\n", err)
			}
		}
	})
}

// TestTruncatedDuringTransfer has another process (the sink) truncate the
// file after the first MiB arrived, with every method over transports
// whose buffers are far smaller than the file, so the sender is mid-file.
// Every run must end with the "file shrank" error, none may crash the test
// process (mmap-write and msg-zerocopy read a mapping whose pages vanish),
// and the benchmark must go on to the next run.
func TestTruncatedDuringTransfer(t *testing.T) {
	const size, after = 32 << 20, 1 << 20
	for _, tr := range []Transport{Unix, Pipe, TCP} {
		for _, m := range Methods() {
			if applicable(m, tr) != "" {
				continue
			}
			t.Run(string(m)+"/"+string(tr), func(t *testing.T) {
				name, _, err := makeFile(t.TempDir(), size)
				if err != nil {
					t.Fatal(err)
				}
				t.Setenv(truncateEnv, fmt.Sprintf("%s:%d", name, after))
				cfg := DefaultConfig()
				cfg.File, cfg.Chunk, cfg.Repeat = name, 64<<10, 2
				cfg.Methods, cfg.Transports = []Method{m}, []Transport{tr}
				cfg.sinkRole = truncatingSinkRole
				rep, err := Measure(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				runs := rep.Results[0].Runs
				if len(runs) != 2 {
					t.Fatalf("%d runs, want 2: the benchmark stopped after the truncation", len(runs))
				}
				// The first run meets the truncation mid-transfer; the
				// second finds the file already short.
				t.Logf("first run: %.140s", runs[0].Error)
				for i, run := range runs {
					if !strings.Contains(run.Error, "file shrank during the transfer") || !strings.Contains(run.Error, "F_SETLEASE") {
						t.Errorf("run %d error = %q, want the file-shrank error", i, run.Error)
					}
				}
				if rep.Results[0].Summary != nil {
					t.Error("failed runs were summarised")
				}
			})
		}
	}
}

// TestGuardFaultsTurnsSIGBUSIntoError touches, from Go code, a page of a
// mapping that a truncation removed: without the guard the process dies of
// SIGBUS; with it the caller gets a FaultError naming the address.
func TestGuardFaultsTurnsSIGBUSIntoError(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	page := os.Getpagesize()
	if err := os.WriteFile(name, make([]byte, 4*page), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := unix.Mmap(int(f.Fd()), 0, 4*page, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	if err := os.Truncate(name, int64(page)); err != nil {
		t.Fatal(err)
	}
	var sum byte
	err = guardFaults(m, func() error {
		sum += m[0]      // still backed
		sum += m[2*page] // past the new end: SIGBUS
		return nil
	})
	var fe *FaultError
	if !errors.As(err, &fe) {
		t.Fatalf("guardFaults error = %v, want a *FaultError", err)
	}
	if want := uintptr(unsafe.Pointer(&m[2*page])); fe.Addr != want {
		t.Errorf("fault address %#x, want %#x", fe.Addr, want)
	}
	if !strings.Contains(err.Error(), "truncated") {
		t.Errorf("error %q does not suggest truncation", err)
	}
	// The process goes on, and so does the mapping's valid part.
	if err := guardFaults(m, func() error { sum += m[page-1]; return nil }); err != nil {
		t.Errorf("valid read: %v", err)
	}
}

// TestGuardFaultsPassesOtherPanics: a fault outside the mapping (a nil
// pointer) or an ordinary panic is a bug and must not be disguised as a
// truncated file.
func TestGuardFaultsPassesOtherPanics(t *testing.T) {
	m := make([]byte, 4096)
	tests := map[string]func() error{
		"nil pointer": func() error {
			var p *int
			return fmt.Errorf("%d", *p)
		},
		"plain panic": func() error { panic("boom") },
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("panic was swallowed")
				}
			}()
			err := guardFaults(m, fn)
			t.Errorf("guardFaults returned %v instead of panicking", err)
		})
	}
}
