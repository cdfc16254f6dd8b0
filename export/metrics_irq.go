package export

import (
	"strconv"

	"github.com/netvet/netvet/collect"
)

var famInterrupts = counterFamily("netvet_interrupts_total",
	"Interrupts taken per CPU (proc/interrupts). By default NIC queue vectors only; a CPU that never took the IRQ has no series.",
	"irq", "device", "queue", "kind", "cpu")

// irqLines lists the indexes of the lines in scope: NIC queue vectors
// (the collector tied them to an interface and a queue), or every line.
func irqLines(in *collect.Interrupts, scope IRQScope) []int {
	var out []int
	for i, l := range in.Lines {
		if scope == IRQAll || (scope == IRQNIC && l.NIC != "" && l.Queue >= 0) {
			out = append(out, i)
		}
	}
	return out
}

// irqLabels are a line's label values before the cpu: a NIC vector names
// its interface, queue and kind; another line its action names, or the
// description of a summary row (LOC: "Local timer interrupts").
func irqLabels(l collect.IRQLine) (device, queue, kind string) {
	switch {
	case l.NIC != "":
		device = l.NIC
	case l.Device != "":
		device = l.Device
	default:
		device = l.Desc
	}
	if l.Queue >= 0 {
		queue = strconv.Itoa(l.Queue)
	}
	return device, queue, l.Kind
}

// emitInterrupts exports one series per line and CPU whose count is not
// zero. A CPU outside an IRQ's affinity never counts it; leaving those
// cells out is what makes per-CPU interrupts affordable (on the synthetic
// 256-CPU host, 256 queue vectors × 256 CPUs would be 65,536 series, of
// which a few hundred ever move). The price: when an IRQ moves to a new
// CPU, that CPU's first interval is not in rate(), as for any new series.
func emitInterrupts(s sink, v *view, scope IRQScope, fold bool) {
	in := v.snap.Interrupts
	if in == nil || scope == IRQNone {
		return
	}
	folded := famInterrupts.without("cpu")
	cpus := make([]string, len(in.CPUs))
	for i, c := range in.CPUs {
		cpus[i] = strconv.Itoa(c)
	}
	for _, i := range irqLines(in, scope) {
		l := in.Lines[i]
		device, queue, kind := irqLabels(l)
		if fold {
			if sum, ok := v.sums["irq/"+l.IRQ]; ok {
				s.counter(folded, sum, l.IRQ, device, queue, kind)
			}
			continue
		}
		for col, n := range in.Row(i) {
			if n != 0 {
				s.counter(famInterrupts, n, l.IRQ, device, queue, kind, cpus[col])
			}
		}
	}
}

func foldInterrupts(f *folder, snap *collect.Snapshot, scope IRQScope, sums map[string]uint64) {
	in := snap.Interrupts
	if in == nil || scope == IRQNone {
		return
	}
	for _, i := range irqLines(in, scope) {
		row := in.Row(i)
		key := "irq/" + in.Lines[i].IRQ
		sums[key] = f.add(key, in.CPUs, func(c int) uint64 { return row[c] })
	}
}
