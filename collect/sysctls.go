package collect

import (
	"fmt"
	"strconv"
	"strings"
)

// SysctlNames lists the sysctls netvet reads, in dotted form. The rules of
// FINDINGS.md compare against them and plan/apply writes them; a new list is
// returned on every call so no caller can change another's.
func SysctlNames() []string {
	return []string{
		// Receive path: softnet backlog, NAPI budget, RPS/RFS, flow limit.
		"net.core.netdev_max_backlog",
		"net.core.netdev_budget",
		"net.core.netdev_budget_usecs", // 4.12+
		"net.core.dev_weight",
		"net.core.rps_sock_flow_entries",
		"net.core.flow_limit_cpu_bitmap",
		"net.core.flow_limit_table_len",
		"net.core.default_qdisc",
		// Socket buffers.
		"net.core.rmem_max",
		"net.core.wmem_max",
		"net.core.rmem_default",
		"net.core.wmem_default",
		"net.core.optmem_max",
		// Accept and SYN queues.
		"net.core.somaxconn",
		"net.ipv4.tcp_max_syn_backlog",
		"net.ipv4.tcp_syncookies",
		"net.ipv4.tcp_abort_on_overflow",
		"net.ipv4.tcp_migrate_req", // 5.14+
		// TCP buffers and autotuning.
		"net.ipv4.tcp_rmem",
		"net.ipv4.tcp_wmem",
		"net.ipv4.tcp_mem",
		"net.ipv4.tcp_adv_win_scale",
		"net.ipv4.tcp_moderate_rcvbuf",
		"net.ipv4.tcp_window_scaling",
		"net.ipv4.tcp_slow_start_after_idle",
		"net.ipv4.tcp_congestion_control",
		// Ephemeral ports and TIME_WAIT. tcp_tw_reuse only acts with
		// timestamps on, so a recommendation to enable it must see both.
		"net.ipv4.ip_local_port_range",
		"net.ipv4.ip_local_reserved_ports",
		"net.ipv4.tcp_tw_reuse",
		"net.ipv4.tcp_timestamps",
		"net.ipv4.tcp_fin_timeout",
		"net.ipv4.tcp_max_tw_buckets",
		// UDP.
		"net.ipv4.udp_mem",
		"net.ipv4.udp_rmem_min",
		"net.ipv4.udp_wmem_min",
		// Routing: a forwarding host's packets never reach a socket.
		"net.ipv4.ip_forward",
	}
}

// SysctlPath is the Source path of a dotted sysctl name:
// "net.core.somaxconn" -> "proc/sys/net/core/somaxconn". (Names whose
// components hold a dot, like net.ipv4.conf.eth0.100.rp_filter for a VLAN,
// are ambiguous in dotted form; none is in SysctlNames.)
func SysctlPath(name string) string {
	return "proc/sys/" + strings.ReplaceAll(name, ".", "/")
}

// collectSysctls reads SysctlNames. A sysctl the kernel does not have (too
// old, module not loaded) is absent from the map; only when none is readable
// is the collector unavailable.
func (c *Collector) collectSysctls(s *Snapshot) error {
	names := SysctlNames()
	m := make(map[string]string, len(names))
	var errs errList
	var unavailable error
	for _, n := range names {
		v, err := c.r.readString(SysctlPath(n))
		switch {
		case err == nil:
			m[n] = v // trimmed; inner tabs as printed: "4096\t131072\t6291456"
		case IsUnavailable(err):
			if unavailable == nil {
				unavailable = err
			}
		default:
			errs.add(err)
		}
	}
	if len(m) == 0 {
		if errs.first != nil {
			return errs.err()
		}
		return fmt.Errorf("none of %d sysctls readable: %w", len(names), unavailable)
	}
	s.Config.Sysctls = m
	return errs.err()
}

// SysctlInts returns the integers of a multi-value sysctl ("4096\t131072\t6291456"
// -> [4096 131072 6291456]; "32768\t60999" -> [32768 60999]). ok is false
// when the sysctl is absent, empty, or any field is not a decimal integer.
func SysctlInts(sysctls map[string]string, name string) ([]int64, bool) {
	v, ok := sysctls[name]
	if !ok {
		return nil, false
	}
	fields := strings.Fields(v)
	if len(fields) == 0 {
		return nil, false
	}
	out := make([]int64, len(fields))
	for i, f := range fields {
		x, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}

// SysctlInt returns a single-integer sysctl ("4096"). ok is false when it is
// absent, not an integer, or holds several values.
func SysctlInt(sysctls map[string]string, name string) (int64, bool) {
	v, ok := SysctlInts(sysctls, name)
	if !ok || len(v) != 1 {
		return 0, false
	}
	return v[0], true
}
