package report

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/netvet/netvet/analyze"
)

// FuzzParseCommand: any command line parses without panicking into
// settings with a key and a value that hold no whitespace (the sysctl
// value may: "4096 131072 6291456").
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{
		"sysctl -w net.core.netdev_max_backlog=2000",
		`sysctl -w net.ipv4.tcp_rmem="4096 131072 33554432"`,
		"echo 3 > /proc/irq/42/smp_affinity_list",
		"echo ff,00000000 > /sys/class/net/eth0/queues/rx-3/rps_cpus",
		"ethtool -G eth2 rx 4096 tx 1024",
		"ethtool -L ens1f0 combined 16",
		"ethtool -K eth0 gro on gso on tso on",
		"ip link set eth0 txqueuelen 2000",
		`ethtool -G e<xx>&"1 rx 1024`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		for _, s := range parseCommand(cmd) {
			if s.key == "" || s.value == "" {
				t.Errorf("%q: empty setting %+v", cmd, s)
			}
			if !strings.HasPrefix(s.key, "sysctl ") && strings.ContainsAny(s.value, " \t\n") {
				t.Errorf("%q: value %q holds whitespace", cmd, s.value)
			}
			if strings.ContainsAny(s.iface, " \t\n/") {
				t.Errorf("%q: interface %q is no interface name", cmd, s.iface)
			}
		}
	})
}

// FuzzLoadBench: any file content loads or fails with an error naming the
// file, never a panic; what loads has its schema.
func FuzzLoadBench(f *testing.F) {
	// The seeds are the real files cut to two results each: the fuzzing
	// engine stalls mutating 70 kB inputs, and two results cover every
	// field.
	b, err := LoadBench([]string{"testdata/copy.json", "testdata/accept.json"})
	if err != nil {
		f.Fatal(err)
	}
	b.Copy.Results = b.Copy.Results[:2]
	b.Accept.Results = b.Accept.Results[:2]
	for _, v := range []any{b.Copy, b.Accept} {
		seed, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed)
	}
	f.Add([]byte(`{"schema":"netvet.bench.accept/v1","results":[{"median_run":0,"runs":[{"workers":[{"conns":1}]}]}]}`))
	f.Add([]byte(`{"schema":"netvet.bench.copy/v1","results":[{"runs":[{"error":"x"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b Bench
		if err := b.add("f.json", data); err != nil {
			if !strings.HasPrefix(err.Error(), "f.json: ") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		if b.Empty() {
			t.Fatal("loaded, but holds nothing")
		}
		// What loads must tabulate without a panic (the plots are
		// gonum's; figure turns its panics into errors).
		if b.Copy != nil {
			copyTable(b.Copy)
		}
		if b.Accept != nil {
			acceptTable(b.Accept)
			for _, r := range b.Accept.Results {
				workerShares(r)
			}
		}
	})
}

// svgElements are the elements gonum's SVG canvas writes.
var svgElements = map[string]bool{"title": true, "g": true, "path": true, "text": true}

// FuzzPageEscapes puts one string into every place a name reaches (host,
// finding subject and summary, evidence, command, bond and slave, table
// cell, plot title and SVG text) and checks that the page has exactly the
// elements it has for a plain name: no string becomes markup.
func FuzzPageEscapes(f *testing.F) {
	for _, s := range []string{"eth0", evilIface, `</title><script>x</script>`, `"><svg onload=x>`, "a&amp;b", "]]><!--", "{{.Title}}", "</style><b>"} {
		f.Add(s)
	}
	elements := func(t testing.TB, name string) []string {
		r := &Report{
			Host:     HostFacts{Hostname: name, Kernel: name, Source: name},
			Window:   WindowFacts{Text: name},
			Counts:   Counts{Warning: 1},
			Findings: []FindingView{{Anchor: "f-1", ID: "nic.ring_small", Severity: "warning", Subject: name, Summary: name, Evidence: []EvidenceRow{{Metric: name, Value: name}}, Recommendations: []analyze.Recommendation{{Summary: name, Commands: []string{"ethtool -G " + name + " rx 1024"}, Persist: name, Risk: name}}}},
			Top:      []Action{{Severity: "warning", ID: "nic.ring_small", Anchor: "f-1", Summary: name, Subjects: []string{name}, Commands: []string{name}}},
			Bonds:    []BondView{{Name: name, Slaves: []SlaveView{{Name: name}}}},
			Config:   ConfigView{Sysctls: []SettingRow{{Name: name, Current: name, Recommended: []Proposal{{Value: name, IDs: []string{name}, Anchor: "f-1"}}}}},
			Blind:    []analyze.Blind{{Collector: name, Reason: name, Hides: []string{name}}},
		}
		svg, err := figure(name, 200, 120, hbars(name, name, []string{name}, []barGroup{{name: name, values: []float64{1}}, {name: "x", values: []float64{2}}}, 0))
		if err != nil {
			t.Fatal(err)
		}
		r.Plots = []Plot{{ID: "p", Title: name, Caption: name, SVG: svg, Tables: []Table{{Caption: name, Head: []string{name}, Rows: [][]string{{name}}}}}}
		doc, err := html.Parse(strings.NewReader(render(t, testPage(r))))
		if err != nil {
			t.Fatal(err)
		}
		// Outside the SVG the elements are fixed; inside, gonum's layout
		// (how many ticks fit beside a long label) varies, but only its
		// own elements may appear.
		var out []string
		walk(doc, func(n *html.Node) {
			if n.Namespace == "svg" && n.Data != "svg" {
				if !svgElements[n.Data] {
					out = append(out, "svg:"+n.Data)
				}
				return
			}
			out = append(out, n.Data)
		})
		return out
	}
	want := elements(f, "plain")
	f.Fuzz(func(t *testing.T, name string) {
		if !utf8.ValidString(name) || name == "" {
			// Names reach the page through JSON and text, as UTF-8; an
			// empty one leaves out the optional parts it would fill.
			return
		}
		if got := elements(t, name); !slices.Equal(got, want) {
			t.Errorf("name %q changed the page's elements:\n got %v\nwant %v", name, got, want)
		}
	})
}
