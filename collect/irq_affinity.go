package collect

import (
	"strconv"

	"github.com/netvet/netvet/internal/cpumask"
)

// collectIRQAffinity reads proc/irq/N/smp_affinity_list (the CPUs an IRQ may
// be delivered to, as set) and effective_affinity_list (where the chip
// actually delivers it: one CPU on x86 APIC, since 4.15) for every numeric
// directory of proc/irq (kernel/irq/proc.c:
// https://github.com/torvalds/linux/blob/master/kernel/irq/proc.c).
//
// An IRQ whose files cannot be read (permission, or freed between the
// listing and the read) is left out; the others are still read. Kernels
// before 2.6.28 have only the hex smp_affinity, read when the list is
// absent; effective_affinity_list needs CONFIG_GENERIC_IRQ_EFFECTIVE_AFF_MASK
// (HasEffective false without it). proc/irq itself unreadable means
// unavailable.
func (c *Collector) collectIRQAffinity(s *Snapshot) error {
	const dir = "proc/irq"
	ents, err := c.r.readDir(dir)
	if err != nil {
		return err
	}
	irqs := make(map[int]IRQAffinity, len(ents))
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue // default_smp_affinity, default_smp_affinity_list
		}
		n, err := strconv.Atoi(e.Name())
		if err != nil || n < 0 {
			continue // not an IRQ directory
		}
		d := dir + "/" + e.Name()
		var a IRQAffinity
		if v, ok := c.readAttr(d + "/smp_affinity_list"); ok {
			a.Affinity, err = parseListText(d+"/smp_affinity_list", v)
		} else if v, ok := c.readAttr(d + "/smp_affinity"); ok {
			a.Affinity, err = parseMaskText(d+"/smp_affinity", v)
		} else {
			continue
		}
		if err != nil {
			keep(err)
			continue
		}
		if v, ok := c.readAttr(d + "/effective_affinity_list"); ok {
			a.Effective, err = parseListText(d+"/effective_affinity_list", v)
			a.HasEffective = err == nil
			keep(err)
			if err != nil {
				a.Effective = cpumask.Set{}
			}
		}
		irqs[n] = a
	}
	s.Config.IRQs = irqs
	return first
}
