package synthhost

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/procfs"
)

// TestProcfsReadsFormats checks the proc files against an independent
// reader: prometheus/procfs parses them as it parses a real host's.
func TestProcfsReadsFormats(t *testing.T) {
	h := mustNew(t, small())
	h.Step()
	files := h.Files(true)
	root := t.TempDir()
	if err := writeFiles(root, files); err != nil {
		t.Fatal(err)
	}
	// procfs reads netstat and snmp per process: proc/<pid>/net/.
	for _, name := range []string{"netstat", "snmp"} {
		p := filepath.Join(root, "proc", "1", "net", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, files["proc/net/"+name], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs, err := procfs.NewFS(filepath.Join(root, "proc"))
	if err != nil {
		t.Fatal(err)
	}

	sn, err := fs.NetSoftnetStat()
	if err != nil || len(sn) != 8 {
		t.Fatalf("softnet_stat: %d rows, %v", len(sn), err)
	}
	for cpu, s := range sn {
		if s.Index != uint32(cpu) || s.Width != 13 || s.Processed != uint32(h.softnet[cpu].processed) || s.Processed == 0 {
			t.Errorf("softnet CPU%d: %+v", cpu, s)
		}
	}
	si, err := fs.Softirqs()
	if err != nil || len(si.NetRx) != 8 || si.NetRx[0] == 0 {
		t.Errorf("softirqs: NET_RX %v, %v", si.NetRx, err)
	}
	nd, err := fs.NetDev()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range h.ifaces() {
		if _, ok := nd[name]; !ok {
			t.Errorf("net/dev: no %s", name)
		}
	}
	if got, want := nd["eth2"].RxPackets, sum(h.nicByName("eth2").rxPkts); got != want || got == 0 {
		t.Errorf("net/dev eth2 rx_packets %d, want %d", got, want)
	}
	if got := nd["bond0"].TxBytes; got != nd["eth0"].TxBytes+nd["eth1"].TxBytes {
		t.Errorf("bond0 tx_bytes %d is not the sum of its slaves", got)
	}
	ss, err := fs.NetSockstat()
	if err != nil || ss.Used == nil || len(ss.Protocols) != 5 {
		t.Errorf("sockstat: %+v, %v", ss, err)
	}
	p, err := fs.Proc(1)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := p.Netstat()
	if err != nil || ns.ListenOverflows == nil || *ns.ListenOverflows != 0 || ns.TCPTimeouts == nil || *ns.TCPTimeouts == 0 {
		t.Errorf("netstat: %v", err)
	}
	snmp, err := p.Snmp()
	if err != nil || snmp.MaxConn == nil || *snmp.MaxConn != -1 || snmp.RetransSegs == nil || *snmp.RetransSegs == 0 {
		t.Errorf("snmp: %v", err)
	}
}
