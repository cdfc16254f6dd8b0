package synthhost

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
)

// Meta is a recording's meta.json (DESIGN.md "Recording format").
type Meta struct {
	Format     string         `json:"format"`
	Host       string         `json:"host"`
	Kernel     string         `json:"kernel"`
	IntervalMs int64          `json:"interval_ms"`
	Snapshots  []MetaSnapshot `json:"snapshots"`
}

// MetaSnapshot names one snapshot folder. Config is false for a snapshot
// without the configuration files (docs/recording-format.md): a reader then
// carries the previous configuration forward instead of reading its absence
// as "no sysctls, no queues".
type MetaSnapshot struct {
	Dir    string `json:"dir"`
	Time   string `json:"time"`
	Config *bool  `json:"config,omitempty"`
}

// WriteRecording writes n snapshots of the host o describes into dir, which
// must not exist or be empty: DIR/0000/…, DIR/0001/…, then DIR/meta.json.
// Configuration files go into the snapshots Options.ConfigEvery selects.
func WriteRecording(dir string, o Options, n int) (Meta, error) {
	if n < 1 {
		return Meta{}, fmt.Errorf("synthhost: %d snapshots: need at least 1", n)
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return Meta{}, fmt.Errorf("synthhost: %s is not empty", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Meta{}, err
	}
	h, err := New(o)
	if err != nil {
		return Meta{}, err
	}
	meta := Meta{Format: "netvet-recording/1", Host: o.Hostname, Kernel: o.Kernel, IntervalMs: o.Interval.Milliseconds()}
	for i := range n {
		if i > 0 {
			h.Step()
		}
		snap := fmt.Sprintf("%04d", i)
		if err := writeFiles(filepath.Join(dir, snap), h.Files(h.Full())); err != nil {
			return Meta{}, err
		}
		ms := MetaSnapshot{Dir: snap, Time: h.Time().UTC().Format("2006-01-02T15:04:05.000Z07:00")}
		if !h.Full() {
			ms.Config = new(bool)
		}
		meta.Snapshots = append(meta.Snapshots, ms)
	}
	b, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return Meta{}, err
	}
	return meta, os.WriteFile(filepath.Join(dir, "meta.json"), append(b, '\n'), 0o644)
}

// writeFiles writes files (slash-separated paths) under root.
func writeFiles(root string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	made := map[string]bool{}
	for _, name := range names {
		p := filepath.Join(root, filepath.FromSlash(name))
		if d := filepath.Dir(p); !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
			made[d] = true
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
