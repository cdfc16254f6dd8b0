package collect

import (
	"bytes"
	"maps"
	"net/netip"
	"slices"
	"strconv"
)

// addrsFile is written by the live Source from netlink (RTM_GETADDR) and
// kept in recordings: {"eth0":["10.0.0.2/24","fe80::1/64"]}.
const addrsFile = "netvet/addrs.json"

// collectAddrs reads netvet/addrs.json: the addresses of each interface in
// prefix form. Absent means unavailable. An entry that is not an address
// with a prefix length is left out and reported with its line; the rest is
// kept. An interface listed with no addresses keeps an empty list.
func (c *Collector) collectAddrs(s *Snapshot) error {
	var raw map[string][]string
	b, err := c.decodeVirtualJSON(addrsFile, &raw)
	if err != nil {
		return err
	}
	var first error
	addrs := make(map[string][]string, len(raw))
	for _, ifname := range slices.Sorted(maps.Keys(raw)) {
		list := raw[ifname]
		kept := make([]string, 0, len(list))
		for _, a := range list {
			if _, err := netip.ParsePrefix(a); err != nil {
				if first == nil {
					line := lineAt(b, int64(bytes.Index(b, []byte(strconv.Quote(a)))))
					first = parseErr(addrsFile, line, "%s: %q is not an address/prefix", ifname, clip(a))
				}
				continue
			}
			kept = append(kept, a)
		}
		addrs[ifname] = kept
	}
	s.Config.Addrs = addrs
	return first
}
