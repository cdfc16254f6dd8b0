package analyze

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/netvet/netvet/collect"
)

// synthSnapshots builds a big host's window: ncpu CPUs, nlines IRQ lines
// (NIC queues first, then other devices, then the arch rows), one snapshot
// per second. shared: consecutive snapshots share the Lines and CPUs slices,
// as the interrupts collector does when the layout did not change;
// otherwise each snapshot has its own copies (same content).
func synthSnapshots(ncpu, nlines, nsnaps int, shared bool) []*collect.Snapshot {
	rng := rand.New(rand.NewPCG(1, 2))
	cpus := make([]int, ncpu)
	for c := range cpus {
		cpus[c] = c
	}
	arch := []string{"NMI", "LOC", "SPU", "PMI", "IWI", "RTR", "RES", "CAL", "TLB", "TRM", "THR", "DFR", "MCE", "MCP", "ERR", "MIS"}
	lines := make([]collect.IRQLine, 0, nlines)
	for i := 0; len(lines) < nlines-len(arch); i++ {
		ln := collect.IRQLine{IRQ: strconv.Itoa(40 + i), Num: 40 + i, Chip: "IR-PCI-MSI", Queue: -1}
		if i < 64 {
			ln.Device, ln.NIC, ln.Queue, ln.Kind = fmt.Sprintf("eth0-TxRx-%d", i), "eth0", i, "TxRx"
		} else {
			ln.Device = fmt.Sprintf("nvme%dq%d", i/64, i%64)
		}
		lines = append(lines, ln)
	}
	for _, a := range arch {
		lines = append(lines, collect.IRQLine{IRQ: a, Num: -1, Queue: -1})
	}
	counts := make([]uint64, len(lines)*ncpu)
	softnet := make([]uint64, ncpu)
	var stats collect.Stats
	for q := range 64 {
		stats = append(stats, collect.Stat{Name: fmt.Sprintf("rx_queue_%d_packets", q)}, collect.Stat{Name: fmt.Sprintf("rx_queue_%d_bytes", q)})
	}
	stats = append(stats, collect.Stat{Name: "rx_packets"}, collect.Stat{Name: "rx_missed_errors"})
	netstatKeys := []string{"TcpExt.ListenOverflows", "TcpExt.ListenDrops", "TcpExt.TCPReqQFullDrop", "TcpExt.PruneCalled", "TcpExt.TCPRcvQDrop"}

	out := make([]*collect.Snapshot, nsnaps)
	for i := range out {
		for k := range counts {
			counts[k] = uint32Add(counts[k], uint64(rng.IntN(1000)))
		}
		s := &collect.Snapshot{Time: t0.Add(time.Duration(i) * time.Second), Host: collect.HostInfo{BootID: "b1", CPUs: ncpu}}
		in := &collect.Interrupts{CPUs: cpus, Lines: lines, Counts: append([]uint64(nil), counts...)}
		if !shared {
			in.CPUs = append([]int(nil), cpus...)
			in.Lines = append([]collect.IRQLine(nil), lines...)
		}
		s.Interrupts = in
		s.Softnet = make([]collect.SoftnetCPU, ncpu)
		netrx := make([]uint64, ncpu)
		for c := range ncpu {
			softnet[c] = uint32Add(softnet[c], uint64(rng.IntN(100000)))
			s.Softnet[c] = collect.SoftnetCPU{CPU: c, Processed: softnet[c], Dropped: uint64(i), TimeSqueeze: uint64(i / 2), Columns: 13}
			netrx[c] = softnet[c] / 10
		}
		s.SoftIRQs = &collect.SoftIRQs{CPUs: cpus, Rows: map[string][]uint64{"NET_RX": netrx}}
		s.Netstat = &collect.Counters{Values: map[string]uint64{}}
		for k, key := range netstatKeys {
			s.Netstat.Values[key] = uint64(i * k)
		}
		s.NetDev = map[string]collect.NetDevStats{"eth0": {RxPackets: uint64(i) * 1e6, RxDrop: uint64(i)}}
		st := append(collect.Stats(nil), stats...)
		for k := range st {
			st[k].Value = uint64(i * (k + 1))
		}
		s.Ethtool = map[string]*collect.Ethtool{"eth0": {Driver: "ixgbe", Stats: st}}
		out[i] = s
	}
	return out
}

func uint32Add(a, b uint64) uint64 { return (a + b) & 0xffffffff }

// processCPU is the user+system CPU time this process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ruleSetLike reads what the rule set reads from a big host's window: every
// CPU's softnet and interrupt totals, every NIC queue's spread, a handful of
// host counters and NIC stats.
func ruleSetLike(w *Window) uint64 {
	var sum uint64
	for _, cpu := range w.SoftnetCPUs() {
		d, _ := w.SoftnetDelta(cpu)
		sum += d.Processed.Inc + d.Dropped.Inc
		n, _ := w.SoftIRQDelta("NET_RX", cpu)
		sum += n.Inc
	}
	for _, c := range w.InterruptsByCPU() {
		sum += c.Devices.Inc
	}
	for _, ln := range w.IRQLines() {
		if ln.NIC != "" {
			d, _ := w.IRQLineDelta(ln.IRQ)
			sum += d.Total.Inc
		}
	}
	for _, k := range []string{"TcpExt.ListenOverflows", "TcpExt.ListenDrops", "TcpExt.TCPReqQFullDrop", "TcpExt.PruneCalled", "TcpExt.TCPRcvQDrop"} {
		d, _ := w.NetstatDelta(k)
		sum += d.Inc
	}
	nd, _ := w.NetDevDelta("eth0")
	sum += nd.RxDrop.Inc
	for _, name := range w.EthtoolStatNames("eth0") {
		d, _ := w.EthtoolStatDelta("eth0", name)
		sum += d.Inc
	}
	return sum
}

// BenchmarkWindowRuleSet is the speed target: the reads of the whole rule
// set over 60 snapshots of a 256-CPU, 1,000-line host, including building the
// Window's indexes (a fresh Window per iteration).
func BenchmarkWindowRuleSet(b *testing.B) {
	for _, shared := range []bool{true, false} {
		snaps := synthSnapshots(256, 1000, 60, shared)
		b.Run(fmt.Sprintf("sharedLayout=%v", shared), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				ruleSetLike(NewWindow(snaps, time.Second))
			}
			// Wall time swings with whatever else the machine runs; the
			// process's CPU time per op is the steadier figure.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

func BenchmarkInterruptsByCPU(b *testing.B) {
	snaps := synthSnapshots(256, 1000, 60, true)
	b.ReportAllocs()
	for b.Loop() {
		NewWindow(snaps, time.Second).InterruptsByCPU()
	}
}

func BenchmarkIRQLineDelta(b *testing.B) {
	snaps := synthSnapshots(256, 1000, 60, true)
	w := NewWindow(snaps, time.Second)
	w.IRQLines() // index built once, as rules share a Window
	b.ReportAllocs()
	for b.Loop() {
		w.IRQLineDelta("42")
	}
}

func BenchmarkIRQDelta(b *testing.B) {
	snaps := synthSnapshots(256, 1000, 60, true)
	w := NewWindow(snaps, time.Second)
	w.IRQLines()
	b.ReportAllocs()
	for b.Loop() {
		w.IRQDelta("42", 200)
	}
}

func BenchmarkSoftnetDelta(b *testing.B) {
	snaps := synthSnapshots(256, 1000, 60, true)
	w := NewWindow(snaps, time.Second)
	w.SoftnetCPUs()
	b.ReportAllocs()
	for b.Loop() {
		for cpu := range 256 {
			w.SoftnetDelta(cpu)
		}
	}
}

func BenchmarkNetstatDelta(b *testing.B) {
	snaps := synthSnapshots(8, 40, 60, true)
	w := NewWindow(snaps, time.Second)
	b.ReportAllocs()
	for b.Loop() {
		w.NetstatDelta("TcpExt.ListenOverflows")
	}
}

func BenchmarkEthtoolStatDelta(b *testing.B) {
	snaps := synthSnapshots(8, 40, 60, true)
	w := NewWindow(snaps, time.Second)
	b.ReportAllocs()
	for b.Loop() {
		w.EthtoolStatDelta("eth0", "rx_missed_errors")
	}
}

// TestSyntheticWindowShape keeps the benchmark honest: the synthetic window
// has the size it claims and the helpers find everything in it.
func TestSyntheticWindowShape(t *testing.T) {
	snaps := synthSnapshots(16, 100, 5, false)
	w := NewWindow(snaps, time.Second)
	if n := len(w.IRQLines()); n != 100 {
		t.Errorf("IRQLines = %d, want 100", n)
	}
	if n := len(w.InterruptsByCPU()); n != 16 {
		t.Errorf("InterruptsByCPU = %d CPUs, want 16", n)
	}
	if n := len(w.SoftnetCPUs()); n != 16 {
		t.Errorf("SoftnetCPUs = %d, want 16", n)
	}
	if d, ok := w.IRQDelta("LOC", 15); !ok || d.Intervals != 4 {
		t.Errorf("IRQDelta(LOC, 15) = %+v, %v; want 4 intervals", d, ok)
	}
	if ruleSetLike(w) == 0 {
		t.Error("ruleSetLike read nothing")
	}
}
