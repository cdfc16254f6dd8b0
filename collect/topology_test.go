package collect

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/internal/cpumask"
)

// twoSockets: 8 CPUs, 2 nodes, hyperthreads n and n+4; CPU 7 offline (no
// topology directory, as the kernel removes it).
func twoSockets() fstest.MapFS {
	m := fstest.MapFS{
		"sys/devices/system/cpu/online":         sysfile("0-6\n"),
		"sys/devices/system/cpu/possible":       sysfile("0-7\n"),
		"sys/devices/system/cpu/cpufreq/boost":  sysfile("1\n"),
		"sys/devices/system/cpu/cpu7/online":    sysfile("0\n"),
		"sys/devices/system/node/online":        sysfile("0-1\n"),
		"sys/devices/system/node/has_cpu":       sysfile("0-1\n"),
		"sys/devices/system/node/node0/cpulist": sysfile("0-1,4-5\n"),
		"sys/devices/system/node/node1/cpulist": sysfile("2-3,6\n"),
	}
	for cpu := range 7 {
		d := "sys/devices/system/cpu/cpu" + strconv.Itoa(cpu) + "/topology/"
		sib := cpu % 4
		m[d+"thread_siblings_list"] = sysfile(cpumask.Of(sib, sib+4).List() + "\n")
		m[d+"physical_package_id"] = sysfile(strconv.Itoa(sib/2) + "\n")
	}
	return m
}

func twoSocketsWant() *Topology {
	sib := map[int]cpumask.Set{}
	pkg := map[int]int{}
	for cpu := range 7 {
		s := cpu % 4
		sib[cpu] = cpumask.Of(s, s+4)
		pkg[cpu] = s / 2
	}
	return &Topology{
		Online:   cpumask.Range(0, 6),
		Nodes:    map[int]cpumask.Set{0: cpumask.Of(0, 1, 4, 5), 1: cpumask.Of(2, 3, 6)},
		Siblings: sib,
		Packages: pkg,
	}
}

func TestCollectTopology(t *testing.T) {
	tests := []struct {
		name        string
		fsys        fs.FS
		want        *Topology
		errPath     string
		unavailable bool
	}{
		{name: "two sockets, one CPU offline", fsys: twoSockets(), want: twoSocketsWant()},
		{
			name: "old kernel: hex thread_siblings",
			fsys: fstest.MapFS{
				"sys/devices/system/cpu/online":                            sysfile("0-1\n"),
				"sys/devices/system/cpu/cpu0/topology/thread_siblings":     sysfile("00000003\n"),
				"sys/devices/system/cpu/cpu1/topology/thread_siblings":     sysfile("00000003\n"),
				"sys/devices/system/cpu/cpu1/topology/core_siblings":       sysfile("00000003\n"),
				"sys/devices/system/cpu/cpu0/topology/physical_package_id": sysfile("0\n"),
			},
			want: &Topology{
				Online:   cpumask.Range(0, 1),
				Siblings: map[int]cpumask.Set{0: cpumask.Of(0, 1), 1: cpumask.Of(0, 1)},
				Packages: map[int]int{0: 0},
			},
		},
		{
			// VMs and some ARM boards print -1 for the package.
			name: "package -1 kept",
			fsys: fstest.MapFS{"sys/devices/system/cpu/cpu0/topology/physical_package_id": sysfile("-1\n")},
			want: &Topology{Packages: map[int]int{0: -1}},
		},
		{
			name: "bad node cpulist: that node left out, reported",
			fsys: func() fs.FS {
				m := twoSockets()
				m["sys/devices/system/node/node1/cpulist"] = sysfile("2-\n")
				return m
			}(),
			want: func() *Topology {
				w := twoSocketsWant()
				delete(w.Nodes, 1)
				return w
			}(),
			errPath: "sys/devices/system/node/node1/cpulist",
		},
		{
			name: "bad package id",
			fsys: func() fs.FS {
				m := twoSockets()
				m["sys/devices/system/cpu/cpu3/topology/physical_package_id"] = sysfile("zero\n")
				return m
			}(),
			want: func() *Topology {
				w := twoSocketsWant()
				delete(w.Packages, 3)
				return w
			}(),
			errPath: "sys/devices/system/cpu/cpu3/topology/physical_package_id",
		},
		{
			name: "bad online list: empty, reported",
			fsys: func() fs.FS {
				m := twoSockets()
				m["sys/devices/system/cpu/online"] = sysfile("0-6,x\n")
				return m
			}(),
			want: func() *Topology {
				w := twoSocketsWant()
				w.Online = cpumask.Set{}
				return w
			}(),
			errPath: "sys/devices/system/cpu/online",
		},
		{
			name: "4096 CPUs online",
			fsys: fstest.MapFS{"sys/devices/system/cpu/online": sysfile("0-4095\n"), "sys/devices/system/node/node0/cpulist": sysfile("0-4095\n")},
			want: &Topology{Online: cpumask.Range(0, 4095), Nodes: map[int]cpumask.Set{0: cpumask.Range(0, 4095)}},
		},
		{
			name: "unreadable topology files are skipped",
			fsys: faultFS{fsys: twoSockets(), open: map[string]error{
				"sys/devices/system/cpu/cpu0/topology/thread_siblings_list": fs.ErrPermission,
			}},
			want: func() *Topology {
				w := twoSocketsWant()
				delete(w.Siblings, 0)
				return w
			}(),
		},
		{name: "no sysfs (container)", fsys: fstest.MapFS{"proc/uptime": sysfile("1 1\n")}, unavailable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := emptySnapshot()
			err := collectorOn(tt.fsys).collectTopology(s)
			switch {
			case tt.unavailable:
				if !IsUnavailable(err) || s.Config.Topology != nil {
					t.Fatalf("err = %v, topology = %v; want unavailable, nil", err, s.Config.Topology)
				}
				return
			case tt.errPath != "":
				wantParseError(t, err, tt.errPath, 1)
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if d := cmp.Diff(tt.want, s.Config.Topology, sysfsCmp...); d != "" {
				t.Errorf("topology (-want +got):\n%s", d)
			}
		})
	}
}

// TestCollectTopologyRealworld: the offline-CPU host (cpu_offline_test.go,
// shaped like sysstat's root4) has no node/ directory but cpuN/nodeX entries
// (empty files standing for the kernel's links) and one CPU with a topology
// directory; the igb-em-16cpu host has a single NUMA node numbered 1.
func TestCollectTopologyRealworld(t *testing.T) {
	tests := []struct {
		fixture string
		fsys    fs.FS
		want    *Topology
	}{
		{"offline host", offlineHost(), &Topology{
			Nodes:    map[int]cpumask.Set{0: cpumask.Range(0, 3), 1: cpumask.Range(4, 8)},
			Siblings: map[int]cpumask.Set{3: cpumask.Of(3, 7)},
			Packages: map[int]int{3: 0},
		}},
		{"igb-em-16cpu", loadTree(t, "igb-em-16cpu"), &Topology{
			Online: cpumask.Range(0, 15),
			Nodes:  map[int]cpumask.Set{1: cpumask.Range(0, 15)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			s := emptySnapshot()
			if err := collectorOn(tt.fsys).collectTopology(s); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, s.Config.Topology, sysfsCmp...); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestCollectTopologyNodeLinks: the cpuN/nodeX fallback also reads links
// kept as NAME.symlink files.
func TestCollectTopologyNodeLinks(t *testing.T) {
	m := fstest.MapFS{
		"sys/devices/system/cpu/cpu0/node0.symlink": sysfile("../../node/node0\n"),
		"sys/devices/system/cpu/cpu1/node1.symlink": sysfile("../../node/node1\n"),
	}
	s := emptySnapshot()
	if err := collectorOn(m).collectTopology(s); err != nil {
		t.Fatal(err)
	}
	want := &Topology{Nodes: map[int]cpumask.Set{0: cpumask.Of(0), 1: cpumask.Of(1)}}
	if d := cmp.Diff(want, s.Config.Topology, sysfsCmp...); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestNumbered(t *testing.T) {
	for _, tt := range []struct {
		in     string
		n      int
		wantOK bool
	}{
		{"cpu0", 0, true}, {"cpu127", 127, true}, {"cpu", 0, false}, {"cpufreq", 0, false},
		{"cpu-1", 0, false}, {"cpu+1", 0, false}, {"cpu99999", 0, false}, {"node1", 0, false},
	} {
		n, ok := sysfsNumber(tt.in, "cpu")
		if ok != tt.wantOK || (ok && n != tt.n) {
			t.Errorf("sysfsNumber(%q) = %d, %v", tt.in, n, ok)
		}
	}
}

// TestCollectTopologyLive compares with direct reads of this host.
func TestCollectTopologyLive(t *testing.T) {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		t.Skipf("no cpu/online: %v", err)
	}
	s := emptySnapshot()
	if err := collectorOn(os.DirFS("/")).collectTopology(s); err != nil {
		t.Fatalf("collect: %v", err)
	}
	tp := s.Config.Topology
	online, _ := cpumask.ParseList(string(b))
	if !tp.Online.Equal(online) {
		t.Errorf("online %v, os reads %v", tp.Online, online)
	}
	for _, cpu := range online.CPUs() {
		p := "/sys/devices/system/cpu/cpu" + strconv.Itoa(cpu) + "/topology/thread_siblings_list"
		if sb, err := os.ReadFile(p); err == nil {
			want, _ := cpumask.ParseList(string(sb))
			if !tp.Siblings[cpu].Equal(want) {
				t.Errorf("cpu%d siblings %v, os reads %v", cpu, tp.Siblings[cpu], want)
			}
		}
	}
	nodes, _ := filepath.Glob("/sys/devices/system/node/node*/cpulist")
	if len(tp.Nodes) != len(nodes) {
		t.Errorf("%d nodes, os lists %d", len(tp.Nodes), len(nodes))
	}
	for _, p := range nodes {
		n, _ := strconv.Atoi(strings.TrimPrefix(filepath.Base(filepath.Dir(p)), "node"))
		nb, _ := os.ReadFile(p)
		want, _ := cpumask.ParseList(string(nb))
		if !tp.Nodes[n].Equal(want) {
			t.Errorf("node%d %v, os reads %v", n, tp.Nodes[n], want)
		}
	}
}
