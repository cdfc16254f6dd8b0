package collect

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// Benchmarks at the size of a big host: 256 CPUs, 64 interfaces. The budget
// for a 256-CPU host's whole counter set (these plus proc/interrupts) is
// 10 ms and 4 MB per sample.

// softnetText renders n rows in the 6.4+ format (15 columns).
func softnetText(n int) []byte {
	var b strings.Builder
	for c := range n {
		fmt.Fprintf(&b, "%08x %08x %08x 00000000 00000000 00000000 00000000 00000000 00000000 %08x %08x %08x %08x %08x 00000000\n",
			0x12345678+c, c%7, c*3, c*11, c%5, c%3, c, c%3)
	}
	return []byte(b.String())
}

// netDevText renders n interfaces with realistic counter widths.
func netDevText(n int) []byte {
	var b strings.Builder
	b.WriteString(netDevHeader)
	for i := range n {
		fmt.Fprintf(&b, "%6s: %d %d 0 %d 0 0 0 %d %d %d 0 0 0 0 0 0\n", fmt.Sprintf("eth%d", i),
			874354587123+i, 1036395123+i, i*3, 4521+i, 563352563991+i, 732147000+i)
	}
	return []byte(b.String())
}

func BenchmarkParseSoftnet256(b *testing.B) {
	in := softnetText(256)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseSoftnet("proc/net/softnet_stat", in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSoftIRQs256(b *testing.B) {
	in := softirqsText(256)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseSoftIRQs("proc/softirqs", in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseNetstat(b *testing.B) {
	in := procRealFile(b, "procfs/virtio-vm-4cpu/proc/26231/net/netstat")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseProcTable("proc/net/netstat", in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSNMP(b *testing.B) {
	in := procRealFile(b, "netutils-linux/series/proc_net_snmp/snmp1")
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseProcTable("proc/net/snmp", in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseNetDev64(b *testing.B) {
	in := netDevText(64)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseNetDev("proc/net/dev", in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSockstat(b *testing.B) {
	in := procRealFile(b, "procfs/virtio-vm-4cpu/proc/net/sockstat")
	b.ReportAllocs()
	for b.Loop() {
		var cb counterBuilder
		var errs errList
		parseSockstat("proc/net/sockstat", in, &cb, &errs)
		if cb.counters() == nil || errs.err() != nil {
			b.Fatal(errs.err())
		}
	}
}

// BenchmarkCollectProcCounters256 is one sample of this file's counter
// collectors on a 256-CPU, 64-interface host, with one Collector reused as
// the Sampler does (so the read buffer is warm).
func BenchmarkCollectProcCounters256(b *testing.B) {
	fsys := fstest.MapFS{
		"proc/softirqs":            {Data: softirqsText(256)},
		"proc/net/softnet_stat":    {Data: softnetText(256)},
		"proc/net/netstat":         {Data: procRealFile(b, "procfs/virtio-vm-4cpu/proc/26231/net/netstat")},
		"proc/net/snmp":            {Data: procRealFile(b, "netutils-linux/series/proc_net_snmp/snmp1")},
		"proc/net/dev":             {Data: netDevText(64)},
		"proc/net/sockstat":        {Data: procRealFile(b, "procfs/virtio-vm-4cpu/proc/net/sockstat")},
		"proc/uptime":              {Data: []byte("546.74 1044.83\n")},
		"netvet/host.json":         {Data: []byte(`{"hostname":"big","kernel":"6.1.0","boot_id":"b","cpus":256,"time":"2026-11-22T10:00:00Z"}`)},
		"proc/sys/kernel/hostname": {Data: []byte("big\n")},
	}
	steps := []func(*Collector, *Snapshot) error{
		(*Collector).collectHost, (*Collector).collectSoftIRQs, (*Collector).collectSoftnet, (*Collector).collectNetstat,
		(*Collector).collectSNMP, (*Collector).collectNetDev, (*Collector).collectSockstat,
	}
	c := NewCollector()
	c.r.fsys = fsys
	b.ReportAllocs()
	for b.Loop() {
		s := &Snapshot{}
		for _, step := range steps {
			if err := step(c, s); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkCollectSysctls(b *testing.B) {
	kv := map[string]string{}
	for _, n := range SysctlNames() {
		kv[n] = "4096\t131072\t6291456\n"
	}
	c := NewCollector()
	c.r.fsys = sysctlFS(kv)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.collectSysctls(&Snapshot{Config: &Config{}}); err != nil {
			b.Fatal(err)
		}
	}
}
