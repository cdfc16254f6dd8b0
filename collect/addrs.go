package collect

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/netip"
	"slices"
	"strconv"
)

// addrsFile is written by the live Source from netlink (RTM_GETADDR) and
// kept in recordings: {"eth0":["10.0.0.2/24","fe80::1/64"]}.
const addrsFile = "netvet/addrs.json"

// collectAddrs reads netvet/addrs.json: the addresses of each interface in
// prefix form. Absent means unavailable. Each interface is decoded on its
// own, so one that is not a list of strings is left out (and reported with
// its line) without touching the others; an entry that is not an
// address/prefix is left out and reported. An interface listed with no
// addresses (or null) keeps an empty list.
func (c *Collector) collectAddrs(s *Snapshot) error {
	var raw map[string]json.RawMessage
	b, first := c.decodeVirtualJSON(addrsFile, &raw)
	if b == nil {
		return first
	}
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	line := func(s string) int { return jsonLine(b, int64(bytes.Index(b, []byte(strconv.Quote(s))))) }
	addrs := make(map[string][]string, len(raw))
	for _, ifname := range slices.Sorted(maps.Keys(raw)) {
		var list []string
		if err := json.Unmarshal(raw[ifname], &list); err != nil {
			keep(parseErr(addrsFile, line(ifname), "%s: want a list of addresses: %v", ifname, err))
			continue
		}
		kept := make([]string, 0, len(list))
		for _, a := range list {
			if _, err := netip.ParsePrefix(a); err != nil {
				keep(parseErr(addrsFile, line(a), "%s: %q is not an address/prefix", ifname, clip(a)))
				continue
			}
			kept = append(kept, a)
		}
		addrs[ifname] = kept
	}
	s.Config.Addrs = addrs
	return first
}
