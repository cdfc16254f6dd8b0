package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"strconv"

	"github.com/netvet/netvet/internal/cpumask"
)

// liveIRQBalance makes netvet/irqbalance.json by looking for a process whose
// proc/<pid>/comm is "irqbalance". The daemon rewrites smp_affinity every
// 10 s, so a manual IRQ layout does not survive it. Banned CPUs come from its
// environment (IRQBALANCE_BANNED_CPUS, a hex mask; IRQBALANCE_BANNED_CPULIST,
// a list, irqbalance 1.8+) when it is readable (root).
func liveIRQBalance(ctx context.Context, root fs.FS) ([]byte, error) {
	ents, err := fs.ReadDir(root, "proc")
	if err != nil {
		return nil, err
	}
	var out IRQBalance
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		comm, err := fs.ReadFile(root, "proc/"+e.Name()+"/comm")
		if err != nil || string(bytes.TrimSpace(comm)) != "irqbalance" {
			continue
		}
		out = IRQBalance{Running: true, PID: pid}
		if env, err := fs.ReadFile(root, "proc/"+e.Name()+"/environ"); err == nil {
			out.Banned = bannedCPUs(env)
		}
		break
	}
	return json.Marshal(out)
}

// bannedCPUs finds the banned-CPU setting in a NUL-separated environment.
// The mask form is returned as is; the list form is turned into a mask, so
// the field has one form ("3" is CPUs 0 and 1 either way).
func bannedCPUs(env []byte) string {
	var list string
	for _, kv := range bytes.Split(env, []byte{0}) {
		k, v, ok := bytes.Cut(kv, []byte("="))
		switch {
		case !ok:
		case string(k) == "IRQBALANCE_BANNED_CPUS" && len(v) > 0:
			return string(v)
		case string(k) == "IRQBALANCE_BANNED_CPULIST" && len(v) > 0:
			if set, err := cpumask.ParseList(string(v)); err == nil && !set.IsEmpty() {
				list = set.Hex(0)
			}
		}
	}
	return list
}
