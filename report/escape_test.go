package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Names with the characters HTML gives a meaning to. Linux refuses only
// '/', ':' and whitespace in an interface name (dev_valid_name,
// https://github.com/torvalds/linux/blob/master/net/core/dev.c), so these
// are real interface and bond names; the fake tags xx, yy, zz and ww must
// never become elements.
const (
	evilIface = `e<xx>&"1`
	evilBond  = `b<yy>&"0`
	evilSlave = `s<zz>&'1`
	evilHost  = `h<ww>&"1`
)

// writeFiles writes name → content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// evilRecording writes a two-snapshot recording of a host whose interface,
// bond, slave and host names hold markup: the NIC's queues interrupt, it
// drops packets, its ring is small, and one bond slave is down, so the
// names reach the findings, the heat map (SVG text), the NIC plot's legend
// (SVG text), the bonding table and the configuration.
func evilRecording(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "evil")
	writeFiles(t, dir, map[string]string{"meta.json": fmt.Sprintf(`{"format":"netvet-recording/1","host":%q,"kernel":"6.1.0","interval_ms":1000,
"snapshots":[{"dir":"0000","time":"2026-11-25T10:00:00Z"},{"dir":"0001","time":"2026-11-25T10:00:01Z"}]}`, evilHost)})
	for i, k := range []uint64{1, 2} {
		snap := fmt.Sprintf("%04d/", i)
		writeFiles(t, dir, map[string]string{
			snap + "netvet/host.json": fmt.Sprintf(`{"hostname":%q,"kernel":"6.1.0","boot_id":"b1","cpus":2,"time":"2026-11-25T10:00:0%dZ"}`, evilHost, i),
			snap + "proc/interrupts": fmt.Sprintf("           CPU0       CPU1\n"+
				" 40: %10d %10d  PCI-MSI 524288-edge      %s-TxRx-0\n"+
				" 41: %10d %10d  PCI-MSI 524289-edge      %s-TxRx-1\n", 1000*k, 10*k, evilIface, 5*k, 900*k, evilIface),
			snap + "proc/net/softnet_stat": fmt.Sprintf("%08x 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n"+
				"%08x 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001\n", 1000*k, 2000*k),
			snap + "proc/net/dev": "Inter-|   Receive                                                |  Transmit\n" +
				" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n" +
				fmt.Sprintf("%s: %d %d 0 %d 0 0 0 0 %d %d 0 0 0 0 0 0\n", evilIface, 100000*k, 1000*k, 7*k, 20000*k, 200*k),
			snap + "netvet/ethtool/" + evilIface + ".json": fmt.Sprintf(`{"driver":"ixgbe","bus":"0000:03:00.0","rings":{"rx":128,"rx_max":4096,"tx":512,"tx_max":4096},"stats":[["rx_packets",%d]]}`, 1000*k),
			snap + "proc/net/bonding/" + evilBond: "Ethernet Channel Bonding Driver: v3.7.1 (April 27, 2011)\n\n" +
				"Bonding Mode: fault-tolerance (active-backup)\nCurrently Active Slave: " + evilIface + "\nMII Status: up\nMII Polling Interval (ms): 100\nUp Delay (ms): 0\nDown Delay (ms): 0\n\n" +
				"Slave Interface: " + evilIface + "\nMII Status: up\nSpeed: 10000 Mbps\nDuplex: full\nLink Failure Count: 0\nPermanent HW addr: 00:11:22:33:44:55\nSlave queue ID: 0\n\n" +
				"Slave Interface: " + evilSlave + "\nMII Status: down\nSpeed: Unknown\nDuplex: Unknown\nLink Failure Count: 3\nPermanent HW addr: 00:11:22:33:44:56\nSlave queue ID: 0\n",
		})
	}
	return dir
}

// TestNamesWithMarkupRenderAsText renders the evil recording and checks
// that every name is text wherever it appears (HTML and the SVG text gonum
// writes), and never an element.
func TestNamesWithMarkupRenderAsText(t *testing.T) {
	r := build(t, evilRecording(t), Bench{})
	page := render(t, testPage(r))
	for _, raw := range []string{"<xx>", "<yy>", "<zz>", "<ww>"} {
		if strings.Contains(page, raw) {
			t.Errorf("the page holds %q unescaped", raw)
		}
	}
	doc, s := parsePage(t, page)
	walk(doc, func(n *html.Node) {
		switch n.Data {
		case "xx", "yy", "zz", "ww":
			t.Errorf("a name became the element <%s>", n.Data)
		}
	})
	if s.Title != "netvet report: "+evilHost {
		t.Errorf("title %q, want the host name as text", s.Title)
	}
	if len(s.Bonds) != 1 || s.Bonds[0] != evilBond {
		t.Errorf("bonds %q, want [%q]", s.Bonds, evilBond)
	}
	wantFindings := map[string]bool{
		"warning bond.slave_down " + evilBond + "/" + evilSlave: false, // one snapshot is enough for a slave that is down
		"info nic.ring_small " + evilIface:                      false,
	}
	for _, f := range s.Findings {
		for w := range wantFindings {
			if strings.HasSuffix(f, strings.SplitN(w, " ", 2)[1]) {
				wantFindings[w] = true
			}
		}
	}
	for w, found := range wantFindings {
		if !found {
			t.Errorf("no finding %q with the name as its subject; findings: %q", w, s.Findings)
		}
	}
	// The SVG text: the heat map's queue labels and the NIC plot's legend.
	var svgText []string
	walk(doc, func(n *html.Node) {
		if n.Data == "text" && n.Namespace == "svg" {
			svgText = append(svgText, text(n))
		}
	})
	for _, want := range []string{evilIface + " TxRx-0", evilIface + " TxRx-1", evilIface} {
		if !containsText(svgText, want) {
			t.Errorf("no SVG text %q; SVG texts: %q", want, svgText)
		}
	}
	// The bonding table and the configuration carry the names as cell text.
	var cells []string
	walk(doc, func(n *html.Node) {
		if n.DataAtom == atom.Td || n.DataAtom == atom.Pre {
			cells = append(cells, text(n))
		}
	})
	for _, want := range []string{evilSlave, "ethtool -G '" + evilIface + "' rx 1024"} {
		if !containsPrefix(cells, want) {
			t.Errorf("no table cell or command %q", want)
		}
	}
}

func containsText(xs []string, want string) bool {
	for _, x := range xs {
		if x == want {
			return true
		}
	}
	return false
}

func containsPrefix(xs []string, want string) bool {
	for _, x := range xs {
		if strings.Contains(x, want) {
			return true
		}
	}
	return false
}
