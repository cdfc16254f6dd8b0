package collect

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Fuzz targets for the /proc table parsers. Each is seeded with the real
// files of testdata/proc-realworld and the hand-written bad cases, and checks
// more than "no panic": errors are ParseErrors naming the file, results keep
// their invariants, and where the result determines the text (softnet,
// softirqs, net/dev) rendering it in the kernel's format parses back to the
// same value.

// seedProcReal adds every testdata/proc-realworld file whose name matches.
func seedProcReal(f *testing.F, match func(string) bool, extra ...string) {
	for _, rel := range procRealFiles(f, match) {
		f.Add(procRealFile(f, rel))
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// checkProcErr requires a nil error or a *ParseError for path.
func checkProcErr(t *testing.T, err error, path string) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != path {
		t.Fatalf("error %v (%T) is not a ParseError for %s", err, err, path)
	}
}

func FuzzParseSoftnet(f *testing.F) {
	seedProcReal(f, func(b string) bool { return strings.HasPrefix(b, "softnet") },
		"", "\n", "0000zz00 0 0 0 0 0 0 0 0\n", "ffffffffffffffff 0 0 0 0 0 0 0 0 0 0 0 ffff\n",
		"1 2 3 4 5 6 7 8 9 a b c d e f 10 11\n1 2 3 4 5 6 7 8 9 a b c 0\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		const path = "proc/net/softnet_stat"
		rows, err := parseSoftnet(path, b)
		checkProcErr(t, err, path)
		for i, r := range rows {
			if r.Columns < softnetMinColumns || r.CPU < 0 || r.CPU >= maxCPUIndex || (i > 0 && r.CPU <= rows[i-1].CPU) {
				t.Fatalf("row %d: %+v", i, r)
			}
		}
		if err != nil {
			return
		}
		again, err := parseSoftnet(path, []byte(renderSoftnet(rows)))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if d := cmp.Diff(rows, again); d != "" {
			t.Fatalf("round trip (-first +again):\n%s", d)
		}
	})
}

// renderSoftnet prints rows as softnet_seq_show would.
func renderSoftnet(rows []SoftnetCPU) string {
	var b strings.Builder
	for _, r := range rows {
		cols := []uint64{r.Processed, r.Dropped, r.TimeSqueeze, 0, 0, 0, 0, 0, r.CPUCollision, r.ReceivedRPS, r.FlowLimitCount, r.BacklogLen, uint64(r.CPU)}
		for i := range r.Columns {
			v := uint64(0)
			if i < len(cols) {
				v = cols[i]
			}
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%08x", v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func FuzzParseSoftIRQs(f *testing.F) {
	seedProcReal(f, func(b string) bool { return strings.HasPrefix(b, "softirqs") },
		"", "CPU0\n", "CPU0 CPU1\nHI: 1\n", "CPU0 CPU0\n", "CPU3 CPU7\nX: 18446744073709551615 0\nX: 1 1\n", " \n HI: 1\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		const path = "proc/softirqs"
		si, err := parseSoftIRQs(path, b)
		checkProcErr(t, err, path)
		if si == nil {
			if err == nil {
				t.Fatal("nil result without error")
			}
			return
		}
		if len(si.CPUs) == 0 || !sort.IntsAreSorted(si.CPUs) {
			t.Fatalf("cpus %v", si.CPUs)
		}
		for name, v := range si.Rows {
			if len(v) != len(si.CPUs) || cap(v) != len(v) || name == "" {
				t.Fatalf("row %q: len %d cap %d for %d cpus", name, len(v), cap(v), len(si.CPUs))
			}
		}
		if err != nil {
			return
		}
		again, err := parseSoftIRQs(path, []byte(renderSoftIRQs(si)))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if d := cmp.Diff(si, again); d != "" {
			t.Fatalf("round trip (-first +again):\n%s", d)
		}
	})
}

func renderSoftIRQs(si *SoftIRQs) string {
	var b strings.Builder
	b.WriteString("                    ")
	for _, c := range si.CPUs {
		fmt.Fprintf(&b, "CPU%-8d", c)
	}
	b.WriteByte('\n')
	for name, v := range si.Rows {
		fmt.Fprintf(&b, "%12s:", name)
		for _, x := range v {
			fmt.Fprintf(&b, " %10d", x)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func FuzzParseProcTable(f *testing.F) {
	seedProcReal(f, isTableFile, "", "Tcp: A B\nTcp: 1 -2\n", "Tcp: A\nTcp: 1 2\nUdp: X\nUdp: 3\n",
		"T: A\nT: 18446744073709551616\n", "T: A\nT: -9223372036854775809\n", "IcmpMsg: InType3\nIcmpMsg: InType8\nIcmpMsg: 4\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		const path = "proc/net/netstat"
		c, err := parseProcTable(path, b)
		checkProcErr(t, err, path)
		if c == nil {
			if err == nil {
				t.Fatal("nil result without error")
			}
			return
		}
		if len(c.Values)+len(c.Signed) == 0 || len(c.Values)+len(c.Signed) > countFields(b) {
			t.Fatalf("%d+%d keys from %d fields", len(c.Values), len(c.Signed), countFields(b))
		}
		for k := range c.Values {
			if _, both := c.Signed[k]; both || !strings.Contains(k, ".") {
				t.Fatalf("key %q", k)
			}
		}
		for k, v := range c.Signed {
			if v > 0 || !strings.Contains(k, ".") {
				t.Fatalf("signed %q = %d", k, v)
			}
		}
	})
}

func FuzzParseNetDev(f *testing.F) {
	seedProcReal(f, func(b string) bool { return b == "dev" }, "", netDevHeader,
		netDevHeader+"eth0:1234567890 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n", netDevHeader+"eth0:1: 1 2 3\n",
		"lo: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		const path = "proc/net/dev"
		m, err := parseNetDev(path, b)
		checkProcErr(t, err, path)
		if m == nil {
			if err == nil {
				t.Fatal("nil result without error")
			}
			return
		}
		for name := range m {
			if name == "" || strings.TrimSpace(name) != name {
				t.Fatalf("name %q", name)
			}
		}
		if err != nil {
			return
		}
		var text strings.Builder
		text.WriteString(netDevHeader)
		for name, s := range m {
			fmt.Fprintf(&text, "%6s: %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", name,
				s.RxBytes, s.RxPackets, s.RxErrs, s.RxDrop, s.RxFifo, s.RxFrame, s.RxCompressed, s.RxMulticast,
				s.TxBytes, s.TxPackets, s.TxErrs, s.TxDrop, s.TxFifo, s.TxColls, s.TxCarrier, s.TxCompressed)
		}
		again, err := parseNetDev(path, []byte(text.String()))
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, text.String())
		}
		if d := cmp.Diff(m, again); d != "" {
			t.Fatalf("round trip (-first +again):\n%s", d)
		}
	})
}

func FuzzParseSockstat(f *testing.F) {
	seedProcReal(f, func(b string) bool { return strings.HasPrefix(b, "sockstat") }, "", "TCP: inuse 1 orphan\n",
		"TCP: inuse -1\n", "X: a 18446744073709551616\n", "TCP: 1 2\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		const path = "proc/net/sockstat"
		var cb counterBuilder
		var errs errList
		parseSockstat(path, b, &cb, &errs)
		checkProcErr(t, errs.err(), path)
		c := cb.counters()
		if c == nil {
			return
		}
		for k := range c.Values {
			if _, both := c.Signed[k]; both || !strings.Contains(k, ".") {
				t.Fatalf("key %q", k)
			}
		}
	})
}

func FuzzParseHost(f *testing.F) {
	for _, s := range []string{`{"hostname":"h","kernel":"6.1","boot_id":"b","cpus":4,"time":"2026-11-22T10:00:00Z"}`,
		`{"cpus":12}`, `{"cpus":-1}`, `{"cpus":"x"}`, "{\n\"time\": 1}", "", "null", "[]", `{"cpus":1e99}`} {
		f.Add([]byte(s), []byte("546.74 1044.83\n"))
	}
	f.Add([]byte("{}"), []byte("-1 0"))
	f.Add([]byte("{}"), []byte("NaN 0"))
	f.Add([]byte("{}"), []byte("1e400 0"))
	f.Fuzz(func(t *testing.T, hostJSON, uptime []byte) {
		h, err := parseHostJSON(hostJSONPath, hostJSON)
		checkProcErr(t, err, hostJSONPath)
		if h.CPUs < 0 {
			t.Fatalf("cpus %d", h.CPUs)
		}
		var pe *ParseError
		if errors.As(err, &pe) && pe.Line > 1+strings.Count(string(hostJSON), "\n") {
			t.Fatalf("line %d beyond the file", pe.Line)
		}
		up, err := parseUptime("proc/uptime", uptime)
		checkProcErr(t, err, "proc/uptime")
		if err == nil && (up < 0 || math.IsInf(up, 0) || math.IsNaN(up)) {
			t.Fatalf("uptime %v", up)
		}
	})
}
