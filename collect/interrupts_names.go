package collect

import "strings"

// Network drivers name their MSI-X vectors with request_irq's name argument,
// so the action names in proc/interrupts say which interface queue a vector
// serves. The patterns recognised, by driver (sources under
// https://github.com/torvalds/linux/blob/master/drivers/net/ethernet/):
//
//	eth0-TxRx-3                     igb, igc, ixgbe, ixgbevf, bnxt_en ("%s-TxRx-%u")
//	eth0-rx-0, eth0-tx-0            e1000e, igb/ixgbe unpaired vectors, tg3, qlcnic
//	eth0-tx-0-rx-3                  qlcnic: a vector serving tx ring 0 and rx ring 3 (Queue 3)
//	i40e-eth0-TxRx-3                i40e, ice, iavf: "<driver>-<ifname>-TxRx-N"
//	i40e-0000:01:00.0:misc          i40e/ice device vectors (misc, fdir sideband): not a queue
//	hns3-0000:7d:00.0-TxRx-0        hns3: PCI address instead of the interface name
//	eth0-Tx-Rx-0                    ena
//	eth0-rxtx-0, eth0-txrx-0        vmxnet3, nfp; tg3
//	eth0-fp-0                       bnx2x, qede fast-path
//	eth1-0                          bnx2, old mlx4_en, sfc: ring N
//	eth4-q0                         be2net event queue N
//	mlx5_comp3@pci:0000:01:00.0     mlx5 completion EQ 3 (NIC "mlx5@0000:01:00.0", Kind "comp")
//	mlx4-comp-0@pci:0000:04:00.0    mlx4 completion EQ (also the older "mlx4-3@0000:04:00.0")
//	gve-ntfy-blk2@pci:0000:00:04.0  gve notification block 2 (Kind "ntfy")
//	mlx5_async_eq@pci:…, ena-mgmnt@pci:…, gve-mgmnt@pci:…   device vectors: not a queue
//	virtio3-input.0, virtio3-output.0   virtio_net receive/transmit queue 0 (NIC "virtio3")
//	eth0, skge@pci:0000:05:00.0     a vector named after the device alone: see resolveSingleVectors
//
// Kinds: "TxRx" (a vector serving a receive and a transmit ring), "rx",
// "tx", "comp", "ntfy", "input", "output", and "single" (the NIC's only
// vector). A recognised vector that is not a data queue keeps its NIC with
// Queue -1 and Kind "".
//
// The parser only sees names, so an interface-named vector is recognised
// when the name looks like an interface (looksLikeIface: ethN, emN, pNpM,
// systemd's enoN/ensN/enpNsM/enx…); NICIRQs also knows the host's interface
// names and recognises vectors of renamed interfaces ("lan0-rx-0") there.
// Storage and other devices (nvme0q3, ahci, xhci_hcd, hpsa0-msix3,
// virtio1-req.0, i915) are not NICs. Whether a virtio device is a network
// device is not in its vector names: virtioN input/output queues keep NIC
// "virtioN" and NICIRQs keeps them only for a virtio_net interface.

// classifyDevice returns the NIC, queue and kind of the first action in an
// IRQ's action list ("uhci_hcd:usb1, eth0, eth1") that names a network
// device. isIface says whether a name is an interface's.
func classifyDevice(device string, isIface func(string) bool) (nic string, queue int, kind string) {
	for device != "" {
		action, rest, _ := strings.Cut(device, ", ")
		if nic, queue, kind = classifyAction(action, isIface); nic != "" {
			return nic, queue, kind
		}
		device = rest
	}
	return "", -1, ""
}

// classifyAction recognises one action name; see the table above.
func classifyAction(a string, isIface func(string) bool) (nic string, queue int, kind string) {
	if at := strings.LastIndexByte(a, '@'); at > 0 {
		addr := strings.TrimPrefix(a[at+1:], "pci:")
		if !isPCIAddr(addr) {
			return "", -1, ""
		}
		return classifyAtPCI(a[:at], addr)
	}
	if drv, rest, ok := cutDriverPrefix(a); ok {
		if addr, after, ok := cutPCIAddr(rest); ok {
			if strings.HasPrefix(after, "-") { // hns3-0000:7d:00.0-TxRx-0
				if _, q, k, ok := cutQueueSuffix(drv + after); ok {
					return drv + "@" + addr, q, k
				}
			}
			return drv + "@" + addr, -1, "" // i40e-0000:01:00.0:misc, :fdir-TxRx-0
		}
		a = rest // i40e-eth0-TxRx-3
	}
	if dev, q, k, ok := virtioQueue(a); ok {
		return dev, q, k
	}
	if name, q, k, ok := cutQueueSuffix(a); ok {
		// "-TxRx-N" and its spellings are NIC vocabulary; "-rx-N", "-N" and
		// "-qN" are not distinctive, so they need a name that looks like an
		// interface.
		if k == "TxRx" && validIfaceName(name) && distinctiveTxRx(a, name) || isIface(name) {
			return name, q, k
		}
		return "", -1, ""
	}
	if isIface(a) {
		return a, 0, "single"
	}
	return "", -1, ""
}

// cutQueueSuffix splits "eth0-TxRx-3" into "eth0", 3, "TxRx". It recognises
// "-TxRx-N", "-txrx-N", "-rxtx-N", "-Tx-Rx-N", "-fp-N", "-rx-N", "-tx-N",
// "-tx-M-rx-N", "-qN" and "-N".
func cutQueueSuffix(a string) (name string, queue int, kind string, ok bool) {
	dash := strings.LastIndexByte(a, '-')
	if dash <= 0 {
		return "", -1, "", false
	}
	num := a[dash+1:]
	p := a[:dash]
	if strings.HasPrefix(num, "q") && isDigits(num[1:]) { // be2net
		return p, atoiSmall(num[1:]), "TxRx", true
	}
	if !isDigits(num) || len(num) > 5 {
		return "", -1, "", false
	}
	q := atoiSmall(num)
	for _, s := range [...]struct{ suffix, kind string }{
		{"-TxRx", "TxRx"}, {"-txrx", "TxRx"}, {"-rxtx", "TxRx"}, {"-Tx-Rx", "TxRx"},
		{"-fp", "TxRx"}, {"-rx", "rx"}, {"-tx", "tx"},
	} {
		if name, ok := strings.CutSuffix(p, s.suffix); ok && name != "" {
			if s.kind == "rx" {
				// qlcnic "eth0-tx-0-rx-3": tx ring 0 and rx ring 3 on one vector.
				if d := strings.LastIndexByte(name, '-'); d > 0 && isDigits(name[d+1:]) {
					if base, ok := strings.CutSuffix(name[:d], "-tx"); ok && base != "" {
						return base, q, "TxRx", true
					}
				}
			}
			return name, q, s.kind, true
		}
	}
	return p, q, "TxRx", true // bnx2, mlx4_en, sfc: "eth1-0"
}

// distinctiveTxRx reports whether a's kind was spelt out (not the bare "-N"
// or "-qN" forms, which say nothing about networking).
func distinctiveTxRx(a, name string) bool {
	k := a[len(name):]
	return !isDigits(strings.TrimPrefix(strings.TrimPrefix(k, "-"), "q"))
}

// classifyAtPCI handles "<name>@pci:<addr>" vectors of PCI network drivers.
func classifyAtPCI(name, addr string) (nic string, queue int, kind string) {
	switch {
	case strings.HasPrefix(name, "mlx5_"):
		if n, ok := strings.CutPrefix(name, "mlx5_comp"); ok && isDigits(n) {
			return "mlx5@" + addr, atoiSmall(n), "comp"
		}
		return "mlx5@" + addr, -1, ""
	case strings.HasPrefix(name, "mlx4-"):
		n := strings.TrimPrefix(strings.TrimPrefix(name, "mlx4-"), "comp-")
		if isDigits(n) {
			return "mlx4@" + addr, atoiSmall(n), "comp"
		}
		return "mlx4@" + addr, -1, ""
	case strings.HasPrefix(name, "gve-"):
		if n, ok := strings.CutPrefix(name, "gve-ntfy-blk"); ok && isDigits(n) {
			return "gve@" + addr, atoiSmall(n), "ntfy"
		}
		return "gve@" + addr, -1, ""
	case strings.HasPrefix(name, "ena-"):
		return "ena@" + addr, -1, "" // ena-mgmnt; data vectors carry the interface name
	case name == "skge" || name == "sky2":
		return name + "@" + addr, 0, "single"
	}
	return "", -1, ""
}

// cutDriverPrefix splits "i40e-eth0-TxRx-3" into "i40e" and "eth0-TxRx-3"
// for the drivers that prefix their vector names with their own name.
func cutDriverPrefix(a string) (drv, rest string, ok bool) {
	for _, d := range [...]string{"i40e", "ice", "iavf", "i40evf", "hns3"} {
		if rest, ok := strings.CutPrefix(a, d+"-"); ok && rest != "" {
			return d, rest, true
		}
	}
	return "", "", false
}

// virtioQueue recognises virtio_net's "virtio3-input.0" and
// "virtio3-output.0" (vq names "input.%d"/"output.%d" in
// drivers/net/virtio_net.c). virtio_console's unnumbered "input"/"output"
// are not network queues.
func virtioQueue(a string) (dev string, queue int, kind string, ok bool) {
	dev, vq, found := strings.Cut(a, "-")
	if !found || !strings.HasPrefix(dev, "virtio") || !isDigits(dev[len("virtio"):]) {
		return "", -1, "", false
	}
	kind, num, found := strings.Cut(vq, ".")
	if !found || (kind != "input" && kind != "output") || !isDigits(num) || len(num) > 5 {
		return "", -1, "", false
	}
	return dev, atoiSmall(num), kind, true
}

// isPCIAddr matches a PCI device address "0000:01:00.0" (domain of 4 or
// more hex digits, as VMD domains have 5).
func isPCIAddr(s string) bool {
	addr, rest, ok := cutPCIAddr(s)
	return ok && addr == s && rest == ""
}

// cutPCIAddr splits a leading PCI address off s.
func cutPCIAddr(s string) (addr, rest string, ok bool) {
	i := 0
	for i < len(s) && isHex(s[i]) {
		i++
	}
	if i < 4 || len(s) < i+8 || s[i] != ':' || !isHex(s[i+1]) || !isHex(s[i+2]) || s[i+3] != ':' ||
		!isHex(s[i+4]) || !isHex(s[i+5]) || s[i+6] != '.' || s[i+7] < '0' || s[i+7] > '7' {
		return "", s, false
	}
	return s[:i+8], s[i+8:], true
}

// isHex accepts lower-case hex only: the PCI core prints addresses with
// "%04x:%02x:%02x.%d" (drivers/pci/probe.c), in sysfs and in IRQ names.
func isHex(c byte) bool { return c-'0' <= 9 || c-'a' <= 5 }

// looksLikeIface reports whether a bare name follows the usual interface
// naming: the kernel's ethN, biosdevname's emN and pNpM, or systemd's
// predictable names (eno1, ens1f0, enp1s0f0np0, enP2p1s0, enx00155d…, enX0).
func looksLikeIface(s string) bool {
	if len(s) > 15 {
		return false
	}
	if n, ok := strings.CutPrefix(s, "eth"); ok {
		return isDigits(n)
	}
	if n, ok := strings.CutPrefix(s, "em"); ok {
		return isDigits(n)
	}
	if len(s) >= 4 && s[:2] == "en" && strings.IndexByte("ospxPXc", s[2]) >= 0 {
		digit := false
		for _, c := range []byte(s[3:]) {
			switch {
			case c-'0' <= 9:
				digit = true
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
			default:
				return false
			}
		}
		return digit && (s[3]-'0' <= 9 || s[2] == 'x' || s[2] == 'P')
	}
	if n, ok := strings.CutPrefix(s, "p"); ok {
		a, b, ok := strings.Cut(n, "p")
		b, _, _ = strings.Cut(b, "_")
		return ok && isDigits(a) && isDigits(b)
	}
	return false
}

// validIfaceName is the kernel's dev_valid_name: 1-15 bytes, not "." or
// "..", no '/', ':' or white space.
func validIfaceName(s string) bool {
	return s != "" && len(s) <= 15 && s != "." && s != ".." && !strings.ContainsAny(s, "/: \t\n")
}

// atoiSmall converts a short digit string (checked by the caller).
func atoiSmall(s string) int {
	n := 0
	for _, c := range []byte(s) {
		n = n*10 + int(c-'0')
		if n > 1<<20 {
			return 1 << 20
		}
	}
	return n
}

// resolveSingleVectors settles the vectors named after a device alone
// ("eth0", "skge@pci:…"), which the name cannot settle: igb, ixgbe and
// e1000e name their link ("other") vector so, next to per-queue vectors,
// while a single-vector NIC (e1000, r8169, a legacy INTx line) names its only
// vector so. When the same NIC has queue vectors in the file, the bare one is
// its link vector (Queue -1, Kind ""); otherwise it serves the NIC's only
// queue: Queue 0, Kind "single".
func resolveSingleVectors(lines []IRQLine) {
	singles := false
	for i := range lines {
		if lines[i].Kind == "single" {
			singles = true
			break
		}
	}
	if !singles {
		return
	}
	queued := map[string]bool{}
	for i := range lines {
		if k := lines[i].Kind; k != "" && k != "single" {
			queued[lines[i].NIC] = true
		}
	}
	for i := range lines {
		if lines[i].Kind == "single" && queued[lines[i].NIC] {
			lines[i].Queue, lines[i].Kind = -1, ""
		}
	}
}
