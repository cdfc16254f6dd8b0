package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"

	"github.com/netvet/netvet/internal/cpumask"
)

// The host collector says which host and moment a Snapshot is. netvet/host.json
// (written by the live Source and kept in recordings, DESIGN.md) is
// preferred; every field it lacks comes from the kernel's own files, so a
// sosreport or a partial snapshot still names its host:
//
//	hostname  proc/sys/kernel/hostname
//	kernel    proc/sys/kernel/osrelease
//	boot_id   proc/sys/kernel/random/boot_id
//	cpus      sys/devices/system/cpu/online (count of the list)
//	uptime    proc/uptime (first field: seconds since boot)
//
// The time comes only from host.json: the files carry none.

const hostJSONPath = "netvet/host.json"

func (c *Collector) collectHost(s *Snapshot) error {
	var errs errList
	found := false
	var h HostInfo
	if b, err := c.r.readFile(hostJSONPath); err == nil {
		found = true
		h, err = parseHostJSON(hostJSONPath, b)
		if err != nil {
			errs.add(err)
		}
	} else if !IsUnavailable(err) {
		errs.add(err)
	}

	str := func(dst *string, name string) {
		if *dst != "" {
			return
		}
		v, err := c.r.readString(name)
		switch {
		case err == nil:
			*dst = v
			found = true
		case !IsUnavailable(err):
			errs.add(err)
		}
	}
	str(&h.Hostname, "proc/sys/kernel/hostname")
	str(&h.Kernel, "proc/sys/kernel/osrelease")
	str(&h.BootID, "proc/sys/kernel/random/boot_id")

	if h.CPUs == 0 {
		const name = "sys/devices/system/cpu/online"
		if v, err := c.r.readString(name); err == nil {
			found = true
			if set, err := cpumask.ParseList(v); err != nil {
				errs.add(&ParseError{Path: name, Line: 1, Err: err})
			} else {
				h.CPUs = set.Count()
			}
		} else if !IsUnavailable(err) {
			errs.add(err)
		}
	}

	const uptimeName = "proc/uptime"
	if b, err := c.r.readFile(uptimeName); err == nil {
		found = true
		if up, err := parseUptime(uptimeName, b); err != nil {
			errs.add(err)
		} else {
			h.Uptime = up
		}
	} else if !IsUnavailable(err) {
		errs.add(err)
	}

	if !found && errs.first == nil {
		return fmt.Errorf("none of %s, proc/sys/kernel/{hostname,osrelease,random/boot_id}, proc/uptime, sys/devices/system/cpu/online is readable: %w", hostJSONPath, fs.ErrNotExist)
	}
	s.Host = h
	if !h.Time.IsZero() {
		s.Time = h.Time
	}
	return errs.err()
}

// parseHostJSON parses netvet/host.json. Unknown fields are ignored (a newer
// netvet may add some). A syntax or type error names the line.
func parseHostJSON(path string, b []byte) (HostInfo, error) {
	var h HostInfo
	if err := json.Unmarshal(b, &h); err != nil {
		var off int64 = -1
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		}
		line := 0
		if off >= 0 {
			line = 1 + bytes.Count(b[:min(int(off), len(b))], []byte{'\n'})
		}
		return HostInfo{}, &ParseError{Path: path, Line: line, Err: err}
	}
	if h.CPUs < 0 {
		err := parseErr(path, 0, "cpus %d is negative", h.CPUs)
		h.CPUs = 0
		return h, err
	}
	return h, nil
}

// parseUptime reads the first field of proc/uptime ("546.74 1044.83"):
// seconds since boot. The second (idle time summed over CPUs) is not used.
func parseUptime(path string, b []byte) (float64, error) {
	f, _ := cutField(bytes.TrimSpace(b))
	v, err := strconv.ParseFloat(string(f), 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, parseErr(path, 1, "uptime %s is not a number of seconds", quoted(f))
	}
	return v, nil
}
