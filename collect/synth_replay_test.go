package collect

import (
	"path/filepath"
	"testing"

	"github.com/netvet/netvet/internal/synthhost"
)

// TestReplaySyntheticRecording replays a recording of the synthetic host
// whose configuration files are only in every third snapshot: the others
// are marked "config": false in meta.json, so the replay carries the last
// Config forward (the same pointer) instead of reading an empty one, and
// reads it afresh where the files are.
func TestReplaySyntheticRecording(t *testing.T) {
	o := synthhost.Default()
	o.CPUs, o.Queues = 8, 4
	o.ConfigEvery = 3
	dir := filepath.Join(t.TempDir(), "rec")
	if _, err := synthhost.WriteRecording(dir, o, 7); err != nil {
		t.Fatal(err)
	}
	rec, err := OpenRecording(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	var snaps []*Snapshot
	if err := (&Sampler{Origin: rec}).Run(t.Context(), 0, func(s *Snapshot) error {
		snaps = append(snaps, s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 7 {
		t.Fatalf("%d snapshots, want 7", len(snaps))
	}
	configNames := map[string]bool{}
	for _, d := range collectors {
		configNames[d.name] = d.config
	}
	for i, s := range snaps {
		full := i%3 == 0
		if full {
			if i > 0 && s.Config == snaps[i-1].Config {
				t.Errorf("snapshot %d holds the configuration but carried the previous one", i)
			}
			if s.Config.NICs["eth0"] == nil || len(s.Config.IRQs) == 0 || s.Config.Topology == nil {
				t.Errorf("snapshot %d: configuration not read: %d NICs, %d IRQs", i, len(s.Config.NICs), len(s.Config.IRQs))
			}
		} else if s.Config != snaps[i-1].Config {
			t.Errorf("snapshot %d is config-less but did not carry the previous Config", i)
		}
		for _, st := range s.Status {
			if configNames[st.Name] && st.Carried == full {
				t.Errorf("snapshot %d: %s carried = %v, want %v", i, st.Name, st.Carried, !full)
			}
			if st.State == StateError {
				t.Errorf("snapshot %d: %s: %s", i, st.Name, st.Err)
			}
		}
		if len(s.Interrupts.Lines) == 0 || len(s.Links) == 0 {
			t.Errorf("snapshot %d: counters missing", i)
		}
	}
}
