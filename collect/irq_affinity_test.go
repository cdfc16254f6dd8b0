package collect

import (
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/internal/cpumask"
)

func TestCollectIRQAffinity(t *testing.T) {
	base := func() fstest.MapFS {
		return fstest.MapFS{
			"proc/irq/default_smp_affinity":       sysfile("ff\n"),
			"proc/irq/0/smp_affinity_list":        sysfile("0-7\n"),
			"proc/irq/0/effective_affinity_list":  sysfile("0\n"),
			"proc/irq/24/smp_affinity_list":       sysfile("2\n"),
			"proc/irq/24/effective_affinity_list": sysfile("2\n"),
			"proc/irq/24/eth0-TxRx-0":             sysdir(),
			"proc/irq/25/smp_affinity_list":       sysfile("0-3,8-11\n"),
			"proc/irq/25/effective_affinity_list": sysfile("8\n"),
			"proc/irq/notanirq/smp_affinity_list": sysfile("0\n"),
			"proc/irq/26/smp_affinity_list":       sysfile("0-4095\n"), // a 4096-CPU host
		}
	}
	full := map[int]IRQAffinity{
		0:  {Affinity: cpumask.Range(0, 7), Effective: cpumask.Of(0), HasEffective: true},
		24: {Affinity: cpumask.Of(2), Effective: cpumask.Of(2), HasEffective: true},
		25: {Affinity: cpumask.Range(0, 3).Union(cpumask.Range(8, 11)), Effective: cpumask.Of(8), HasEffective: true},
		26: {Affinity: cpumask.Range(0, 4095)},
	}
	without := func(irqs ...int) map[int]IRQAffinity {
		m := map[int]IRQAffinity{}
		for k, v := range full {
			m[k] = v
		}
		for _, i := range irqs {
			delete(m, i)
		}
		return m
	}
	tests := []struct {
		name        string
		fsys        fs.FS
		want        map[int]IRQAffinity
		errPath     string
		unavailable bool
	}{
		{name: "IRQs with and without effective affinity", fsys: base(), want: full},
		{
			name: "permission denied on one IRQ: skipped, still ok",
			fsys: faultFS{fsys: base(), open: map[string]error{"proc/irq/24/smp_affinity_list": fs.ErrPermission}},
			want: without(24),
		},
		{
			name: "IRQ freed while reading, or the chip refuses (EIO)",
			fsys: faultFS{fsys: base(), read: map[string]error{
				"proc/irq/24/smp_affinity_list": syscall.ENOENT, "proc/irq/25/smp_affinity_list": syscall.EIO,
			}},
			want: without(24, 25),
		},
		{
			name: "old kernel: hex smp_affinity only",
			fsys: fstest.MapFS{"proc/irq/9/smp_affinity": sysfile("00000000,00000101\n")},
			want: map[int]IRQAffinity{9: {Affinity: cpumask.Of(0, 8)}},
		},
		{
			name:    "list not a list: that IRQ left out, reported",
			fsys:    func() fs.FS { m := base(); m["proc/irq/24/smp_affinity_list"] = sysfile("two\n"); return m }(),
			want:    without(24),
			errPath: "proc/irq/24/smp_affinity_list",
		},
		{
			name:    "CPU above the limit (8192 CPUs)",
			fsys:    func() fs.FS { m := base(); m["proc/irq/26/smp_affinity_list"] = sysfile("0-8192\n"); return m }(),
			want:    without(26),
			errPath: "proc/irq/26/smp_affinity_list",
		},
		{
			name: "bad effective list: affinity kept, HasEffective false",
			fsys: func() fs.FS { m := base(); m["proc/irq/25/effective_affinity_list"] = sysfile("8-\n"); return m }(),
			want: func() map[int]IRQAffinity {
				m := without()
				m[25] = IRQAffinity{Affinity: full[25].Affinity}
				return m
			}(),
			errPath: "proc/irq/25/effective_affinity_list",
		},
		{
			name: "empty affinity list is an empty set",
			fsys: fstest.MapFS{"proc/irq/3/smp_affinity_list": sysfile("\n")},
			want: map[int]IRQAffinity{3: {Affinity: cpumask.Set{}}},
		},
		{name: "no proc/irq", fsys: fstest.MapFS{"proc/uptime": sysfile("1 1\n")}, unavailable: true},
		{
			name:        "proc/irq unreadable",
			fsys:        faultFS{fsys: base(), open: map[string]error{"proc/irq": fs.ErrPermission}},
			unavailable: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := emptySnapshot()
			err := collectorOn(tt.fsys).collectIRQAffinity(s)
			switch {
			case tt.unavailable:
				if !IsUnavailable(err) || s.Config.IRQs != nil {
					t.Fatalf("err = %v, irqs = %v; want unavailable, nil", err, s.Config.IRQs)
				}
				return
			case tt.errPath != "":
				wantParseError(t, err, tt.errPath, 1)
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if d := cmp.Diff(tt.want, s.Config.IRQs, sysfsCmp...); d != "" {
				t.Errorf("irqs (-want +got):\n%s", d)
			}
		})
	}
}

// TestCollectIRQAffinityLive compares with direct reads of /proc/irq.
func TestCollectIRQAffinityLive(t *testing.T) {
	ents, err := os.ReadDir("/proc/irq")
	if err != nil {
		t.Skipf("no /proc/irq: %v", err)
	}
	s := emptySnapshot()
	if err := collectorOn(os.DirFS("/")).collectIRQAffinity(s); err != nil {
		t.Fatalf("collect: %v", err)
	}
	n := 0
	for _, e := range ents {
		irq, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/irq/" + e.Name() + "/smp_affinity_list")
		if err != nil {
			continue
		}
		n++
		want, _ := cpumask.ParseList(string(b))
		got, ok := s.Config.IRQs[irq]
		if !ok || !got.Affinity.Equal(want) {
			t.Errorf("irq %d: %v (present %v), os reads %q", irq, got.Affinity, ok, strings.TrimSpace(string(b)))
		}
	}
	if len(s.Config.IRQs) != n {
		t.Errorf("%d IRQs, os reads %d", len(s.Config.IRQs), n)
	}
}
