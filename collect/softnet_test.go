package collect

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/procfs"
)

// sn builds an expected row: columns first, then the fields in file order.
func sn(cpu, cols int, processed, dropped, squeeze, collision, rps, flow, backlog uint64) SoftnetCPU {
	return SoftnetCPU{CPU: cpu, Columns: cols, Processed: processed, Dropped: dropped, TimeSqueeze: squeeze,
		CPUCollision: collision, ReceivedRPS: rps, FlowLimitCount: flow, BacklogLen: backlog}
}

func TestParseSoftnetReal(t *testing.T) {
	tests := []struct {
		file string
		want []SoftnetCPU
	}{
		{
			// Rows of 13, 13, 11, 9 and 10 columns: without the 13th the
			// row index is the CPU; fields the row lacks stay 0 and
			// Columns says so.
			file: "procfs/softnet-mixed-columns-edgecases/proc/net/softnet_stat",
			want: []SoftnetCPU{
				sn(0, 13, 0x358fe3, 0x6283, 0, 0, 0x855fc, 0x76, 0),
				sn(1, 13, 0x953d1a, 0x446, 0xb1, 0, 0x8eeb9a, 0x2b, 0xdc),
				sn(2, 11, 0x15c73, 0x20e76, 0xf0000769, 4, 3, 2, 0),
				sn(3, 9, 0x1663fb2, 0, 0x109a4, 0x20e76, 0, 0, 0),
				sn(4, 10, 0x8e78, 1, 0x11, 0x20, 0x10, 0, 0),
			},
		},
		{
			// 3.11+ format, no trailing newline.
			file: "node_exporter/laptop-4cpu-softnet-drops/proc/net/softnet_stat",
			want: []SoftnetCPU{
				sn(0, 11, 0x49279, 0, 1, 0, 0, 0, 0),
				sn(1, 11, 0xdfb82, 0x29, 0xa, 0, 0, 0, 0),
				sn(2, 11, 0x551c3f, 0, 0x55, 0, 0, 0, 0),
				sn(3, 11, 0x2f8339, 0, 0x32, 0, 0, 0, 0),
			},
		},
		{
			// 2.6.35-3.10 format: cpu_collision still counted.
			file: "insights-core/softnet-10col-drops-edited/proc/net/softnet_stat",
			want: []SoftnetCPU{
				sn(0, 10, 0x8e78, 0x12, 1, 0x75, 5, 0, 0),
				sn(1, 10, 0x40ee, 0xff, 2, 0xc4, 6, 0, 0),
				sn(2, 10, 0x1608c, 0, 3, 0x49, 7, 0, 0),
				sn(3, 10, 0x372f, 1, 4, 0x21, 8, 0, 0),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseSoftnet(tt.file, procRealFile(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("rows (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseSoftnetRealBroken(t *testing.T) {
	// The upstream authors edited the CPU column of the last row to 0: a
	// second row for CPU 0 cannot be attributed, so it is reported and
	// left out while the four good rows stay.
	const edited = "insights-core/softnet-13col-drops-edited/proc/net/softnet_stat"
	got, err := parseSoftnet(edited, procRealFile(t, edited))
	wantProcParseError(t, err, edited, 5, "cpu 0 after cpu 3")
	want := []SoftnetCPU{
		sn(0, 13, 0x358fe3, 0x6283, 0, 0, 0x855fc, 0x76, 0),
		sn(1, 13, 0x953d1a, 0x446, 0xb1, 0, 0x8eeb9a, 0x2b, 0xdc),
		sn(2, 13, 0x2600138, 0x4bc7, 0, 0, 0x2328493, 0, 0xa),
		sn(3, 13, 0x2883c47, 0x7e2e, 0x7b, 0, 0x2280d49, 0xbd, 0),
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}

	// procfs's deliberately broken fixture: 4 columns (its upper-case hex
	// is accepted: the value is not in doubt, the column count is).
	const broken = "procfs/softnet-mixed-columns-edgecases/proc/net/softnet_stat.broken"
	got, err = parseSoftnet(broken, procRealFile(t, broken))
	wantProcParseError(t, err, broken, 1, "4 columns, want at least 9")
	if got == nil || len(got) != 0 {
		t.Errorf("rows %v, want an empty slice", got)
	}
}

// TestParseSoftnetAllReal parses every softnet file of testdata (and of the
// shared folder when present) and checks what must hold for any kernel.
func TestParseSoftnetAllReal(t *testing.T) {
	check := func(t *testing.T, name string, b []byte) {
		rows, err := parseSoftnet(name, b)
		if knownBadSoftnet(name) {
			if err == nil {
				t.Errorf("%s: no error for a known-bad file", name)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rows) == 0 {
			t.Fatalf("%s: no rows", name)
		}
		for i, r := range rows {
			if r.Columns < 9 || (i > 0 && r.CPU <= rows[i-1].CPU) {
				t.Errorf("%s: row %d: %+v", name, i, r)
			}
		}
	}
	isSoftnet := func(base string) bool { return strings.HasPrefix(base, "softnet") }
	for _, rel := range procRealFiles(t, isSoftnet) {
		check(t, rel, procRealFile(t, rel))
	}
	walkSharedProc(t, isSoftnet, check)
}

// knownBadSoftnet reports the real files that must fail (see
// TestParseSoftnetRealBroken).
func knownBadSoftnet(name string) bool {
	return strings.Contains(name, "softnet-13col-drops-edited") || strings.HasSuffix(name, ".broken")
}

// walkSharedProc calls check on every file of the shared real-world folders
// whose base name matches, when they are present.
func walkSharedProc(t *testing.T, match func(string) bool, check func(*testing.T, string, []byte)) {
	t.Helper()
	for _, sub := range []string{"realworld", "realworld-snapshots"} {
		root, ok := findShared(sub)
		if !ok {
			continue
		}
		n := 0
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !match(d.Name()) {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n++
			check(t, p, b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d files checked", root, n)
	}
}

// TestSoftnetMatchesProcfs compares with prometheus/procfs, which parses the
// same file from a mount point: each real file is laid out for procfs.NewFS.
func TestSoftnetMatchesProcfs(t *testing.T) {
	compared := 0
	compare := func(t *testing.T, name string, b []byte) {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "net"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "net", "softnet_stat"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		pfs, err := procfs.NewFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		theirs, perr := pfs.NetSoftnetStat()
		ours, err := parseSoftnet(name, b)
		if perr != nil {
			if err == nil {
				t.Errorf("%s: procfs fails (%v) where we do not", name, perr)
			}
			return
		}
		if err != nil {
			// Only for the edited file's repeated CPU, which procfs
			// does not check.
			if !knownBadSoftnet(name) {
				t.Errorf("%s: we fail (%v) where procfs does not", name, err)
			}
			return
		}
		var want []SoftnetCPU
		for _, r := range theirs {
			want = append(want, SoftnetCPU{CPU: int(r.Index), Processed: uint64(r.Processed), Dropped: uint64(r.Dropped),
				TimeSqueeze: uint64(r.TimeSqueezed), CPUCollision: uint64(r.CPUCollision), ReceivedRPS: uint64(r.ReceivedRps),
				FlowLimitCount: uint64(r.FlowLimitCount), BacklogLen: uint64(r.SoftnetBacklogLen), Columns: r.Width})
		}
		if d := cmp.Diff(want, ours); d != "" {
			t.Errorf("%s (-procfs +ours):\n%s", name, d)
		}
		compared++
	}
	isSoftnet := func(base string) bool { return strings.HasPrefix(base, "softnet") }
	for _, rel := range procRealFiles(t, isSoftnet) {
		compare(t, rel, procRealFile(t, rel))
	}
	walkSharedProc(t, isSoftnet, compare)
	if live, err := os.ReadFile("/proc/net/softnet_stat"); err == nil {
		compare(t, "live", live)
	}
	if compared < 10 {
		t.Errorf("only %d files compared", compared)
	}
}

func TestParseSoftnetBad(t *testing.T) {
	zeros := func(n int) string { return strings.Repeat(" 00000000", n) }
	row9 := "00000001" + zeros(8)
	tests := []struct {
		name     string
		in       string
		want     []SoftnetCPU
		wantLine int    // 0: no error expected, unless wantErr
		wantErr  string // substring
	}{
		{name: "empty", in: "", wantErr: "empty file"},
		{name: "blank lines only", in: "\n \n", wantErr: "empty file"},
		{name: "truncated row", in: row9 + "\n00000002 00000000 0000", want: []SoftnetCPU{sn(0, 9, 1, 0, 0, 0, 0, 0, 0)},
			wantLine: 2, wantErr: "3 columns, want at least 9"},
		{name: "non-hex", in: "0000zz00" + zeros(8) + "\n" + row9, want: []SoftnetCPU{sn(1, 9, 1, 0, 0, 0, 0, 0, 0)},
			wantLine: 1, wantErr: `column 1 "0000zz00" is not a hex number`},
		{name: "0x prefix", in: "0x1" + zeros(8), want: []SoftnetCPU{}, wantLine: 1, wantErr: "not a hex number"},
		{name: "sign", in: "-0000001" + zeros(8), want: []SoftnetCPU{}, wantLine: 1, wantErr: "not a hex number"},
		{name: "non-hex in an ignored future column", in: row9 + zeros(5) + " xyz", want: []SoftnetCPU{}, wantLine: 1,
			wantErr: `column 15 "xyz"`},
		{name: "uint64 max", in: "ffffffffffffffff" + zeros(8),
			want: []SoftnetCPU{sn(0, 9, math.MaxUint64, 0, 0, 0, 0, 0, 0)}},
		{name: "above uint64 max", in: "10000000000000000" + zeros(8), want: []SoftnetCPU{}, wantLine: 1, wantErr: "not a hex number"},
		{name: "leading zeros beyond 16 digits", in: "00000000000000000001" + zeros(8),
			want: []SoftnetCPU{sn(0, 9, 1, 0, 0, 0, 0, 0, 0)}},
		{name: "upper-case hex", in: "0000ABCD" + zeros(8), want: []SoftnetCPU{sn(0, 9, 0xabcd, 0, 0, 0, 0, 0, 0)}},
		{name: "6.4 format with 15 columns", in: "00000010" + zeros(10) + " 00000003 00000005 00000001 00000002\n",
			want: []SoftnetCPU{sn(5, 15, 0x10, 0, 0, 0, 0, 0, 3)}},
		{name: "future columns counted", in: "00000010" + zeros(11) + " 00000002" + zeros(7),
			want: []SoftnetCPU{sn(2, 20, 0x10, 0, 0, 0, 0, 0, 0)}},
		{name: "12 columns: backlog without cpu", in: "00000010" + zeros(10) + " 00000007",
			want: []SoftnetCPU{sn(0, 12, 0x10, 0, 0, 0, 0, 0, 7)}},
		{name: "cpu index out of range", in: "00000010" + zeros(11) + " ffffffff", want: []SoftnetCPU{}, wantLine: 1,
			wantErr: "cpu index 0xffffffff in column 13 is out of range"},
		{name: "cpu order", in: row9 + zeros(3) + " 00000004\n" + row9 + zeros(3) + " 00000002\n", wantLine: 2,
			want: []SoftnetCPU{sn(4, 13, 1, 0, 0, 0, 0, 0, 0)}, wantErr: "cpu 2 after cpu 4"},
		{name: "bad rows keep their index", in: "bad\n" + row9 + "\n", want: []SoftnetCPU{sn(1, 9, 1, 0, 0, 0, 0, 0, 0)},
			wantLine: 1, wantErr: "1 columns"},
		{name: "several problems counted", in: "a\nb\nc\n", want: []SoftnetCPU{}, wantLine: 1, wantErr: "(and 2 more problems)"},
		{name: "tabs and CRLF", in: "00000001\t" + strings.Repeat("0\t", 7) + "0\r\n", want: []SoftnetCPU{sn(0, 9, 1, 0, 0, 0, 0, 0, 0)}},
		{name: "NUL byte", in: "0000\x0001" + zeros(8), want: []SoftnetCPU{}, wantLine: 1, wantErr: "not a hex number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSoftnet("proc/net/softnet_stat", []byte(tt.in))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else {
				wantProcParseError(t, err, "proc/net/softnet_stat", tt.wantLine, tt.wantErr)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("rows (-want +got):\n%s", d)
			}
		})
	}
}

func TestCollectSoftnet(t *testing.T) {
	const name = "proc/net/softnet_stat"
	good := offlineSoftnet // 8 rows, CPU6 offline
	tests := []struct {
		name        string
		fsys        fs.FS
		rows        int
		unavailable bool
		errPart     string
	}{
		{name: "ok", fsys: procMapFS(name, good), rows: 8},
		{name: "missing", fsys: procMapFS(), unavailable: true, errPart: "file does not exist"},
		{name: "permission denied", fsys: procErrFS{procMapFS(name, good), map[string]error{name: fs.ErrPermission}},
			unavailable: true, errPart: "permission denied"},
		{name: "one bad row", fsys: procMapFS(name, good+"zz\n"), rows: 8, errPart: name + ":9:"},
		{name: "empty", fsys: procMapFS(name, ""), errPart: "empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := runProc(tt.fsys, (*Collector).collectSoftnet)
			if len(s.Softnet) != tt.rows || (tt.rows == 0 && s.Softnet != nil) {
				t.Errorf("%d rows (nil %v), want %d", len(s.Softnet), s.Softnet == nil, tt.rows)
			}
			if tt.errPart == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errPart) || IsUnavailable(err) != tt.unavailable {
				t.Fatalf("error %v (unavailable %v), want %q (unavailable %v)", err, IsUnavailable(err), tt.errPart, tt.unavailable)
			}
			if tt.unavailable && !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not name %s", err, name)
			}
		})
	}
}

// TestSoftnetLive reads this machine's file: one row per online CPU, in
// order, and (on 5.10+, which this repo's CI kernel is) the CPU column.
func TestSoftnetLive(t *testing.T) {
	fsys := procLiveFS(t)
	s, err := runProc(fsys, (*Collector).collectSoftnet)
	if err != nil {
		t.Fatal(err)
	}
	online, err := fs.ReadFile(fsys, "sys/devices/system/cpu/online")
	if err != nil {
		t.Skip(err)
	}
	var cpus []int
	for _, r := range s.Softnet {
		cpus = append(cpus, r.CPU)
		if r.Columns < 13 {
			t.Errorf("cpu %d: %d columns; a 5.10+ kernel prints at least 13", r.CPU, r.Columns)
		}
	}
	if got, want := fmt.Sprint(cpus), fmt.Sprint(procListCPUs(t, string(online))); got != want {
		t.Errorf("softnet rows for cpus %s, online cpus %s", got, want)
	}
}

// procListCPUs expands a cpulist ("0-3,8") for test expectations.
func procListCPUs(t *testing.T, list string) []int {
	t.Helper()
	var out []int
	for _, part := range strings.Split(strings.TrimSpace(list), ",") {
		var lo, hi int
		if _, err := fmt.Sscanf(part, "%d-%d", &lo, &hi); err != nil {
			if _, err := fmt.Sscanf(part, "%d", &lo); err != nil {
				t.Fatalf("cpulist %q: %v", list, err)
			}
			hi = lo
		}
		for c := lo; c <= hi; c++ {
			out = append(out, c)
		}
	}
	return out
}
