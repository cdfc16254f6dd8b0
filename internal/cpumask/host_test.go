package cpumask

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestThisHost reads the masks this kernel prints and checks that parsing
// and formatting reproduce them byte for byte: smp_affinity and its _list
// twin name the same CPUs, and Hex(nr_cpu_ids) prints what the kernel did
// (this is where the first-word padding rule is checked against a real
// kernel: 2 CPUs give "3" and "0").
func TestThisHost(t *testing.T) {
	possible, err := os.ReadFile("/sys/devices/system/cpu/possible")
	if err != nil {
		t.Skipf("no sysfs CPU list: %v", err)
	}
	ps, err := ParseList(string(possible))
	if err != nil {
		t.Fatalf("possible %q: %v", possible, err)
	}
	nrCPUIDs := ps.Max() + 1 // cpumask_pr_args prints nr_cpu_ids bits

	checked := 0
	check := func(hexPath string) (Set, bool) {
		t.Helper()
		b, err := os.ReadFile(hexPath)
		if err != nil {
			return Set{}, false // absent (xps without CONFIG_XPS) or not root
		}
		text := strings.TrimSuffix(string(b), "\n")
		s, err := ParseHex(text)
		if err != nil {
			t.Errorf("%s: ParseHex(%q): %v", hexPath, text, err)
			return Set{}, false
		}
		if got := s.Hex(nrCPUIDs); got != text {
			t.Errorf("%s: kernel printed %q, Hex(%d) = %q", hexPath, text, nrCPUIDs, got)
		}
		checked++
		return s, true
	}

	irqs, _ := filepath.Glob("/proc/irq/*/smp_affinity")
	irqs = append(irqs, "/proc/irq/default_smp_affinity")
	for _, p := range irqs {
		s, ok := check(p)
		if !ok {
			continue
		}
		lb, err := os.ReadFile(p + "_list")
		if err != nil {
			continue
		}
		text := strings.TrimSuffix(string(lb), "\n")
		l, err := ParseList(text)
		if err != nil {
			t.Errorf("%s_list: ParseList(%q): %v", p, text, err)
			continue
		}
		if !l.Equal(s) {
			t.Errorf("%s is %v but %s_list is %v", p, s, p, l)
		}
		if got := l.List(); got != text {
			t.Errorf("%s_list: kernel printed %q, List() = %q", p, text, got)
		}
	}
	queues, _ := filepath.Glob("/sys/class/net/*/queues/*-*/[rx]ps_cpus")
	for _, p := range queues {
		check(p)
	}
	for _, p := range []string{"/sys/devices/system/cpu/online", "/sys/devices/system/cpu/present", "/sys/devices/system/cpu/possible"} {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		text := strings.TrimSuffix(string(b), "\n")
		s, err := ParseList(text)
		if err != nil {
			t.Errorf("%s: ParseList(%q): %v", p, text, err)
		} else if got := s.List(); got != text {
			t.Errorf("%s: kernel printed %q, List() = %q", p, text, got)
		}
		checked++
	}
	if checked == 0 {
		t.Skip("no CPU mask file readable")
	}
	t.Logf("%d kernel mask files reproduced (nr_cpu_ids %d)", checked, nrCPUIDs)
}
