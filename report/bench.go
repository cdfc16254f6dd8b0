package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/netvet/netvet/bench/accept"
	benchcopy "github.com/netvet/netvet/bench/copy"
)

// Bench holds the benchmark reports given with --bench.
type Bench struct {
	Copy   *benchcopy.Report
	Accept *accept.Report
}

// LoadBench reads benchmark JSON files (netvet bench copy|accept --format
// json) and sorts them by schema. One file of each kind at most: two would
// be two machines or two runs, which one page cannot tell apart.
func LoadBench(paths []string) (Bench, error) {
	var b Bench
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return b, err
		}
		if err := b.add(p, data); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (b *Bench) add(path string, data []byte) error {
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("%s: not a netvet bench JSON file: %w", path, err)
	}
	strict := func(v any) error {
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(v); err != nil {
			return fmt.Errorf("%s: %s: %w", path, head.Schema, err)
		}
		return nil
	}
	switch head.Schema {
	case benchcopy.Schema:
		if b.Copy != nil {
			return fmt.Errorf("%s: a second %s file (give one of each kind)", path, head.Schema)
		}
		var r benchcopy.Report
		if err := strict(&r); err != nil {
			return err
		}
		b.Copy = &r
	case accept.Schema:
		if b.Accept != nil {
			return fmt.Errorf("%s: a second %s file (give one of each kind)", path, head.Schema)
		}
		var r accept.Report
		if err := strict(&r); err != nil {
			return err
		}
		for _, res := range r.Results {
			if res.MedianRun < 0 || res.MedianRun >= len(res.Runs) {
				return fmt.Errorf("%s: %s %s: median_run %d is not one of its %d runs", path, res.Model, res.Mode, res.MedianRun, len(res.Runs))
			}
		}
		b.Accept = &r
	case "":
		return fmt.Errorf("%s: no \"schema\" field: not a netvet bench JSON file", path)
	default:
		return fmt.Errorf("%s: schema %q is not one netvet report reads (%s or %s)", path, head.Schema, benchcopy.Schema, accept.Schema)
	}
	return nil
}

// Empty reports whether no benchmark was given.
func (b Bench) Empty() bool { return b.Copy == nil && b.Accept == nil }

// benchView builds the benchmark section.
func benchView(b Bench) (*BenchView, error) {
	if b.Empty() {
		return nil, nil
	}
	v := &BenchView{}
	var err error
	if b.Copy != nil {
		if v.Copy, err = copyView(b.Copy); err != nil {
			return nil, err
		}
	}
	if b.Accept != nil {
		if v.Accept, err = acceptView(b.Accept); err != nil {
			return nil, err
		}
	}
	return v, nil
}
