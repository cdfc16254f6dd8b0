package accept

import (
	"fmt"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// cpuProgram is the classic BPF program of reuseport-cbpf-cpu:
//
//	ld  #cpu      ; A = CPU running the receive softirq (SKF_AD_CPU)
//	mod #n        ; A %= group size
//	ret a         ; index of the socket in the reuseport group
//
// The kernel runs it for each SYN and takes the result as an index into the
// group's socket array, which is in the order the sockets were added
// (reuseport_add_sock appends); an index beyond the group falls back to the
// hash (run_bpf_filter in
// https://github.com/torvalds/linux/blob/master/net/core/sock_reuseport.c).
// With worker i pinned to CPU i, the SYN, the accept and the request are
// then handled on one CPU: no cross-CPU wakeup and warm caches. With more
// workers than CPUs, workers beyond the CPU count get no connections; that
// is the model, not a bug.
func cpuProgram(n int) ([]bpf.RawInstruction, error) {
	if n < 1 {
		return nil, fmt.Errorf("cBPF program for %d sockets", n)
	}
	return bpf.Assemble([]bpf.Instruction{
		bpf.LoadExtension{Num: bpf.ExtCPUID},
		bpf.ALUOpConstant{Op: bpf.ALUOpMod, Val: uint32(n)},
		bpf.RetA{},
	})
}

// attachCPUProgram attaches the program to fd's reuseport group. One
// attachment serves the whole group, including sockets that join later.
func attachCPUProgram(fd, n int) error {
	raw, err := cpuProgram(n)
	if err != nil {
		return err
	}
	filter := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filter[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_REUSEPORT_CBPF, &prog); err != nil {
		return fmt.Errorf("setsockopt SO_ATTACH_REUSEPORT_CBPF: %w", err)
	}
	return nil
}
