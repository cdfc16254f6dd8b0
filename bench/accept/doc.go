// Package accept measures how connections get from the kernel to worker
// threads: one acceptor handing off, workers sharing one listening socket
// (blocking accept, epoll with and without EPOLLEXCLUSIVE), and SO_REUSEPORT
// groups (the kernel's hash, a classic BPF program returning the receiving
// CPU, an SK_REUSEPORT eBPF program over a REUSEPORT_SOCKARRAY, and
// tcp_migrate_req). It reports throughput, latency, how evenly the workers
// share the load (max/min, Jain's index), server CPU per connection, the
// kernel's listen-queue drop counters, and what clients see fail when
// workers restart (--churn).
//
// # Why raw syscalls and locked threads
//
// Each worker is a goroutine locked to its OS thread (runtime.LockOSThread)
// that calls accept4, epoll_wait, read and write itself through
// golang.org/x/sys/unix. Go's net package would put every socket into the
// runtime's own netpoller and hand readiness to whichever thread is free,
// which is a model of its own and would hide the one being measured.
//
// # Processes, namespaces, clocks
//
// The server runs in the netvet process; the load generator is a hidden
// role (LoadRole, started with bench.Spawn) in its own process, so its CPU
// and Go scheduler stay out of the server's numbers. As root each run gets
// a fresh network namespace: the bench unshares one on a dedicated thread,
// creates the listening sockets and starts the generator from that thread
// (sockets and children keep the namespace of their creator), sets
// tcp_migrate_req there for reuseport-migrate, and reads the namespace's
// /proc/thread-self/net counters there (see nsProcFS). Nothing is mounted or
// named, so the namespace disappears with its last socket and process, even
// if netvet crashes; the host's sysctls and interfaces are never touched.
// Without root the bench runs on the host's loopback and skips what needs
// root (reuseport-ebpf, reuseport-migrate unless the host already has
// tcp_migrate_req=1).
//
// The generator announces its start on CLOCK_MONOTONIC; workers count
// connections and responses per phase (warm-up, window, drain) against that
// same clock, so the per-worker counts and the client's counts cover the
// same interval. Over the whole run they are equal: every response the
// client read, some worker wrote.
//
// # Restarts (--churn)
//
// At each period one worker (in turn) is replaced the way a graceful
// restart does it: the new worker is ready first (for reuseport, its
// listener has joined the group), then the old one stops taking
// connections as its model allows and finishes the ones it has. Plain
// reuseport and reuseport-cbpf-cpu can only close the old listener, and the
// kernel resets whatever is queued on it; reuseport-ebpf first points its
// slot at the new listener, waits for handshakes in flight, drains the old
// queue and then closes; reuseport-migrate closes and the kernel moves the
// queue to another listener. The shared models never close the shared
// listener, so their restarts cost nothing at the socket level.
//
// # Output
//
// Report is versioned by Schema ("netvet.bench.accept/v1"); WriteTable
// prints it for a person.
package accept
