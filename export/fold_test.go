package export

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

// Folded sums must behave as Prometheus counters: never go down except
// at a reboot, whatever the per-CPU 32-bit counts do.
func TestFolderSums(t *testing.T) {
	type step struct {
		host collect.HostInfo
		cpus []int
		raw  []uint64
		want uint64
	}
	boot := collect.HostInfo{BootID: "a", Uptime: 100}
	later := collect.HostInfo{BootID: "a", Uptime: 200}
	tests := []struct {
		name  string
		steps []step
	}{
		{"plain sums", []step{
			{boot, []int{0, 1}, []uint64{10, 20}, 30},
			{later, []int{0, 1}, []uint64{15, 25}, 40},
		}},
		{"CPU 1 wraps at 2^32: the sum keeps rising", []step{
			{boot, []int{0, 1}, []uint64{10, 1<<32 - 16}, 10 + 1<<32 - 16},
			{later, []int{0, 1}, []uint64{11, 16}, 11 + 1<<32 + 16},
		}},
		{"CPU 1 goes offline: its count stays in the sum", []step{
			{boot, []int{0, 1}, []uint64{10, 20}, 30},
			{later, []int{0}, []uint64{12}, 32},
			{later, []int{0, 1}, []uint64{13, 21}, 34},
		}},
		{"a CPU comes online with a count: it joins the sum", []step{
			{boot, []int{0}, []uint64{10}, 10},
			{later, []int{0, 5}, []uint64{10, 7}, 17},
		}},
		{"reboot (new boot id): the sum restarts from the kernel's", []step{
			{boot, []int{0, 1}, []uint64{1000, 2000}, 3000},
			{collect.HostInfo{BootID: "b", Uptime: 10}, []int{0, 1}, []uint64{3, 4}, 7},
		}},
		{"reboot without boot id: uptime went back", []step{
			{collect.HostInfo{Uptime: 100}, []int{0}, []uint64{1000}, 1000},
			{collect.HostInfo{Uptime: 5}, []int{0}, []uint64{3}, 3},
		}},
		{"the same snapshot twice adds nothing", []step{
			{boot, []int{0, 1}, []uint64{10, 20}, 30},
			{boot, []int{0, 1}, []uint64{10, 20}, 30},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFolder()
			var got, want []uint64
			for _, s := range tc.steps {
				f.start(s.host)
				raw := s.raw
				got = append(got, f.add("k", s.cpus, func(i int) uint64 { return raw[i] }))
				want = append(want, s.want)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("sums (-want +got):\n%s", d)
			}
		})
	}
}

// Through the live source: consecutive scrapes fold consecutive snapshots.
func TestFoldedScrapesAcrossAWrap(t *testing.T) {
	// softnet_stat of a 6.x kernel: 13 columns, the last the CPU number.
	row := func(processed uint64, cpu int) string {
		return fmt.Sprintf("%08x%s %08x\n", processed, strings.Repeat(" 00000000", 11), cpu)
	}
	softnet := func(cpu0, cpu1 uint64) fstest.MapFS {
		return fstest.MapFS{"proc/net/softnet_stat": {Data: []byte(row(cpu0, 0) + row(cpu1, 1))}}
	}
	o := &fakeOrigin{fsys: softnet(0xfffffff0, 5)}
	e := NewLive(o, Options{FoldCPUs: true}, nil)
	first := gather(t, e, "netvet_softnet_processed")
	o.setFS(softnet(0x10, 6))
	second := gather(t, e, "netvet_softnet_processed")
	want := []sample{{"netvet_softnet_processed_total{}", 0xfffffff0 + 5}}
	if d := cmp.Diff(want, first); d != "" {
		t.Errorf("first scrape (-want +got):\n%s", d)
	}
	want = []sample{{"netvet_softnet_processed_total{}", 0xfffffff0 + 5 + 0x20 + 1}}
	if d := cmp.Diff(want, second); d != "" {
		t.Errorf("after CPU 0 wrapped (-want +got):\n%s", d)
	}
}
