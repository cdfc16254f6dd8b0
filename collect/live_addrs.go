package collect

import (
	"context"
	"encoding/json"

	"github.com/vishvananda/netlink"
)

// liveAddrs makes netvet/addrs.json, {"eth0":["10.0.0.2/24",…]}, from an
// RTM_GETADDR dump, in the kernel's order per interface. Interfaces without
// an address are left out.
func liveAddrs(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	links, err := netlink.LinkList()
	if err != nil {
		return nil, err
	}
	names := make(map[int]string, len(links))
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	addrs, err := netlink.AddrList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, a := range addrs {
		name, ok := names[a.LinkIndex]
		if !ok || a.IPNet == nil {
			continue
		}
		out[name] = append(out[name], a.IPNet.String())
	}
	return json.MarshalIndent(out, "", "  ")
}
