package collect

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// A 9-CPU desktop whose CPU6 has been taken offline, written for these tests
// (the values are invented; the layout is the kernel's). Each /proc file
// lists CPUs its own way, which is the point of the fixture:
//
//   - proc/interrupts has a column per online CPU only (CPU0-5,7,8):
//     show_interrupts prints for_each_online_cpu, so the 7th column is CPU7.
//     https://github.com/torvalds/linux/blob/master/kernel/irq/proc.c
//   - proc/softirqs has a column per possible CPU (CPU0-8), the offline
//     one keeping the counts it had when it went down.
//     https://github.com/torvalds/linux/blob/master/fs/proc/softirqs.c
//   - proc/net/softnet_stat has a row per online CPU, and since 5.10 a 13th
//     column with the CPU's number, which skips 6.
//     https://github.com/torvalds/linux/blob/master/net/core/net-procfs.c
//   - sys/devices/system/cpu/cpuN/nodeX are the kernel's per-CPU node
//     links, kept here (as in trees copied by other tools' test suites) as
//     empty files; there is no node/ folder and no cpu/online, and only one
//     CPU has a topology folder.
//   - sys/class/net holds only speed and duplex (lo's empty: a refused
//     read) and a folder kept by a _void placeholder.
//
// sysstat's test tree (tests/root4, GPL-2.0, not in this repository) has the
// same shape; sysstat_shared_test.go checks the real files when the shared
// folder is present.

const offlineInterrupts = `           CPU0       CPU1       CPU2       CPU3       CPU4       CPU5       CPU7       CPU8
  0:         41          0          0          0          0          0          0          0   IO-APIC   2-edge      timer
  1:          0          9          0          0          0          0          0          0   IO-APIC   1-edge      i8042
  8:          0          0          0          1          0          0          0          0   IO-APIC   8-edge      rtc0
  9:          0          4          0          0          0          0          0          0   IO-APIC   9-fasteoi   acpi
 16:          0          0       2231          0          0          0          0          0   IO-APIC  16-fasteoi   ehci_hcd:usb1
 24:          0          0          0          0          0      88312          0          0   PCI-MSI 327680-edge      xhci_hcd
 27:          0          0          0          0          0          0      41720          3   PCI-MSI 1048576-edge      enp3s0
 28:         77          0          0          0          0          0          0          0   PCI-MSI 512000-edge      ahci[0000:00:17.0]
 29:          0          0          0          0          9          0          0          0   PCI-MSI 514048-edge      snd_hda_intel:card0
NMI:         12         15         11         19         10         14         13         16   Non-maskable interrupts
LOC:     502311     498120     477003     512877     469930     455102     488761       3127   Local timer interrupts
SPU:          0          0          0          0          0          0          0          0   Spurious interrupts
RES:      20417       9914       7702       8830       6015       5120       4408         97   Rescheduling interrupts
CAL:       3310       2874       2901       3046       2795       2660       2518         41   Function call interrupts
TLB:       1209       1433       1118       1502        987       1011       1260          2   TLB shootdowns
ERR:          0
MIS:          0
`

const offlineSoftirqs = `                    CPU0       CPU1       CPU2       CPU3       CPU4       CPU5       CPU6       CPU7       CPU8
          HI:          3          0          1          0          2          0          1          0          0
       TIMER:      88120      79004      81233      90411      77502      80016       1204      83377      79920
      NET_TX:          4         11          2        309          6          9          0         17          3
      NET_RX:         61         18          9      40417         22         15          2         33         27
       BLOCK:        140        612      70211         33       2904       1418          7         95        388
    IRQ_POLL:          0          0          0          0          0          0          0          0          0
     TASKLET:          2          0          3         88      91230          1          0          4          0
       SCHED:     120034      80711      66702      70981      69930      73003        510      68812      60214
     HRTIMER:          0          0          1        190          0          0          0          0          2
         RCU:      70112      71930      69004      80221      75516      77809        390      76130      61207
`

const offlineSoftnet = `00001a2b 00000000 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000
00000f77 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001
00000c40 00000000 00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000002
0002e915 00000002 00000011 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000003
000009d2 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000004
00000b06 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000005
00001188 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000005 00000000 00000001 00000007
00000031 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000008
`

// offlineSoftnetRows is offlineSoftnet parsed.
var offlineSoftnetRows = []SoftnetCPU{
	sn(0, 13, 0x1a2b, 0, 3, 0, 0, 0, 0),
	sn(1, 13, 0xf77, 0, 0, 0, 0, 0, 0),
	sn(2, 13, 0xc40, 0, 1, 0, 0, 0, 0),
	sn(3, 13, 0x2e915, 2, 0x11, 0, 0, 0, 0),
	sn(4, 13, 0x9d2, 0, 0, 0, 0, 0, 0),
	sn(5, 13, 0xb06, 0, 0, 0, 0, 0, 0),
	sn(7, 13, 0x1188, 0, 0, 0, 5, 0, 1),
	sn(8, 13, 0x31, 0, 0, 0, 0, 0, 0),
}

const offlineNetDev = netDevHeader +
	`    lo:  5501230    6120    0    0    0     0          0         0  5501230    6120    0    0    0     0       0          0
enp3s0: 90417735   71220    0   12    0     0          0       431  6204418   40399    0    0    0     0       0          0
wlp2s0:        0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
`

const offlineSNMP = `Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates
Ip: 2 64 77120 0 3 0 0 0 76911 70388 0 2 0 0 0 0 0 0 0
Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps
Icmp: 4 0 0 4 0 0 0 0 0 0 0 0 0 0 2 0 2 0 0 0 0 0 0 0 0 0 0
IcmpMsg: InType3 OutType3
IcmpMsg: 4 2
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 822 3 7 25 4 70233 68417 118 0 402 0
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti
Udp: 2210 6 0 1977 0 0 0 31
UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti
UdpLite: 0 0 0 0 0 0 0 0
`

const offlineSockstat = `sockets: used 412
TCP: inuse 7 orphan 0 tw 3 alloc 11 mem 1
UDP: inuse 4 mem 2
UDPLITE: inuse 0
RAW: inuse 0
FRAG: inuse 0 memory 0
`

// offlineHost is the whole tree: the /proc files above and the sysfs
// entries the text describes (cpu0-3 on node0, cpu4-8 on node1; cpu3 has
// thread sibling 7).
func offlineHost() fstest.MapFS {
	m := fstest.MapFS{
		"proc/interrupts":                      sysfile(offlineInterrupts),
		"proc/softirqs":                        sysfile(offlineSoftirqs),
		"proc/net/softnet_stat":                sysfile(offlineSoftnet),
		"proc/net/dev":                         sysfile(offlineNetDev),
		"proc/net/snmp":                        sysfile(offlineSNMP),
		"proc/net/sockstat":                    sysfile(offlineSockstat),
		"sys/class/net/enp3s0/speed":           sysfile("1000\n"),
		"sys/class/net/enp3s0/duplex":          sysfile("full\n"),
		"sys/class/net/lo/speed":               sysfile(""),
		"sys/class/net/lo/duplex":              sysfile(""),
		"sys/class/net/wlp2s0/_void":           sysfile(""),
		"sys/devices/system/cpu/cpufreq/_void": sysfile(""),
		"sys/devices/system/cpu/cpu3/topology/thread_siblings_list": sysfile("3,7\n"),
		"sys/devices/system/cpu/cpu3/topology/physical_package_id":  sysfile("0\n"),
	}
	for cpu, node := range []string{"node0", "node0", "node0", "node0", "node1", "node1", "node1", "node1", "node1"} {
		dir := "sys/devices/system/cpu/cpu" + string(rune('0'+cpu))
		m[dir+"/"+node] = sysfile("")
		m[dir+"/_void"] = sysfile("")
	}
	return m
}

// TestOfflineCPUColumns: each file's CPU numbering is read from the file,
// so the counts of CPU7 and CPU8 land on them although CPU6 is missing from
// two of the three files.
func TestOfflineCPUColumns(t *testing.T) {
	in, err := parseInterrupts("proc/interrupts", []byte(offlineInterrupts), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{0, 1, 2, 3, 4, 5, 7, 8}, in.CPUs); d != "" {
		t.Errorf("interrupts CPUs (-want +got):\n%s", d)
	}
	for _, c := range []struct {
		irq  string
		cpu  int
		want uint64
	}{
		{"LOC", 5, 455102}, {"LOC", 7, 488761}, {"LOC", 8, 3127},
		{"27", 7, 41720}, {"27", 8, 3}, {"ERR", 0, 0},
	} {
		if v, ok := countAt(in, c.irq, c.cpu); !ok || v != c.want {
			t.Errorf("IRQ %s CPU%d = %d (found %v), want %d", c.irq, c.cpu, v, ok, c.want)
		}
	}
	if _, ok := countAt(in, "LOC", 6); ok {
		t.Error("interrupts has a count for offline CPU6")
	}
	nics := map[string]int{}
	for _, l := range in.Lines {
		if l.NIC != "" {
			nics[l.NIC]++
		}
	}
	if d := cmp.Diff(map[string]int{"enp3s0": 1}, nics); d != "" {
		t.Errorf("NIC vectors (-want +got):\n%s", d)
	}

	si, err := parseSoftIRQs("proc/softirqs", []byte(offlineSoftirqs))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{0, 1, 2, 3, 4, 5, 6, 7, 8}, si.CPUs); d != "" {
		t.Errorf("softirqs CPUs (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]uint64{61, 18, 9, 40417, 22, 15, 2, 33, 27}, si.Rows["NET_RX"]); d != "" {
		t.Errorf("NET_RX (-want +got):\n%s", d)
	}

	rows, err := parseSoftnet("proc/net/softnet_stat", []byte(offlineSoftnet))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(offlineSoftnetRows, rows); d != "" {
		t.Errorf("softnet (-want +got):\n%s", d)
	}
}

// TestCollectOfflineHost runs every collector on the whole tree: the proc
// collectors find their files, those whose files are absent say so, and
// nothing is an error.
func TestCollectOfflineHost(t *testing.T) {
	s := NewCollector().Collect(t.Context(), offlineHost(), nil, true)
	want := map[string]State{
		"interrupts": StateOK, "softirqs": StateOK, "softnet": StateOK, "snmp": StateOK, "netdev": StateOK,
		"sockstat": StateOK, "links": StateOK, "nics": StateOK, "topology": StateOK,
		"host": StateUnavailable, "netstat": StateUnavailable, "sysctls": StateUnavailable,
		"bonding": StateUnavailable, "irq_affinity": StateUnavailable,
	}
	for name, w := range want {
		if st, ok := s.StatusOf(name); !ok || st.State != w {
			t.Errorf("%s: %+v, want %s", name, st, w)
		}
	}
	if d := cmp.Diff(offlineSoftnetRows, s.Softnet); d != "" {
		t.Errorf("softnet (-want +got):\n%s", d)
	}
	if s.SoftIRQs == nil || len(s.SoftIRQs.CPUs) != 9 || s.Interrupts == nil || len(s.Interrupts.CPUs) != 8 {
		t.Errorf("softirqs %+v, interrupts CPUs %v", s.SoftIRQs, s.Interrupts)
	}
	if got := s.NetDev["enp3s0"]; got.RxDrop != 12 || got.RxMulticast != 431 {
		t.Errorf("netdev enp3s0 %+v", got)
	}
	for _, c := range []struct {
		c    *Counters
		key  string
		want uint64
	}{
		{s.SNMP, "Tcp.RetransSegs", 118}, {s.SNMP, "IcmpMsg.OutType3", 2}, {s.SNMP, "Udp.IgnoredMulti", 31},
		{s.Sockstat, "TCP.inuse", 7}, {s.Sockstat, "FRAG.memory", 0},
	} {
		if v, ok := c.c.Get(c.key); !ok || v != c.want {
			t.Errorf("%s = %d (present %v), want %d", c.key, v, ok, c.want)
		}
	}
	if s.SNMP.Signed["Tcp.MaxConn"] != -1 {
		t.Errorf("snmp Signed = %v, want Tcp.MaxConn -1", s.SNMP.Signed)
	}
	if s.Netstat != nil || s.Config.Sysctls != nil {
		t.Error("absent files gave data")
	}
}
