package collect

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestStatsJSONRoundTrip(t *testing.T) {
	in := Stats{{"rx_packets", 123}, {"[0]: rx_ucast_packets", math.MaxUint64}, {"rx_packets", 0}, {`we"ird\name`, 7}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	want := `[["rx_packets",123],["[0]: rx_ucast_packets",18446744073709551615],["rx_packets",0],["we\"ird\\name",7]]`
	if string(b) != want {
		t.Errorf("marshal = %s, want %s", b, want)
	}
	var out Stats
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestStatsUnmarshalBadPairs(t *testing.T) {
	tests := []struct {
		name, in string
		want     Stats
		err      string
	}{
		{"empty", `[]`, Stats{}, ""},
		{"null", `null`, nil, ""},
		{"negative", `[["a",1],["b",-1],["c",3]]`, Stats{{"a", 1}, {"c", 3}}, "stats[1]: b: value -1 is not an unsigned integer"},
		{"float", `[["a",1.5],["c",3]]`, Stats{{"c", 3}}, "stats[0]: a: value 1.5 is not an unsigned integer"},
		{"overflow", `[["a",18446744073709551616],["c",3]]`, Stats{{"c", 3}}, "is not an unsigned integer"},
		{"three elements", `[["a",1,2],["c",3]]`, Stats{{"c", 3}}, "stats[0]: want [name, value], found 3 elements"},
		{"one element", `[["a"],["c",3]]`, Stats{{"c", 3}}, "found 1 elements"},
		{"name not string", `[[1,2],["c",3]]`, Stats{{"c", 3}}, "name 1 is not a string"},
		{"object pair", `[{"a":1},["c",3]]`, Stats{{"c", 3}}, "want [name, value], found {"},
		{"nested", `[["a",[1,[2]]],["c",3]]`, Stats{{"c", 3}}, "value [ is not an unsigned integer"},
		{"scalar pair", `[5,["c",3]]`, Stats{{"c", 3}}, "want [name, value], found 5"},
		{"not array", `{"a":1}`, nil, "stats: not an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Stats
			err := got.UnmarshalJSON([]byte(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestEncodeEthtool(t *testing.T) {
	e := &Ethtool{Driver: "ixgbe", Bus: "0000:03:00.0",
		Rings:    &Rings{RX: 512, RXMax: 4096, TX: 512, TXMax: 4096},
		Features: map[string]bool{"rx-gro": true, "tcp-segmentation-offload": false},
		Stats:    Stats{{"rx_packets", 123}, {"rx_queue_0_packets", 45}}}
	want := `{
  "driver": "ixgbe",
  "bus": "0000:03:00.0",
  "rings": {
    "rx": 512,
    "rx_max": 4096,
    "tx": 512,
    "tx_max": 4096
  },
  "features": {
    "rx-gro": true,
    "tcp-segmentation-offload": false
  },
  "stats": [
    ["rx_packets",123],
    ["rx_queue_0_packets",45]
  ]
}
`
	if got := string(encodeEthtool(e)); got != want {
		t.Errorf("encodeEthtool:\n%s\nwant:\n%s", got, want)
	}
	for _, e := range []*Ethtool{e, {Stats: Stats{{"a", 1}}}, {Driver: "lo"}, {}} {
		got, err := parseEthtoolJSON("x.json", encodeEthtool(e))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(e, got); diff != "" {
			t.Errorf("encode/parse round trip (-want +got):\n%s", diff)
		}
	}
}

// collectOne runs the named collector alone on fsys.
func collectOne(t *testing.T, c *Collector, fsys fs.FS, prev *Snapshot, carry bool, name string) (*Snapshot, error) {
	t.Helper()
	c.r.fsys = fsys
	c.prev, c.carry = prev, carry
	defer func() { c.r.fsys, c.prev, c.carry = nil, nil, false }()
	s := &Snapshot{}
	var err error
	switch name {
	case "ethtool":
		err = c.collectEthtool(s)
	case "listeners":
		err = c.collectListeners(s)
	case "tcp_remotes":
		err = c.collectTCPRemotes(s)
	default:
		t.Fatalf("no collector %q", name)
	}
	return s, err
}

func TestCollectEthtool(t *testing.T) {
	fsys := fstest.MapFS{
		"netvet/ethtool/eth0.json": {Data: []byte(`{"driver":"ixgbe","bus":"0000:03:00.0",
 "rings":{"rx":512,"rx_max":4096,"tx":512,"tx_max":4096},
 "channels":{"rx":0,"rx_max":0,"tx":0,"tx_max":0,"combined":8,"combined_max":63},
 "features":{"rx-gro":true},
 "stats":[["rx_packets",123],["rx_queue_0_packets",45]]}`)},
		"netvet/ethtool/lo.json":        {Data: []byte(`{"features":{"rx-gro":false}}`)},
		"netvet/ethtool/bad.json":       {Data: []byte("{\n\"driver\": \"x\",\n\"rings\": {\"rx\": -1}\n}")},
		"netvet/ethtool/broken.json":    {Data: []byte("{\n\"driver\": \"x\"\n\"bus\": 1}")},
		"netvet/ethtool/stats.json":     {Data: []byte("{\"driver\":\"y\",\n\"stats\":[[\"a\",1],\n[\"b\",\"x\"]]}")},
		"netvet/ethtool/README":         {Data: []byte("not an interface")},
		"netvet/ethtool/x.json.symlink": {Data: []byte("ignored")},
		"netvet/ethtool/locked.json":    {Data: []byte(`{}`), Mode: 0},
	}
	s, err := collectOne(t, NewCollector(), errFS{fsys, map[string]error{"netvet/ethtool/locked.json": fs.ErrPermission}}, nil, false, "ethtool")
	want := map[string]*Ethtool{
		"eth0": {Driver: "ixgbe", Bus: "0000:03:00.0", Rings: &Rings{512, 4096, 512, 4096},
			Channels: &Channels{Combined: 8, CombinedMax: 63}, Features: map[string]bool{"rx-gro": true},
			Stats: Stats{{"rx_packets", 123}, {"rx_queue_0_packets", 45}}},
		"lo":    {Features: map[string]bool{"rx-gro": false}},
		"bad":   {Driver: "x", Rings: &Rings{}},
		"stats": {Driver: "y", Stats: Stats{{"a", 1}}},
	}
	if diff := cmp.Diff(want, s.Ethtool); diff != "" {
		t.Errorf("Ethtool (-want +got):\n%s", diff)
	}
	// The files are read in name order: bad.json comes first.
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != "netvet/ethtool/bad.json" || pe.Line != 3 {
		t.Errorf("err = %v, want a ParseError at netvet/ethtool/bad.json:3", err)
	}
}

func TestCollectEthtoolErrors(t *testing.T) {
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		line  int
		avail bool
	}{
		{"syntax", fstest.MapFS{"netvet/ethtool/e.json": {Data: []byte("{\n\"driver\": \"x\"\n\"bus\": 1}")}}, 3, true},
		{"empty", fstest.MapFS{"netvet/ethtool/e.json": {Data: nil}}, 1, true},
		{"truncated", fstest.MapFS{"netvet/ethtool/e.json": {Data: []byte("{\"stats\":[[\"a\",1],\n[\"b\"")}}, 2, true},
		{"stats line", fstest.MapFS{"netvet/ethtool/e.json": {Data: []byte("{\n\"driver\": \"x\",\n\"stats\": [[\"a\", -1]]}")}}, 3, true},
		{"no folder", fstest.MapFS{"proc/x": {}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := collectOne(t, NewCollector(), tt.fsys, nil, false, "ethtool")
			if !tt.avail {
				if !IsUnavailable(err) {
					t.Errorf("err = %v, want unavailable", err)
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Path != "netvet/ethtool/e.json" || pe.Line != tt.line {
				t.Errorf("err = %v, want a ParseError at netvet/ethtool/e.json:%d", err, tt.line)
			}
		})
	}
}

func TestCollectEthtoolCarry(t *testing.T) {
	rings := &Rings{RX: 256, RXMax: 4096, TX: 256, TXMax: 4096}
	prev := &Snapshot{Ethtool: map[string]*Ethtool{
		"eth0": {Driver: "igb", Bus: "0000:01:00.0", Rings: rings, Features: map[string]bool{"rx-gro": true}, Stats: Stats{{"rx_packets", 1}}},
		"lo":   {Features: map[string]bool{"rx-gro": true}},
		"gone": {Stats: Stats{{"rx_packets", 1}}},
	}}
	fast := fstest.MapFS{"netvet/ethtool/eth0.json": {Data: []byte(`{"stats":[["rx_packets",5]]}`)}}
	tests := []struct {
		name  string
		carry bool
		want  map[string]*Ethtool
	}{
		{"carried", true, map[string]*Ethtool{
			"eth0": {Driver: "igb", Bus: "0000:01:00.0", Rings: rings, Features: map[string]bool{"rx-gro": true}, Stats: Stats{{"rx_packets", 5}}},
			"lo":   {Features: map[string]bool{"rx-gro": true}},
		}},
		{"full", false, map[string]*Ethtool{"eth0": {Stats: Stats{{"rx_packets", 5}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := collectOne(t, NewCollector(), fast, prev, tt.carry, "ethtool")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, s.Ethtool); diff != "" {
				t.Errorf("Ethtool (-want +got):\n%s", diff)
			}
		})
	}
	if diff := cmp.Diff(Stats{{"rx_packets", 1}}, prev.Ethtool["eth0"].Stats); diff != "" {
		t.Errorf("prev was modified:\n%s", diff)
	}
}

// TestCollectEthtoolThroughCollect checks that Collect tells the ethtool
// collector when configuration is carried.
func TestCollectEthtoolThroughCollect(t *testing.T) {
	full := fstest.MapFS{"netvet/ethtool/eth0.json": {Data: []byte(`{"driver":"igb","stats":[["rx_packets",1]]}`)}}
	fast := fstest.MapFS{"netvet/ethtool/eth0.json": {Data: []byte(`{"stats":[["rx_packets",2]]}`)}}
	c := NewCollector()
	s0 := c.Collect(context.Background(), full, nil, true)
	s1 := c.Collect(context.Background(), fast, s0, false)
	want := map[string]*Ethtool{"eth0": {Driver: "igb", Stats: Stats{{"rx_packets", 2}}}}
	if diff := cmp.Diff(want, s1.Ethtool); diff != "" {
		t.Errorf("Ethtool (-want +got):\n%s", diff)
	}
}

func TestCollectListenersAndRemotes(t *testing.T) {
	fsys := fstest.MapFS{
		"netvet/listeners.json":   {Data: []byte(`[{"local":"0.0.0.0:8080","queue":129,"limit":128},{"local":"[::]:22","queue":0,"limit":4096}]`)},
		"netvet/tcp_remotes.json": {Data: []byte(`[{"remote":"10.1.2.3:5432","established":12,"time_wait":27000,"other":3}]`)},
	}
	c := NewCollector()
	s, err := collectOne(t, c, fsys, nil, false, "listeners")
	if err != nil {
		t.Fatal(err)
	}
	wantL := []Listener{{"0.0.0.0:8080", 129, 128}, {"[::]:22", 0, 4096}}
	if diff := cmp.Diff(wantL, s.Listeners); diff != "" {
		t.Errorf("Listeners (-want +got):\n%s", diff)
	}
	s, err = collectOne(t, c, fsys, nil, false, "tcp_remotes")
	if err != nil {
		t.Fatal(err)
	}
	wantR := []TCPRemote{{"10.1.2.3:5432", 12, 27000, 3}}
	if diff := cmp.Diff(wantR, s.TCPRemotes); diff != "" {
		t.Errorf("TCPRemotes (-want +got):\n%s", diff)
	}
}

func TestCollectListenersBad(t *testing.T) {
	tests := []struct {
		name, data string
		want       []Listener
		line       int
	}{
		{"empty list", `[]`, []Listener{}, 0},
		{"null", `null`, []Listener{}, 0},
		{"syntax", "[\n{\"local\":\"a\",\n\"queue\":1,,}]", nil, 3},
		{"type", "[{\"local\":\"a\",\"queue\":1},\n{\"local\":\"b\",\"queue\":-1}]", []Listener{{Local: "a", Queue: 1}, {Local: "b"}}, 2},
		{"uint32 overflow", "[{\"local\":\"a\",\"limit\":4294967296}]", []Listener{{Local: "a"}}, 1},
		{"empty file", "", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := collectOne(t, NewCollector(), fstest.MapFS{"netvet/listeners.json": {Data: []byte(tt.data)}}, nil, false, "listeners")
			if diff := cmp.Diff(tt.want, s.Listeners); diff != "" {
				t.Errorf("Listeners (-want +got):\n%s", diff)
			}
			var pe *ParseError
			if tt.line == 0 && err != nil || tt.line != 0 && (!errors.As(err, &pe) || pe.Line != tt.line || pe.Path != "netvet/listeners.json") {
				t.Errorf("err = %v, want line %d", err, tt.line)
			}
		})
	}
	_, err := collectOne(t, NewCollector(), fstest.MapFS{}, nil, false, "listeners")
	if !IsUnavailable(err) {
		t.Errorf("missing file: err = %v, want unavailable", err)
	}
	_, err = collectOne(t, NewCollector(), errFS{fstest.MapFS{}, map[string]error{"netvet/tcp_remotes.json": fs.ErrPermission}}, nil, false, "tcp_remotes")
	if !IsUnavailable(err) {
		t.Errorf("unreadable file: err = %v, want unavailable", err)
	}
	s, err := collectOne(t, NewCollector(), fstest.MapFS{"netvet/tcp_remotes.json": {Data: []byte("[\n{\"remote\":\"x\",\"established\":\"1\"}]")}}, nil, false, "tcp_remotes")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || len(s.TCPRemotes) != 1 || s.TCPRemotes[0].Remote != "x" {
		t.Errorf("tcp_remotes type error: %v %v", err, s.TCPRemotes)
	}
}

// errFS returns the given errors for the given paths and serves the rest
// from FS.
type errFS struct {
	fs.FS
	errs map[string]error
}

func (e errFS) Open(name string) (fs.File, error) {
	if err, ok := e.errs[name]; ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return e.FS.Open(name)
}

// TestEthtoolErrorsField checks that problems met while making a file are
// reported by the collector while the data is kept.
func TestEthtoolErrorsField(t *testing.T) {
	b := encodeEthtool(&Ethtool{Driver: "ixgbe", Stats: Stats{{"rx_packets", 1}}}, "rings: input/output error", "features: no such device")
	e, err := parseEthtoolJSON("netvet/ethtool/eth0.json", b)
	if err == nil || err.Error() != "netvet/ethtool/eth0.json: rings: input/output error" {
		t.Errorf("err = %v", err)
	}
	if diff := cmp.Diff(&Ethtool{Driver: "ixgbe", Stats: Stats{{"rx_packets", 1}}}, e); diff != "" {
		t.Errorf("data (-want +got):\n%s", diff)
	}
}
