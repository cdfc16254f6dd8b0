package collect

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/netvet/netvet/internal/cpumask"
)

// Fuzz targets for the hand-written parsers of this part: the bonding text,
// the queue masks and counts, and the IRQ affinity lists. Each checks that
// nothing panics, that errors are ParseErrors naming the file, and that
// what was accepted means what the text said (masks round-trip).

func FuzzParseBondingProc(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "realworld", "bond-*", "proc", "net", "bonding", "*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(modernProc))
	f.Add([]byte("Bonding Mode: IEEE 802.3ad Dynamic link aggregation\nActive Aggregator Info:\nAggregator ID: 1\n\nSlave Interface: a\ndetails actor lacp pdu:\n    port state: 61\n"))
	f.Add([]byte(""))
	valid := map[string]bool{"": true, "balance-rr": true, "active-backup": true, "balance-xor": true,
		"broadcast": true, "802.3ad": true, "balance-tlb": true, "balance-alb": true}
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "proc/net/bonding/bond0"
		b, err := parseBondingProc(name, data)
		if b == nil {
			t.Fatal("nil bond")
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Path != name {
				t.Fatalf("error %v is not a ParseError for %s", err, name)
			}
		}
		if b.Name != "bond0" || b.From != "proc" || b.Slaves == nil {
			t.Fatalf("bond %+v", b)
		}
		if !valid[b.Mode] {
			t.Fatalf("mode %q", b.Mode)
		}
		for _, s := range b.Slaves {
			if !validIfName(s.Name) || s.Speed < -1 {
				t.Fatalf("slave %+v", s)
			}
		}
	})
}

func FuzzQueues(f *testing.F) {
	f.Add("00000000,0000ff00", "4096", "00000000,00000001", "rx-1")
	f.Add("0", "0", "", "tx-7")
	f.Add("ffffffff,ffffffff,ffffffff,ffffffff", "-1", "zz", "rx-")
	f.Add("", "18446744073709551616", "0x3", "rx-01")
	f.Add(strings.Repeat("ffffffff,", 255)+"ffffffff", "256", "000000001", "queue")
	f.Fuzz(func(t *testing.T, rps, flow, xps, extra string) {
		const d = "sys/class/net/eth0"
		m := fstest.MapFS{
			d + "/queues/rx-0/rps_cpus":     sysfile(rps),
			d + "/queues/rx-0/rps_flow_cnt": sysfile(flow),
			d + "/queues/tx-0/xps_cpus":     sysfile(xps),
		}
		if extra != "" && !strings.Contains(extra, "/") && fs.ValidPath(extra) {
			m[d+"/queues/"+extra+"/rps_cpus"] = sysfile(rps)
		}
		rx, tx, err := collectorOn(m).readQueues(d)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.HasPrefix(pe.Path, d+"/queues/") {
				t.Fatalf("error %v is not a ParseError under the queues", err)
			}
		}
		if len(rx) == 0 || len(tx) == 0 {
			t.Fatalf("rx %v tx %v: queue 0 lost", rx, tx)
		}
		for i := 1; i < len(rx); i++ {
			if rx[i-1].Index > rx[i].Index {
				t.Fatalf("rx not sorted: %v", rx)
			}
		}
		for _, q := range rx {
			if q.RPSFlowCnt < -1 {
				t.Fatalf("flow count %d", q.RPSFlowCnt)
			}
			maskRoundTrip(t, q.RPSCPUs, q.HasRPS)
		}
		for _, q := range tx {
			maskRoundTrip(t, q.XPSCPUs, q.HasXPS)
		}
		if err == nil && !(rx[0].HasRPS && tx[0].HasXPS) {
			t.Fatalf("no error, but a mask was not read: %+v %+v", rx[0], tx[0])
		}
	})
}

// roundTrip checks that an accepted mask prints and parses back to itself.
func maskRoundTrip(t *testing.T, set cpumask.Set, has bool) {
	t.Helper()
	if !has {
		if !set.IsEmpty() {
			t.Fatalf("mask %v without Has", set)
		}
		return
	}
	if set.Max() > cpumask.MaxCPU {
		t.Fatalf("CPU %d above the limit", set.Max())
	}
	back, err := cpumask.ParseHex(set.Hex(0))
	if err != nil || !back.Equal(set) {
		t.Fatalf("mask %v -> %q -> %v, %v", set, set.Hex(0), back, err)
	}
}

func FuzzIRQAffinity(f *testing.F) {
	f.Add("0-3,8-11", "8")
	f.Add("", "")
	f.Add("0-4095", "4095")
	f.Add("0-31:2/8", "0-8192")
	f.Add("5-2", "x")
	f.Add(" 1 ,2", "1\n")
	f.Fuzz(func(t *testing.T, list, eff string) {
		m := fstest.MapFS{
			"proc/irq/5/smp_affinity_list":       sysfile(list),
			"proc/irq/5/effective_affinity_list": sysfile(eff),
		}
		s := emptySnapshot()
		err := collectorOn(m).collectIRQAffinity(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.HasPrefix(pe.Path, "proc/irq/5/") || pe.Line != 1 {
				t.Fatalf("error %v is not a ParseError for proc/irq/5", err)
			}
		}
		a, ok := s.Config.IRQs[5]
		if err == nil && (!ok || !a.HasEffective) {
			t.Fatalf("no error, but irq 5 = %+v (present %v)", a, ok)
		}
		if !ok {
			return
		}
		for _, set := range []cpumask.Set{a.Affinity, a.Effective} {
			back, err := cpumask.ParseList(set.List())
			if err != nil || !back.Equal(set) {
				t.Fatalf("list %v -> %q -> %v, %v", set, set.List(), back, err)
			}
		}
		if !a.HasEffective && !a.Effective.IsEmpty() {
			t.Fatalf("effective %v without HasEffective", a.Effective)
		}
	})
}
