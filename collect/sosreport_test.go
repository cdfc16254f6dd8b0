package collect

import (
	"context"
	"encoding/json"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

const sosMini = "../fixtures/sosreport-mini"

// TestSosreportMini opens the fixture through OpenRoot and collects it: the
// ethtool text becomes netvet/ethtool/<if>.json, hostname and uname become
// host.json, proc/ passes through, and the deliberately broken -S is
// reported with its file and line while its good counters are kept.
func TestSosreportMini(t *testing.T) {
	o, err := OpenRoot(sosMini)
	if err != nil {
		t.Fatal(err)
	}
	if o.Kind() != KindSosreport || o.Len() != 1 {
		t.Fatalf("kind %v len %d", o.Kind(), o.Len())
	}
	src, m, err := o.Source(context.Background(), 0, true)
	if err != nil || !m.Full {
		t.Fatalf("Source: %+v %v", m, err)
	}
	b, err := fs.ReadFile(src, "netvet/host.json")
	if err != nil {
		t.Fatal(err)
	}
	var h hostJSON
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(hostJSON{Hostname: "sosreport-mini.example", Kernel: "4.18.0-448.el8.x86_64"}, h); diff != "" {
		t.Errorf("host.json (-want +got):\n%s", diff)
	}
	if b, err := fs.ReadFile(src, "proc/net/softnet_stat"); err != nil || len(b) == 0 {
		t.Errorf("proc/ does not pass through: %v", err)
	}

	s := NewCollector().Collect(context.Background(), src, nil, true)
	if diff := cmp.Diff([]string{"bond0", "eno99", "eth0", "eth2", "pri"}, slices.Sorted(maps.Keys(s.Ethtool))); diff != "" {
		t.Errorf("interfaces (-want +got):\n%s", diff)
	}
	eth2 := s.Ethtool["eth2"]
	if eth2.Driver != "bnxt_en" || eth2.Bus != "0000:ca:00.0" || len(eth2.Stats) != 397 || eth2.Stats[0] != (Stat{"[0]: rx_ucast_packets", 276347403}) {
		t.Errorf("eth2 = %s %s %d stats", eth2.Driver, eth2.Bus, len(eth2.Stats))
	}
	if diff := cmp.Diff(&Channels{RX: 4, RXMax: 8, TX: 1, TXMax: 8}, s.Ethtool["eth0"].Channels); diff != "" {
		t.Errorf("eth0 channels (-want +got):\n%s", diff)
	}
	if n := len(s.Ethtool["eth0"].Stats); n != 307 {
		t.Errorf("eth0 kept %d counters of the broken -S, want 307", n)
	}
	if diff := cmp.Diff(&Rings{RX: 1024, RXMax: 4096, TX: 512, TXMax: 4096}, s.Ethtool["pri"].Rings); diff != "" {
		t.Errorf("pri rings (-want +got):\n%s", diff)
	}
	if !s.Ethtool["bond0"].Features["rx-gro"] || s.Ethtool["bond0"].Features["rx-checksum"] {
		t.Errorf("bond0 features = %v", s.Ethtool["bond0"].Features)
	}
	st, _ := s.StatusOf("ethtool")
	want := `netvet/ethtool/eth0.json: sos_commands/networking/ethtool_-S_eth0:7: tx_errors: "0.1.1" is not an unsigned integer`
	if st.State != StateError || st.Err != want {
		t.Errorf("ethtool status = %s %q, want error %q", st.State, st.Err, want)
	}
	for _, name := range []string{"listeners", "tcp_remotes"} {
		if st, _ := s.StatusOf(name); st.State != StateUnavailable {
			t.Errorf("%s: %s %s, want unavailable", name, st.State, st.Err)
		}
	}
}

// TestSosreportFSConforms runs the standard fs.FS checks over the whole
// sosreport view, virtual files included.
func TestSosreportFSConforms(t *testing.T) {
	o, err := OpenSosreport(sosMini)
	if err != nil {
		t.Fatal(err)
	}
	src, _, _ := o.Source(context.Background(), 0, true)
	if err := fstest.TestFS(src, "netvet/host.json", "netvet/ethtool/eth2.json", "proc/interrupts", "sos_commands/networking/ethtool_-S_eth2"); err != nil {
		t.Error(err)
	}
	if _, err := fs.Stat(src, "netvet/ethtool/nosuch.json"); !IsUnavailable(err) {
		t.Errorf("absent interface: %v", err)
	}
	b, _ := fs.ReadFile(src, "netvet/ethtool/eth0.json")
	if !strings.Contains(string(b), `"errors": [`) {
		t.Errorf("eth0.json does not carry the parse problem:\n%.300s", b)
	}
}

func TestOpenSosreportErrors(t *testing.T) {
	if _, err := OpenSosreport(t.TempDir()); err == nil {
		t.Error("a folder without sos_commands opened as a sosreport")
	}
}
