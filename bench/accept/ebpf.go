package accept

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"
)

// sockarray is reuseport-ebpf's steering: a BPF_PROG_TYPE_SK_REUSEPORT
// program that selects the socket in slot hash%n of a REUSEPORT_SOCKARRAY,
// and counts per slot what it selected. Slot i belongs to worker i for good:
// a restarting worker puts its new listener into its own slot (one map
// update, atomic for the program) before closing the old one, so no other
// flow changes socket and nothing is ever queued on a socket that is about
// to close. Plain SO_REUSEPORT instead reshuffles on every change of the
// group: it indexes the group's array, which shrinks and reorders on close.
type sockarray struct {
	socks  *ebpf.Map     // REUSEPORT_SOCKARRAY: slot -> listening socket (update by fd, lookup gives SO_COOKIE)
	counts *ebpf.Map     // ARRAY: slot -> connections the program sent there
	prog   *ebpf.Program // the selector
	n      int
}

// Offsets in struct sk_reuseport_md (include/uapi/linux/bpf.h): data and
// data_end are 8-byte pointers, then len, eth_protocol, ip_protocol,
// bind_inany and hash are u32s.
const mdHashOffset = 32

// SK_PASS: accept the connection on the selected socket; if nothing was
// selected the kernel falls back to its own hash (bpf_run_sk_reuseport).
const skPass = 1

// newSockarray loads the maps and the program. It needs CAP_BPF (root).
func newSockarray(n int) (*sockarray, error) {
	if n < 1 {
		return nil, fmt.Errorf("sockarray of %d slots", n)
	}
	socks, err := ebpf.NewMap(&ebpf.MapSpec{
		Name: "netvet_socks", Type: ebpf.ReusePortSockArray,
		KeySize: 4, ValueSize: 8, MaxEntries: uint32(n),
	})
	if err != nil {
		return nil, fmt.Errorf("create REUSEPORT_SOCKARRAY: %w", err)
	}
	counts, err := ebpf.NewMap(&ebpf.MapSpec{
		Name: "netvet_counts", Type: ebpf.Array,
		KeySize: 4, ValueSize: 8, MaxEntries: uint32(n),
	})
	if err != nil {
		socks.Close()
		return nil, fmt.Errorf("create per-slot counter array: %w", err)
	}
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Name:         "netvet_reuse",
		Type:         ebpf.SkReuseport,
		AttachType:   ebpf.AttachSkReuseportSelect,
		Instructions: selectorProgram(n, socks.FD(), counts.FD()),
		License:      "Dual MIT/GPL",
	})
	if err != nil {
		socks.Close()
		counts.Close()
		var ve *ebpf.VerifierError
		if errors.As(err, &ve) {
			return nil, fmt.Errorf("load SK_REUSEPORT program: %+v", ve)
		}
		return nil, fmt.Errorf("load SK_REUSEPORT program: %w", err)
	}
	return &sockarray{socks: socks, counts: counts, prog: prog, n: n}, nil
}

// selectorProgram is, in C:
//
//	u32 key = md->hash % n;
//	if (bpf_sk_select_reuseport(md, &socks, &key, 0) == 0) {
//		u64 *c = bpf_map_lookup_elem(&counts, &key);
//		if (c) __sync_fetch_and_add(c, 1);
//	}
//	return SK_PASS;
//
// md->hash is the listener-lookup hash of the 4-tuple (inet_ehashfn, the
// same the plain group uses), so without churn the spread is the kernel's.
// An empty slot (a worker that is not there) fails the select and the
// kernel falls back to its hash over the sockets present.
func selectorProgram(n, socksFD, countsFD int) asm.Instructions {
	return asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),                         // r6 = md
		asm.LoadMem(asm.R2, asm.R1, mdHashOffset, asm.Word), // r2 = md->hash
		asm.Mod.Imm32(asm.R2, int32(n)),                     // r2 %= n (32-bit: hash is u32)
		asm.StoreMem(asm.RFP, -4, asm.R2, asm.Word),         // key on the stack
		asm.Mov.Reg(asm.R1, asm.R6),                         // arg1 = md
		asm.LoadMapPtr(asm.R2, socksFD),                     // arg2 = &socks
		asm.Mov.Reg(asm.R3, asm.RFP),                        // arg3 = &key
		asm.Add.Imm(asm.R3, -4),                             //
		asm.Mov.Imm(asm.R4, 0),                              // arg4 = flags
		asm.FnSkSelectReuseport.Call(),                      //
		asm.JNE.Imm(asm.R0, 0, "out"),                       // not selected: let the kernel hash
		asm.LoadMapPtr(asm.R1, countsFD),                    // arg1 = &counts
		asm.Mov.Reg(asm.R2, asm.RFP),                        // arg2 = &key
		asm.Add.Imm(asm.R2, -4),                             //
		asm.FnMapLookupElem.Call(),                          //
		asm.JEq.Imm(asm.R0, 0, "out"),                       //
		asm.Mov.Imm(asm.R1, 1),                              //
		asm.StoreXAdd(asm.R0, asm.R1, asm.DWord),            // atomic (*c)++
		asm.Mov.Imm(asm.R0, skPass).WithSymbol("out"),       //
		asm.Return(),
	}
}

// Attach makes the program the group's selector (through any member).
func (s *sockarray) Attach(fd int) error {
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ATTACH_REUSEPORT_EBPF, s.prog.FD()); err != nil {
		return fmt.Errorf("setsockopt SO_ATTACH_REUSEPORT_EBPF: %w", err)
	}
	return nil
}

// Put stores a listening socket in a slot, replacing what was there in one
// step. The socket must already listen in the group (the kernel refuses an
// unhashed one).
func (s *sockarray) Put(slot, fd int) error {
	if err := s.socks.Update(uint32(slot), uint64(fd), ebpf.UpdateAny); err != nil {
		return fmt.Errorf("put listener into slot %d: %w", slot, err)
	}
	return nil
}

// Cookie returns the SO_COOKIE of the socket in a slot.
func (s *sockarray) Cookie(slot int) (uint64, error) {
	var c uint64
	if err := s.socks.Lookup(uint32(slot), &c); err != nil {
		return 0, fmt.Errorf("look up slot %d: %w", slot, err)
	}
	return c, nil
}

// Counts returns, per slot, how many connections the program steered there.
func (s *sockarray) Counts() ([]uint64, error) {
	out := make([]uint64, s.n)
	for i := range out {
		if err := s.counts.Lookup(uint32(i), &out[i]); err != nil {
			return nil, fmt.Errorf("read counter of slot %d: %w", i, err)
		}
	}
	return out, nil
}

// Close releases the program and maps. Sockets keep the attached program
// until the group is gone.
func (s *sockarray) Close() {
	s.prog.Close()
	s.socks.Close()
	s.counts.Close()
}
