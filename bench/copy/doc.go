// Package copy measures the ways to move a file into a socket or pipe —
// read+write, mmap+write, sendfile, splice, tee and MSG_ZEROCOPY — each by
// raw, blocking syscalls (golang.org/x/sys/unix), with Go's own io.Copy as a
// reference row: it silently picks sendfile or splice itself, through the
// netpoller, so it is what a Go program gets, not a path this package
// controls.
//
// # What each method costs
//
//	read-write    read(2) page cache → user buffer, write(2) → socket buffer: two copies, 2 calls/chunk
//	mmap-write    write(2) from a MAP_SHARED mapping (MADV_SEQUENTIAL): one copy plus page faults, 1 call/chunk
//	sendfile      sendfile(2): page cache → socket without user space, 1 call/chunk
//	splice        splice(2) file → pipe → socket (F_SETPIPE_SZ, SPLICE_F_MOVE|MORE), 2 calls/chunk; 1 to a pipe
//	tee           splice into a pipe, tee(2) to a second pipe, splice each to its own sink: fan-out without copying
//	msg-zerocopy  send(MSG_ZEROCOPY) from the mapping, completions reaped from the error queue (TCP only)
//	io-copy       io.Copy(conn, *os.File): Go's choice, for reference
//
// The receiving side always copies (the sink reads into its buffer), so the
// zero-copy methods save on the sender only. On loopback and across a veth
// pair the data is delivered to a local socket, where the kernel copies
// MSG_ZEROCOPY data anyway (skb_orphan_frags_rx) and reports every
// completion as SO_EE_CODE_ZEROCOPY_COPIED; the table's note shows that
// share. Pinning pages and reaping completions then cost more than the copy
// they would save: MSG_ZEROCOPY pays only towards a real NIC, with sends of
// 10 KB and more.
//
// # The file changing under a sender
//
// A file mapped with mmap that another process truncates loses the pages
// past its new end. Where only the kernel reads the mapping (write(2),
// send(MSG_ZEROCOPY) here), the fault becomes EFAULT or a short write;
// where user space reads it (a server computing a checksum or encrypting
// TLS records from the mapping) it is SIGBUS, which kills a process. Both
// end the run with a "file shrank" error, the latter through
// debug.SetPanicOnFault (guardFaults), and the benchmark goes on. The kernel
// offers notice instead of a fault: a read lease, fcntl(fd, F_SETLEASE,
// F_RDLCK), makes a process that opens the file for writing or truncates it
// wait up to /proc/sys/fs/lease-break-time seconds while the holder gets
// SIGIO (or F_SETSIG's signal) and can finish the transfer or unmap first.
// The read+write, sendfile and splice paths see the new size as a short read
// and end early; only the mapping ones need the guard.
//
// # Processes, clocks and CPU accounting
//
// The sink is a separate process — netvet re-executed with a hidden role
// (SinkRole, via bench.Spawn) — that drains every stream with read(2),
// counts the bytes and computes CRC-32C, so a method that loses, duplicates
// or reorders data fails instead of looking fast. It says "ready" before
// its first read, and reports the CLOCK_MONOTONIC time of each end of
// stream; a run's time is from just before the sender's first syscall to
// the sink's last end of stream, so data still queued in socket buffers when
// the sender returns is counted. The clock is system-wide, so the two
// processes' readings compare directly.
//
// The sender's CPU is getrusage(RUSAGE_THREAD) of the one locked OS thread
// that runs the method loop, before and after it: RUSAGE_SELF would add the
// Go runtime's own threads (GC, sysmon), the goroutine waiting for the sink
// and the progress bar, none of which is the method. Kernel work done in the
// sender's context is charged to it — on loopback that includes most of the
// receive path (softirq processing at local_bh_enable in the sending
// thread), so a loopback sender pays for part of its receiver. io-copy is
// the exception: its goroutine can move between threads through the
// netpoller, so it is measured with RUSAGE_SELF (sender_cpu_scope
// "process"). The sink's CPU is its own getrusage(RUSAGE_SELF) around the
// drain (several goroutines on several threads), which leaves out exec and
// Go start-up that wait4's rusage would include.
//
// # Transports
//
// tcp is TCP over 127.0.0.1. veth is TCP between two network namespaces
// joined by a veth pair (MTU 1500, like a container's); the namespaces are
// anonymous (unshare(2), never mounted under /run/netns), held only by fds
// and sockets, so the kernel removes them and the pair however the process
// ends — no cleanup step can be skipped. It needs root; without it the veth
// rows are skipped with the reason. unix is a socketpair, pipe a pipe sized
// like the splice pipes. Every fd is blocking, as in a thread-per-connection
// server, and close-on-exec, so no sink inherits another stream's end.
package copy
