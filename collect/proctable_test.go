package collect

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/procfs"
)

// naiveTable is an independent, obviously-correct reading of a well-formed
// header/value file, used to check that parseProcTable keeps every key.
func naiveTable(t *testing.T, b []byte) *Counters {
	t.Helper()
	c := &Counters{Values: map[string]uint64{}}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	for i := 0; i+1 < len(lines); i += 2 {
		names, vals := strings.Fields(lines[i]), strings.Fields(lines[i+1])
		if len(names) != len(vals) || names[0] != vals[0] {
			t.Fatalf("naive: lines %d-%d do not pair", i+1, i+2)
		}
		group := strings.TrimSuffix(names[0], ":")
		for j := 1; j < len(names); j++ {
			key := group + "." + names[j]
			if u, err := strconv.ParseUint(vals[j], 10, 64); err == nil {
				c.Values[key] = u
			} else if s, err := strconv.ParseInt(vals[j], 10, 64); err == nil {
				if c.Signed == nil {
					c.Signed = map[string]int64{}
				}
				c.Signed[key] = s
			} else {
				t.Fatalf("naive: %s = %q", key, vals[j])
			}
		}
	}
	return c
}

func isTableFile(base string) bool {
	return base == "netstat" || strings.HasPrefix(base, "snmp") && !strings.HasPrefix(base, "snmp6")
}

func TestParseProcTableReal(t *testing.T) {
	for _, rel := range procRealFiles(t, isTableFile) {
		t.Run(rel, func(t *testing.T) {
			b := procRealFile(t, rel)
			got, err := parseProcTable(rel, b)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(naiveTable(t, b), got); d != "" {
				t.Errorf("(-naive +ours):\n%s", d)
			}
		})
	}
	walkSharedProc(t, isTableFile, func(t *testing.T, name string, b []byte) {
		got, err := parseProcTable(name, b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := cmp.Diff(naiveTable(t, b), got); d != "" {
			t.Errorf("%s (-naive +ours):\n%s", name, d)
		}
	})
}

// TestParseProcTableValues pins the counters the rules use, on real files.
func TestParseProcTableValues(t *testing.T) {
	router := mustTable(t, "netutils-linux/series/proc_net_snmp/snmp1")
	laptopSNMP := mustTable(t, "node_exporter/laptop-4cpu-softnet-drops/proc/net/snmp")
	laptopNetstat := mustTable(t, "node_exporter/laptop-4cpu-softnet-drops/proc/net/netstat")
	offline, err := parseProcTable("proc/net/snmp", []byte(offlineSNMP)) // cpu_offline_test.go
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		c    *Counters
		key  string
		want uint64
	}{
		{router, "Ip.Forwarding", 1},
		{router, "Ip.ForwDatagrams", 3991292426},
		{router, "Tcp.RetransSegs", 133674663},
		{router, "Tcp.OutSegs", 16338441124},
		{router, "Tcp.InErrs", 167169},
		{router, "Udp.NoPorts", 14809371},
		{laptopSNMP, "Tcp.RetransSegs", 227},
		{laptopSNMP, "Udp.RcvbufErrors", 9},
		{laptopNetstat, "TcpExt.ListenOverflows", 0},
		{laptopNetstat, "TcpExt.TCPTimeouts", 115},
		{laptopNetstat, "TcpExt.TCPRcvQDrop", 131},
		{laptopNetstat, "IpExt.InOctets", 6286396970},
		{offline, "IcmpMsg.InType3", 4},
		{offline, "IcmpMsg.OutType3", 2},
		{offline, "Udp.IgnoredMulti", 31},
	}
	for _, tt := range tests {
		if got, ok := tt.c.Get(tt.key); !ok || got != tt.want {
			t.Errorf("%s = %d (present %v), want %d", tt.key, got, ok, tt.want)
		}
	}
	for _, c := range []*Counters{router, laptopSNMP, offline} {
		if _, ok := c.Get("Tcp.MaxConn"); ok {
			t.Error("Tcp.MaxConn in Values")
		}
		if c.Signed["Tcp.MaxConn"] != -1 {
			t.Errorf("Signed = %v, want Tcp.MaxConn -1", c.Signed)
		}
	}
	if laptopNetstat.Signed != nil {
		t.Errorf("netstat Signed = %v, want nil", laptopNetstat.Signed)
	}
	if n := len(laptopNetstat.Values); n != 84+12 {
		t.Errorf("%d netstat keys, want 96", n)
	}
}

func mustTable(t *testing.T, rel string) *Counters {
	t.Helper()
	c, err := parseProcTable(rel, procRealFile(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestProcTableMatchesProcfs checks every counter procfs v0.23.0 knows (it
// drops the others) against ours, on each real netstat and snmp file.
func TestProcTableMatchesProcfs(t *testing.T) {
	compared := 0
	check := func(t *testing.T, name string, b []byte) {
		ours, err := parseProcTable(name, b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "1", "net"), 0o755); err != nil {
			t.Fatal(err)
		}
		file := "snmp"
		if strings.Contains(string(b), "TcpExt:") {
			file = "netstat"
		}
		if err := os.WriteFile(filepath.Join(dir, "1", "net", file), b, 0o644); err != nil {
			t.Fatal(err)
		}
		pfs, err := procfs.NewFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		p, err := pfs.Proc(1)
		if err != nil {
			t.Fatal(err)
		}
		var theirs any
		if file == "netstat" {
			theirs, err = p.Netstat()
		} else {
			theirs, err = p.Snmp()
		}
		if err != nil {
			t.Logf("%s: procfs cannot parse it: %v", name, err)
			return
		}
		n := 0
		v := reflect.ValueOf(theirs)
		for i := range v.NumField() {
			group := v.Type().Field(i)
			if !group.Anonymous {
				continue
			}
			gv := v.Field(i)
			for j := range gv.NumField() {
				f := gv.Field(j)
				if f.IsNil() {
					continue
				}
				key := group.Name + "." + gv.Type().Field(j).Name
				want := f.Elem().Float()
				var got float64
				if u, ok := ours.Get(key); ok {
					got = float64(u)
				} else if s, ok := ours.Signed[key]; ok {
					got = float64(s)
				} else {
					t.Errorf("%s: %s missing (procfs: %v)", name, key, want)
					continue
				}
				if got != want {
					t.Errorf("%s: %s = %v, procfs %v", name, key, got, want)
				}
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: procfs gave no counters", name)
		}
		compared++
	}
	for _, rel := range procRealFiles(t, isTableFile) {
		check(t, rel, procRealFile(t, rel))
	}
	for _, live := range []string{"/proc/net/netstat", "/proc/net/snmp"} {
		if b, err := os.ReadFile(live); err == nil {
			check(t, live, b)
		}
	}
	if compared < 6 {
		t.Errorf("only %d files compared with procfs", compared)
	}
}

func TestParseProcTableBad(t *testing.T) {
	vals := func(kv map[string]uint64) *Counters { return &Counters{Values: kv} }
	tests := []struct {
		name     string
		in       string
		want     *Counters
		wantLine int
		wantErr  string
	}{
		{name: "empty", in: "", wantErr: "no counters"},
		{name: "blank", in: "\n\n", wantErr: "no counters"},
		{name: "count mismatch keeps other sections", in: "Tcp: A B C\nTcp: 1 2\nUdp: X\nUdp: 5\n",
			want: vals(map[string]uint64{"Udp.X": 5}), wantLine: 2, wantErr: "Tcp: 3 names but 2 values"},
		{name: "extra value", in: "Udp: X\nUdp: 5 6\nIp: F\nIp: 1\n",
			want: vals(map[string]uint64{"Ip.F": 1}), wantLine: 2, wantErr: "Udp: 1 names but 2 values"},
		{name: "header without values", in: "Tcp: A B\nUdp: X\nUdp: 5\n",
			want: vals(map[string]uint64{"Udp.X": 5}), wantLine: 1, wantErr: "Tcp header without a value line"},
		{name: "header at end of file", in: "Udp: X\nUdp: 5\nTcp: A B", want: vals(map[string]uint64{"Udp.X": 5}),
			wantLine: 3, wantErr: "Tcp header without a value line"},
		{name: "two headers of one group", in: "IcmpMsg: InType3\nIcmpMsg: InType8\nIcmpMsg: 4\n",
			want: vals(map[string]uint64{"IcmpMsg.InType8": 4}), wantLine: 1, wantErr: "IcmpMsg header without a value line"},
		{name: "values without header", in: "Tcp: 1 2\nUdp: X\nUdp: 5\n", want: vals(map[string]uint64{"Udp.X": 5}),
			wantLine: 1, wantErr: "Tcp values without a header line"},
		{name: "no group", in: "A B\n1 2\nUdp: X\nUdp: 5\n", want: vals(map[string]uint64{"Udp.X": 5}),
			wantLine: 1, wantErr: `no "Group:" at the start of "A B"`},
		{name: "repeated group pairs merge", in: "IcmpMsg: InType0 InType3\nIcmpMsg: 1 2\nIcmpMsg: OutType3\nIcmpMsg: 3\n",
			want: vals(map[string]uint64{"IcmpMsg.InType0": 1, "IcmpMsg.InType3": 2, "IcmpMsg.OutType3": 3})},
		{name: "bad value keeps its neighbours", in: "Tcp: A B C\nTcp: 1 x 3\n", want: vals(map[string]uint64{"Tcp.A": 1, "Tcp.C": 3}),
			wantLine: 2, wantErr: `Tcp.B: "x" is not an integer`},
		{name: "uint64 max and beyond", in: "T: A B\nT: 18446744073709551615 18446744073709551616\n",
			want: vals(map[string]uint64{"T.A": math.MaxUint64}), wantLine: 2, wantErr: "T.B"},
		{name: "signed limits", in: "T: A B C\nT: -1 -9223372036854775808 -9223372036854775809\n",
			want: &Counters{Values: map[string]uint64{}, Signed: map[string]int64{"T.A": -1, "T.B": math.MinInt64}}, wantLine: 2, wantErr: "T.C"},
		{name: "truncated value line", in: "Tcp: A B C\nTcp: 1 2", want: nil, wantLine: 2, wantErr: "3 names but 2 values"},
		{name: "future group kept", in: "MPTcpExt: MPCapableSYNRX\nMPTcpExt: 7\n", want: vals(map[string]uint64{"MPTcpExt.MPCapableSYNRX": 7})},
		{name: "tabs and CRLF", in: "Tcp:\tA\tB\r\nTcp:\t1\t2\r\n", want: vals(map[string]uint64{"Tcp.A": 1, "Tcp.B": 2})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcTable("proc/net/snmp", []byte(tt.in))
			checkParsed(t, got, err, "proc/net/snmp", tt.want, tt.wantLine, tt.wantErr)
		})
	}
}

func TestCollectNetstatSNMP(t *testing.T) {
	netstat := string(procRealFile(t, "node_exporter/laptop-4cpu-softnet-drops/proc/net/netstat"))
	snmp := string(procRealFile(t, "node_exporter/laptop-4cpu-softnet-drops/proc/net/snmp"))
	tests := []struct {
		name        string
		fsys        fs.FS
		netstat     bool
		snmp        bool
		unavailable bool
		errPart     string
	}{
		{name: "both", fsys: procMapFS("proc/net/netstat", netstat, "proc/net/snmp", snmp), netstat: true, snmp: true},
		{name: "missing", fsys: procMapFS(), unavailable: true, errPart: "file does not exist"},
		{name: "permission denied", fsys: procErrFS{procMapFS("proc/net/netstat", netstat, "proc/net/snmp", snmp),
			map[string]error{"proc/net/netstat": fs.ErrPermission, "proc/net/snmp": fs.ErrPermission}},
			unavailable: true, errPart: "permission denied"},
		{name: "one bad section", fsys: procMapFS("proc/net/netstat", "X: a\nX: 1 2\n"+netstat, "proc/net/snmp", snmp+"Y: a b\nY: 1\n"),
			netstat: true, snmp: true, errPart: ":2: X: 1 names but 2 values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, fn := range []struct {
				name string
				run  func(*Collector, *Snapshot) error
				want bool
				get  func(*Snapshot) *Counters
			}{
				{"netstat", (*Collector).collectNetstat, tt.netstat, func(s *Snapshot) *Counters { return s.Netstat }},
				{"snmp", (*Collector).collectSNMP, tt.snmp, func(s *Snapshot) *Counters { return s.SNMP }},
			} {
				s, err := runProc(tt.fsys, fn.run)
				if got := fn.get(s) != nil; got != fn.want {
					t.Errorf("%s: present %v, want %v", fn.name, got, fn.want)
				}
				if tt.errPart == "" {
					if err != nil {
						t.Errorf("%s: %v", fn.name, err)
					}
					continue
				}
				if tt.name == "one bad section" && fn.name == "snmp" {
					wantProcParseError(t, err, "proc/net/snmp", strings.Count(snmp, "\n")+2, "Y: 2 names but 1 values")
					continue
				}
				if err == nil || !strings.Contains(err.Error(), tt.errPart) || IsUnavailable(err) != tt.unavailable {
					t.Errorf("%s: error %v, want %q (unavailable %v)", fn.name, err, tt.errPart, tt.unavailable)
				}
			}
		})
	}
}

// TestNetstatSNMPLive: the keys every kernel since 3.x prints.
func TestNetstatSNMPLive(t *testing.T) {
	fsys := procLiveFS(t)
	s, err := runProc(fsys, (*Collector).collectNetstat)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := runProc(fsys, (*Collector).collectSNMP)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"TcpExt.ListenOverflows", "TcpExt.ListenDrops", "TcpExt.TCPReqQFullDrop", "TcpExt.PruneCalled", "IpExt.InOctets"} {
		if _, ok := s.Netstat.Get(k); !ok {
			t.Errorf("netstat: no %s", k)
		}
	}
	for _, k := range []string{"Ip.Forwarding", "Tcp.RetransSegs", "Tcp.OutSegs", "Udp.RcvbufErrors", "Udp.InErrors"} {
		if _, ok := s2.SNMP.Get(k); !ok {
			t.Errorf("snmp: no %s", k)
		}
	}
	// tcp_mib_init sets MaxConn to -1 on every Linux.
	if s2.SNMP.Signed["Tcp.MaxConn"] != -1 {
		t.Errorf("Tcp.MaxConn: Signed = %v", s2.SNMP.Signed)
	}
}
