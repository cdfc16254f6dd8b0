package collect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// ethtoolDir holds one JSON file per interface (DESIGN.md "Recording format").
const ethtoolDir = "netvet/ethtool"

// collectEthtool reads netvet/ethtool/<if>.json. The stats are read at every
// sample; when the configuration is carried (a fast snapshot), driver, bus,
// rings, channels and features come from the previous snapshot, because the
// live host does not ask the driver for them then and a recording does not
// store them.
func (c *Collector) collectEthtool(s *Snapshot) error {
	ents, err := c.r.readDir(ethtoolDir)
	if err != nil {
		return err
	}
	out := make(map[string]*Ethtool, len(ents))
	var first error
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() || name == "" {
			continue
		}
		p := path.Join(ethtoolDir, e.Name())
		b, err := c.r.readFile(p)
		if err != nil {
			// One unreadable file is that interface without data; the
			// others still count.
			if !IsUnavailable(err) && first == nil {
				first = err
			}
			continue
		}
		et, err := parseEthtoolJSON(p, b)
		if err != nil && first == nil {
			first = err
		}
		if et != nil {
			out[name] = et
		}
	}
	if c.carry && c.prev != nil {
		carryEthtool(out, c.prev.Ethtool)
	}
	s.Ethtool = out
	return first
}

// carryEthtool fills the configuration parts of cur from prev: parts absent
// now are taken from prev, and interfaces that had only configuration (lo:
// features, no stats) keep it. prev is not modified (snapshots are
// immutable); the parts are shared, as Config is.
func carryEthtool(cur, prev map[string]*Ethtool) {
	for name, p := range prev {
		e, ok := cur[name]
		if !ok {
			e = &Ethtool{}
		}
		if e.Driver == "" {
			e.Driver = p.Driver
		}
		if e.Bus == "" {
			e.Bus = p.Bus
		}
		if e.Rings == nil {
			e.Rings = p.Rings
		}
		if e.Channels == nil {
			e.Channels = p.Channels
		}
		if e.Features == nil {
			e.Features = p.Features
		}
		if !ok && (e.Driver != "" || e.Bus != "" || e.Rings != nil || e.Channels != nil || e.Features != nil) {
			cur[name] = e
		}
	}
}

// ethtoolFile is the file's shape with the stats left raw, so a bad stats
// pair does not stop the rest of the file from being read.
type ethtoolFile struct {
	Driver   string          `json:"driver"`
	Bus      string          `json:"bus"`
	Rings    *Rings          `json:"rings"`
	Channels *Channels       `json:"channels"`
	Features map[string]bool `json:"features"`
	Stats    json.RawMessage `json:"stats"`
	// Errors are problems met while making the file (a bad line in a
	// sosreport's ethtool output, an ioctl that failed for a reason other
	// than "not supported"); the collector reports the first.
	Errors []string `json:"errors"`
}

// parseEthtoolJSON reads one netvet/ethtool/<if>.json. It returns what it
// could read together with the first problem; nil only on a syntax error.
func parseEthtoolJSON(name string, b []byte) (*Ethtool, error) {
	var f ethtoolFile
	err := json.Unmarshal(b, &f)
	if err != nil {
		err = jsonErr(name, b, err)
		if isSyntaxErr(err) {
			return nil, err
		}
	}
	e := &Ethtool{Driver: f.Driver, Bus: f.Bus, Rings: f.Rings, Channels: f.Channels, Features: f.Features}
	if len(f.Stats) > 0 && !bytes.Equal(f.Stats, []byte("null")) {
		st, serr := parseStats(f.Stats)
		e.Stats = st
		if serr != nil && err == nil {
			err = &ParseError{Path: name, Line: lineAt(b, int64(bytes.Index(b, f.Stats))+1), Err: serr}
		}
	}
	if len(f.Errors) > 0 && err == nil {
		err = fmt.Errorf("%s: %s", name, f.Errors[0])
	}
	return e, err
}

// MarshalJSON writes the stats as [["name",value],…] in their order.
func (s Stats) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 2+len(s)*32)
	b = append(b, '[')
	for i, st := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStat(b, st)
	}
	return append(b, ']'), nil
}

func appendStat(b []byte, st Stat) []byte {
	name, _ := json.Marshal(st.Name) // a string always marshals
	b = append(b, '[')
	b = append(b, name...)
	b = append(b, ',')
	b = strconv.AppendUint(b, st.Value, 10)
	return append(b, ']')
}

// UnmarshalJSON reads [["name",value],…]. Bad pairs are left out and the
// first one is reported; the good ones are kept.
func (s *Stats) UnmarshalJSON(b []byte) error {
	st, err := parseStats(b)
	*s = st
	return err
}

// parseStats reads a stats array that is already known to be valid JSON
// (json.Unmarshal checks the whole document before decoding), so after a
// bad pair the decoder can skip to the pair's end and go on. The usual form
// takes the fast path (ethtool_stats_fast.go).
func parseStats(b []byte) (Stats, error) {
	if st, ok := parseStatsFast(b); ok {
		return st, nil
	}
	return decodeStats(b)
}

// decodeStats is parseStats with encoding/json's decoder, for any form.
func decodeStats(b []byte) (Stats, error) {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if t, err := d.Token(); err != nil || t != json.Delim('[') {
		return nil, fmt.Errorf("stats: not an array")
	}
	out := Stats{}
	var first error
	for i := 0; d.More(); i++ {
		st, err := decodeStat(d)
		if err != nil {
			if first == nil {
				first = fmt.Errorf("stats[%d]: %w", i, err)
			}
			continue
		}
		out = append(out, st)
	}
	return out, first
}

// decodeStat reads one ["name",value] pair and leaves the decoder after it,
// also when the pair is wrong.
func decodeStat(d *json.Decoder) (Stat, error) {
	t, err := d.Token()
	if err != nil {
		return Stat{}, err
	}
	if t != json.Delim('[') {
		if delim, ok := t.(json.Delim); ok {
			if err := skipRest(d, 1); err != nil {
				return Stat{}, err
			}
			return Stat{}, fmt.Errorf("want [name, value], found %v", delim)
		}
		return Stat{}, fmt.Errorf("want [name, value], found %v", t)
	}
	var st Stat
	var bad error
	n := 0
	for ; d.More(); n++ {
		t, err := d.Token()
		if err != nil {
			return Stat{}, err
		}
		if delim, ok := t.(json.Delim); ok {
			if err := skipRest(d, 1); err != nil {
				return Stat{}, err
			}
			t = delim
		}
		switch {
		case bad != nil:
		case n == 0:
			name, ok := t.(string)
			if !ok {
				bad = fmt.Errorf("name %v is not a string", t)
			}
			st.Name = name
		case n == 1:
			num, ok := t.(json.Number)
			v, err := strconv.ParseUint(string(num), 10, 64)
			if !ok || err != nil {
				bad = fmt.Errorf("%s: value %v is not an unsigned integer", st.Name, t)
			}
			st.Value = v
		}
	}
	if _, err := d.Token(); err != nil { // the closing ]
		return Stat{}, err
	}
	if bad == nil && n != 2 {
		bad = fmt.Errorf("want [name, value], found %d elements", n)
	}
	return st, bad
}

// skipRest consumes tokens until depth open arrays or objects are closed.
func skipRest(d *json.Decoder, depth int) error {
	for depth > 0 {
		t, err := d.Token()
		if err == io.EOF {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
	return nil
}

// encodeEthtool writes the file as DESIGN.md shows it, indented, with one
// stats pair per line so recordings diff well in git, and the problems met
// while making it under "errors".
func encodeEthtool(e *Ethtool, problems ...string) []byte {
	head := struct {
		Ethtool
		Errors []string `json:"errors,omitempty"`
	}{*e, problems}
	head.Stats = nil
	b, _ := json.MarshalIndent(&head, "", "  ") // plain structs always marshal
	if len(e.Stats) == 0 {
		return append(b, '\n')
	}
	b = bytes.TrimSuffix(b, []byte("}"))
	b = bytes.TrimRight(b, "\n")
	if len(b) > 1 {
		b = append(b, ',')
	}
	b = append(b, "\n  \"stats\": [\n"...)
	for i, st := range e.Stats {
		b = append(b, "    "...)
		b = appendStat(b, st)
		if i < len(e.Stats)-1 {
			b = append(b, ',')
		}
		b = append(b, '\n')
	}
	return append(b, "  ]\n}\n"...)
}
