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

func TestParseSoftIRQsReal(t *testing.T) {
	tests := []struct {
		file string
		want *SoftIRQs
	}{
		// A host with CPU6 offline: cpu_offline_test.go (and sysstat's
		// tree in sysstat_shared_test.go).
		{
			// Pre-4.5 kernel: BLOCK_IOPOLL, names at width 8, and 4
			// possible CPUs of which 2 ever ran.
			file: "netutils-linux/series/softirqs/dualcore/softirqs1",
			want: &SoftIRQs{CPUs: []int{0, 1, 2, 3}, Rows: map[string][]uint64{
				"HI":           {0, 0, 0, 0},
				"TIMER":        {76443125, 79104655, 0, 0},
				"NET_TX":       {98717, 98515, 0, 0},
				"NET_RX":       {183741596, 182082160, 0, 0},
				"BLOCK":        {1708911, 1708437, 0, 0},
				"BLOCK_IOPOLL": {0, 0, 0, 0},
				"TASKLET":      {445, 467, 0, 0},
				"SCHED":        {6542836, 7745750, 0, 0},
				"HRTIMER":      {13949, 11230, 0, 0},
				"RCU":          {108461005, 106880834, 0, 0},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseSoftIRQs(tt.file, procRealFile(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestParseSoftIRQsAllReal parses every real softirqs file and checks the
// shape, and compares with procfs v0.23.0 (laid out for procfs.NewFS).
func TestParseSoftIRQsAllReal(t *testing.T) {
	compared := 0
	check := func(t *testing.T, name string, b []byte) {
		got, err := parseSoftIRQs(name, b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got.CPUs) == 0 || got.Rows["NET_RX"] == nil || got.Rows["NET_TX"] == nil {
			t.Fatalf("%s: %+v", name, got)
		}
		for row, v := range got.Rows {
			if len(v) != len(got.CPUs) {
				t.Errorf("%s: %s has %d values for %d CPUs", name, row, len(v), len(got.CPUs))
			}
		}
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "softirqs"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		pfs, err := procfs.NewFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := pfs.Softirqs()
		if err != nil {
			t.Logf("%s: procfs cannot parse it: %v", name, err)
			return
		}
		want := map[string][]uint64{"HI": theirs.Hi, "TIMER": theirs.Timer, "NET_TX": theirs.NetTx, "NET_RX": theirs.NetRx,
			"BLOCK": theirs.Block, "IRQ_POLL": theirs.IRQPoll, "TASKLET": theirs.Tasklet, "SCHED": theirs.Sched,
			"HRTIMER": theirs.HRTimer, "RCU": theirs.RCU}
		for row, w := range want {
			if w == nil { // procfs knows no BLOCK_IOPOLL
				continue
			}
			if d := cmp.Diff(w, got.Rows[row]); d != "" {
				t.Errorf("%s %s (-procfs +ours):\n%s", name, row, d)
			}
		}
		compared++
	}
	isSoftirqs := func(base string) bool { return strings.HasPrefix(base, "softirqs") }
	for _, rel := range procRealFiles(t, isSoftirqs) {
		check(t, rel, procRealFile(t, rel))
	}
	walkSharedProc(t, isSoftirqs, check)
	if live, err := os.ReadFile("/proc/softirqs"); err == nil {
		check(t, "live", live)
	}
	if compared < 10 {
		t.Errorf("only %d files compared with procfs", compared)
	}
}

func TestParseSoftIRQsBad(t *testing.T) {
	const hdr = "                    CPU0       CPU1\n"
	tests := []struct {
		name     string
		in       string
		want     *SoftIRQs
		wantLine int
		wantErr  string
	}{
		{name: "empty", in: "", wantLine: 1, wantErr: "no header of CPUs"},
		{name: "header with 0 CPUs", in: "      \n          HI: \n", wantLine: 1, wantErr: "no header of CPUs"},
		{name: "header not CPUn", in: "CPU0 CPUx\nHI: 1 2\n", wantLine: 1, wantErr: `header field "CPUx" is not CPUn`},
		{name: "header not rising", in: "CPU0 CPU2 CPU1\n", wantLine: 1, wantErr: "cpu numbers must rise"},
		{name: "header cpu out of range", in: "CPU0 CPU99999999\n", wantLine: 1, wantErr: "out of range"},
		{name: "header only", in: hdr, want: &SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{}}},
		{name: "gapped cpus", in: "CPU0 CPU4\nHI: 1 2\n",
			want: &SoftIRQs{CPUs: []int{0, 4}, Rows: map[string][]uint64{"HI": {1, 2}}}},
		{name: "missing column", in: hdr + "HI: 1\nTIMER: 3 4\n", wantLine: 2, wantErr: "HI: 1 values for 2 CPUs",
			want: &SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{"TIMER": {3, 4}}}},
		{name: "extra column", in: hdr + "HI: 1 2 3\nTIMER: 3 4\n", wantLine: 2, wantErr: "HI: 3 values for 2 CPUs",
			want: &SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{"TIMER": {3, 4}}}},
		{name: "truncated last line", in: hdr + "HI: 1 2\nTIMER: 3", wantLine: 3, wantErr: "TIMER: 1 values for 2 CPUs",
			want: &SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{"HI": {1, 2}}}},
		{name: "no name", in: hdr + "1 2\n: 1 2\nHI: 1 2\n", wantLine: 2, wantErr: `no "NAME:"`,
			want: &SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{"HI": {1, 2}}}},
		{name: "not a number", in: hdr + "HI: 1 -2\n", wantLine: 2, wantErr: `HI: value 2 "-2" is not an unsigned integer`,
			want: &SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{}}},
		{name: "uint64 max", in: hdr + "HI: 18446744073709551615 0\n",
			want: &SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{"HI": {math.MaxUint64, 0}}}},
		{name: "above uint64 max", in: hdr + "HI: 18446744073709551616 0\n", wantLine: 2, wantErr: "not an unsigned integer",
			want: &SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{}}},
		{name: "repeated row", in: hdr + "HI: 1 2\nHI: 3 4\n", wantLine: 3, wantErr: "HI: row repeated",
			want: &SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{"HI": {1, 2}}}},
		{name: "unknown softirq kept", in: hdr + "NEW_ONE: 5 6\n",
			want: &SoftIRQs{CPUs: []int{0, 1}, Rows: map[string][]uint64{"NEW_ONE": {5, 6}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSoftIRQs("proc/softirqs", []byte(tt.in))
			checkParsed(t, got, err, "proc/softirqs", tt.want, tt.wantLine, tt.wantErr)
		})
	}
}

func TestParseSoftIRQs4096CPUs(t *testing.T) {
	b := softirqsText(4096)
	got, err := parseSoftIRQs("proc/softirqs", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.CPUs) != 4096 || got.CPUs[4095] != 4095 || len(got.Rows) != 10 {
		t.Fatalf("%d cpus, %d rows", len(got.CPUs), len(got.Rows))
	}
	for name, v := range got.Rows {
		if len(v) != 4096 || v[4095] != 4095*7 {
			t.Fatalf("%s: %d values, last %d", name, len(v), v[len(v)-1])
		}
	}
	// Rows share one array but must not share capacity.
	hi := append(got.Rows["HI"], 99)
	_ = hi
	if got.Rows["TIMER"][0] != 0 {
		t.Fatal("appending to HI wrote into TIMER")
	}
}

// softirqsText renders a softirqs file in the kernel's format with n CPUs;
// the value of CPU c is 7c.
func softirqsText(n int) []byte {
	var b strings.Builder
	b.WriteString("                    ")
	for c := range n {
		fmt.Fprintf(&b, "CPU%-8d", c)
	}
	b.WriteByte('\n')
	for _, name := range []string{"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"} {
		fmt.Fprintf(&b, "%12s:", name)
		for c := range n {
			fmt.Fprintf(&b, " %10d", 7*c)
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

func TestCollectSoftIRQs(t *testing.T) {
	const name = "proc/softirqs"
	good := offlineSoftirqs // 9 CPUs, 10 rows
	tests := []struct {
		name        string
		fsys        fs.FS
		rows        int
		unavailable bool
		errPart     string
	}{
		{name: "ok", fsys: procMapFS(name, good), rows: 10},
		{name: "missing", fsys: procMapFS(), unavailable: true, errPart: "open proc/softirqs: file does not exist"},
		{name: "permission denied", fsys: procErrFS{procMapFS(name, good), map[string]error{name: fs.ErrPermission}},
			unavailable: true, errPart: "permission denied"},
		{name: "bad row kept out", fsys: procMapFS(name, good+"X: 1\n"), rows: 10, errPart: name + ":12: X: 1 values for 9 CPUs"},
		{name: "bad header", fsys: procMapFS(name, "garbage\n"), errPart: name + ":1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := runProc(tt.fsys, (*Collector).collectSoftIRQs)
			if tt.rows == 0 && s.SoftIRQs != nil || tt.rows > 0 && (s.SoftIRQs == nil || len(s.SoftIRQs.Rows) != tt.rows) {
				t.Errorf("SoftIRQs %+v, want %d rows", s.SoftIRQs, tt.rows)
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
		})
	}
}

// TestSoftIRQsLive: the header lists the possible CPUs and the rows are the
// ten of every kernel since 4.5.
func TestSoftIRQsLive(t *testing.T) {
	fsys := procLiveFS(t)
	s, err := runProc(fsys, (*Collector).collectSoftIRQs)
	if err != nil {
		t.Fatal(err)
	}
	possible, err := fs.ReadFile(fsys, "sys/devices/system/cpu/possible")
	if err != nil {
		t.Skip(err)
	}
	if got, want := fmt.Sprint(s.SoftIRQs.CPUs), fmt.Sprint(procListCPUs(t, string(possible))); got != want {
		t.Errorf("softirqs cpus %s, possible cpus %s", got, want)
	}
	for _, row := range []string{"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU"} {
		if len(s.SoftIRQs.Rows[row]) != len(s.SoftIRQs.CPUs) {
			t.Errorf("row %s: %v", row, s.SoftIRQs.Rows[row])
		}
	}
}
