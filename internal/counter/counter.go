// Package counter computes how much a kernel counter rose between two
// readings when the counter may have been reset or may have wrapped.
//
// The rule, in order:
//
//  1. The host rebooted between the readings (its boot id changed, or
//     proc/uptime went backwards): every counter restarted at zero, so the
//     increase is the new value.
//  2. The counter did not go down: the increase is cur − prev.
//  3. It went down and is known to be 32 bits wide, both readings fit in 32
//     bits, and it went down by more than half the 32-bit range: it wrapped,
//     and the increase is cur + 2^32 − prev.
//  4. Otherwise it was reset (driver reload, IRQ re-requested, interface
//     re-created, bond slave re-enslaved): the increase is the new value, as
//     Prometheus' increase() and rate() count a reset
//     (https://prometheus.io/docs/prometheus/latest/querying/functions/#resets).
//
// Why "more than half the range" (rule 3): a wrap and a reset both show as a
// decrease, and the readings alone cannot tell them apart. A wrap from prev to
// cur means 2^32 − prev + cur events happened; when the counter fell by less
// than 2^31, that would be more than 2^31 events in one interval — for a
// per-CPU packet counter at 10 Mpps that is 214 s — while a reset explains it
// with no such rate. This is serial-number arithmetic (RFC 1982) applied to a
// counter: within half the range, the direction of travel is unambiguous.
// It follows that an interval must be short enough for a 32-bit counter to
// move less than 2^31; every sampling interval netvet uses is.
//
// Which counters are 32 bits wide (the kernel prints them from unsigned int):
//   - proc/net/softnet_stat: every column is a u32 printed "%08x"
//     (softnet_seq_show, https://github.com/torvalds/linux/blob/master/net/core/net-procfs.c).
//   - proc/interrupts per-CPU counts: irq_desc_kstat_cpu returns unsigned int
//     (https://github.com/torvalds/linux/blob/master/include/linux/irqdesc.h,
//     printed by show_interrupts in
//     https://github.com/torvalds/linux/blob/master/kernel/irq/proc.c); the
//     arch summary rows (LOC, NMI, RES, …) come from irq_cpustat_t's unsigned
//     int fields (https://github.com/torvalds/linux/blob/master/arch/x86/include/asm/hardirq.h).
//   - proc/softirqs: kernel_stat.softirqs[] is unsigned int
//     (https://github.com/torvalds/linux/blob/master/include/linux/kernel_stat.h).
//   - bonding "Link Failure Count": struct slave's link_failure_count is u32
//     (https://github.com/torvalds/linux/blob/master/include/net/bonding.h).
//
// Counters that are 64 bits wide never wrap in practice (2^64 events at
// 10^9 per second take 584 years), so a decrease is always a reset: proc/net/dev
// and sys/class/net/*/statistics (rtnl_link_stats64), proc/net/snmp and
// netstat (unsigned long on 64-bit kernels). Some drivers keep u32 hardware
// counters behind ethtool -S or rtnl_link_stats64; they are not marked as such
// anywhere the kernel exposes, so they are treated as 64-bit: a wrap of one of
// them counts as a reset, which under-reports (cur instead of cur + 2^32 −
// prev) rather than inventing events.
package counter

import "math"

// Width is how many bits the kernel keeps for a counter.
type Width uint8

const (
	// Bits64 is the default: a decrease is a reset.
	Bits64 Width = 64
	// Bits32 marks a counter the kernel keeps in an unsigned int, which
	// wraps to 0 after 2^32 − 1.
	Bits32 Width = 32
)

// Change says how a counter moved between two readings.
type Change uint8

const (
	// Rose: cur ≥ prev, the increase is cur − prev (0 when it stood still).
	Rose Change = iota
	// Wrapped: a 32-bit counter passed 2^32 − 1; the increase is cur + 2^32 − prev.
	Wrapped
	// Reset: the counter restarted at zero; the increase is cur.
	Reset
)

func (c Change) String() string {
	switch c {
	case Rose:
		return "rose"
	case Wrapped:
		return "wrapped"
	case Reset:
		return "reset"
	}
	return "unknown"
}

// Delta returns the increase of a counter of width w from prev to cur, and how
// it moved (see the package documentation for the rule).
func Delta(prev, cur uint64, w Width) (uint64, Change) {
	if cur >= prev {
		return cur - prev, Rose
	}
	if w == Bits32 && prev <= math.MaxUint32 && prev-cur > 1<<31 {
		// prev and cur fit in 32 bits and prev > cur, so the sum is below 2^31.
		return cur + (1 << 32) - prev, Wrapped
	}
	return cur, Reset
}

// Increase is Delta when it is known whether the host rebooted between the
// readings: after a reboot every counter restarted at zero, so all of cur is
// new, even when cur ≥ prev.
func Increase(prev, cur uint64, w Width, rebooted bool) (uint64, Change) {
	if rebooted {
		return cur, Reset
	}
	return Delta(prev, cur, w)
}

// Rebooted reports whether the host rebooted between two readings. The boot
// id (proc/sys/kernel/random/boot_id) decides when both are known; otherwise
// proc/uptime going backwards does (both known, i.e. > 0). With neither, it
// reports false: counters that went down still count as reset by Delta.
func Rebooted(prevBootID, curBootID string, prevUptime, curUptime float64) bool {
	if prevBootID != "" && curBootID != "" {
		return prevBootID != curBootID
	}
	return prevUptime > 0 && curUptime > 0 && curUptime < prevUptime
}

// Add returns a + b, or math.MaxUint64 when the sum would overflow, so a sum
// of increases never wraps into a small number.
func Add(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxUint64
}
