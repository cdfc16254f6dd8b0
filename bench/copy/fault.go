package copy

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"unsafe"
)

// FaultError is a memory fault (SIGBUS, SIGSEGV) taken while reading a
// mapping, typically because another process truncated the mapped file.
type FaultError struct {
	Addr uintptr // faulting address, when the runtime knows it
	Err  error   // the runtime's description
}

func (e *FaultError) Error() string {
	return fmt.Sprintf("memory fault at %#x reading the mapped file (was it truncated by another process?): %v", e.Addr, e.Err)
}

func (e *FaultError) Unwrap() error { return e.Err }

// guardFaults runs fn with debug.SetPanicOnFault, so a fault in fn's own
// goroutine becomes a panic, and turns that panic into a *FaultError when
// the faulting address lies in mapping. Any other panic (a nil pointer is a
// fault too) is a bug and goes on up.
// Without it a SIGBUS on a truncated mapping kills the whole process; with
// it, the one method's run fails and the benchmark goes on. The kernel's
// own notice mechanism is a lease: fcntl(F_SETLEASE, F_RDLCK) makes the
// truncating process wait (lease-break-time) while the holder gets
// SIGIO and can finish or unmap first (see fcntl(2), "Leases").
func guardFaults(mapping []byte, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		re, ok := r.(runtime.Error)
		if !ok {
			panic(r)
		}
		a, ok := re.(interface{ Addr() uintptr })
		if !ok || len(mapping) == 0 {
			panic(r)
		}
		base := uintptr(unsafe.Pointer(unsafe.SliceData(mapping)))
		if addr := a.Addr(); addr >= base && addr < base+uintptr(len(mapping)) {
			err = &FaultError{Addr: addr, Err: re}
			return
		}
		panic(r)
	}()
	return fn()
}
