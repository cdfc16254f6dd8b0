package collect

import "testing"

func TestNICKind(t *testing.T) {
	e := func(names ...string) map[string]bool {
		m := map[string]bool{}
		for _, n := range names {
			m[n] = true
		}
		return m
	}
	base := kindHints{typ: 1, hasUevent: true, ifindex: 4, iflink: 4}
	with := func(f func(h *kindHints)) kindHints { h := base; f(&h); return h }
	tests := []struct {
		name string
		h    kindHints
		want string
	}{
		{"loopback by flags", with(func(h *kindHints) { h.flags, h.hasFlags = 0x9, true }), "loopback"},
		{"loopback by type", with(func(h *kindHints) { h.typ = 772 }), "loopback"},
		{"loopback by name alone", kindHints{name: "lo", typ: -1}, "loopback"},
		{"lo with other evidence is judged by it", with(func(h *kindHints) { h.name = "lo" }), "virtual"},
		{"bond dir", with(func(h *kindHints) { h.entries = e("bonding") }), "bond"},
		{"bond devtype", with(func(h *kindHints) { h.devType = "bond" }), "bond"},
		{"bridge dir", with(func(h *kindHints) { h.entries = e("bridge") }), "bridge"},
		{"bridge devtype", with(func(h *kindHints) { h.devType = "bridge" }), "bridge"},
		{"vlan devtype", with(func(h *kindHints) { h.devType = "vlan"; h.lower = true }), "vlan"},
		{"vlan proc", with(func(h *kindHints) { h.procVLAN = true }), "vlan"},
		{"tap", with(func(h *kindHints) { h.tun = true }), "tun"},
		{"physical", with(func(h *kindHints) { h.device = true }), "physical"},
		{"wlan is physical", with(func(h *kindHints) { h.devType = "wlan"; h.device = true }), "physical"},
		{"bond on a device link is still a bond", with(func(h *kindHints) { h.entries = e("bonding"); h.device = true }), "bond"},
		{"veth", with(func(h *kindHints) { h.iflink = 7 }), "veth"},
		{"macvlan: has lower", with(func(h *kindHints) { h.iflink = 2; h.lower = true }), "virtual"},
		{"tunnel type is not veth", with(func(h *kindHints) { h.iflink = 2; h.typ = 778 }), "virtual"},
		{"iflink 0 is not veth", with(func(h *kindHints) { h.iflink = 0 }), "virtual"},
		{"dummy", base, "virtual"},
		{"nothing known", kindHints{name: "x", typ: -1, ifindex: -1, iflink: -1}, ""},
	}
	for _, tt := range tests {
		if got := nicKind(tt.h); got != tt.want {
			t.Errorf("%s: nicKind = %q, want %q", tt.name, got, tt.want)
		}
	}
}
