package collect

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// irqRow builds the IRQLine of a numbered row.
func irqRow(num int, chip, hwirq, device, nic string, queue int, kind string) IRQLine {
	return IRQLine{IRQ: strconv.Itoa(num), Num: num, Chip: chip, HWIRQ: hwirq, Device: device, NIC: nic, Queue: queue, Kind: kind}
}

// sumRow builds the IRQLine of an architecture summary row.
func sumRow(label, desc string) IRQLine {
	return IRQLine{IRQ: label, Num: -1, Desc: desc, Queue: -1}
}

func TestParseInterruptsFormats(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Interrupts
	}{{
		name: "x86 6.x: chip, hwirq-handler, actions; CPU2 offline; ERR and MIS hold one value",
		in: `            CPU0       CPU1       CPU3
  24:          1          0          7  IO-APIC   5-edge      ACPI:Ged
  38:          0       4515          0  PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0
  45:          0          0          0  IR-PCI-MSI 524288-edge
 NMI:          3          4          5   Non-maskable interrupts
 ERR:         17
 MIS:          0
 PIN:          0          0          0   Posted-interrupt notification event
`,
		want: &Interrupts{
			CPUs: []int{0, 1, 3},
			Lines: []IRQLine{
				irqRow(24, "IO-APIC", "5-edge", "ACPI:Ged", "", -1, ""),
				irqRow(38, "PCI-MSIX-0000:00:03.0", "1-edge", "virtio2-input.0", "virtio2", 0, "input"),
				irqRow(45, "IR-PCI-MSI", "524288-edge", "", "", -1, ""),
				sumRow("NMI", "Non-maskable interrupts"),
				sumRow("ERR", ""),
				sumRow("MIS", ""),
				sumRow("PIN", "Posted-interrupt notification event"),
			},
			Counts: []uint64{1, 0, 7, 0, 4515, 0, 0, 0, 0, 3, 4, 5, 17, 0, 0, 0, 0, 0, 0, 0, 0},
		},
	}, {
		name: "2.6/3.10: chip and handler fused, shared legacy line, trailing blanks, no action",
		in: `           CPU0       CPU1       
  0:       7597       7498   IO-APIC-edge      timer
  3:          1          0   IO-APIC-edge    
 11:      12345        678   IO-APIC-fasteoi   uhci_hcd:usb1, eth0, eth1
 91: 4294967295          0   IR-PCI-MSI-edge      eth2-tx-0-rx-3
`,
		want: &Interrupts{
			CPUs: []int{0, 1},
			Lines: []IRQLine{
				irqRow(0, "IO-APIC-edge", "", "timer", "", -1, ""),
				irqRow(3, "IO-APIC-edge", "", "", "", -1, ""),
				irqRow(11, "IO-APIC-fasteoi", "", "uhci_hcd:usb1, eth0, eth1", "eth0", 0, "single"),
				irqRow(91, "IR-PCI-MSI-edge", "", "eth2-tx-0-rx-3", "eth2", 3, "TxRx"),
			},
			Counts: []uint64{7597, 7498, 1, 0, 12345, 678, 4294967295, 0},
		},
	}, {
		name: "arm64 GICv3/ITS: hwirq and Level/Edge; IPI count touching the colon; Err; a line of spaces",
		in: `          CPU0       CPU1
 10: 3287008667 3310445093     GICv3  27 Level     arch_timer
 58:          0 1195697946   ITS-MSI 81921 Edge      eth0-Tx-Rx-0
IPI0:2768808080 2844211768       Rescheduling interrupts
Err:          0
                                                                              
`,
		want: &Interrupts{
			CPUs: []int{0, 1},
			Lines: []IRQLine{
				irqRow(10, "GICv3", "27 Level", "arch_timer", "", -1, ""),
				irqRow(58, "ITS-MSI", "81921 Edge", "eth0-Tx-Rx-0", "eth0", 0, "TxRx"),
				sumRow("IPI0", "Rescheduling interrupts"),
				sumRow("Err", ""),
			},
			Counts: []uint64{3287008667, 3310445093, 0, 1195697946, 2768808080, 2844211768, 0, 0},
		},
	}, {
		name: "arm32 Raspberry Pi: FIQ has no count; action names with spaces; tabs and CRLF",
		in: "     CPU0       CPU1\r\n" +
			" 24:          2          0  ARMCTRL-level   2 Edge      VCHIQ doorbell\r\n" +
			"\t 62:  521451447          0  ARMCTRL-level  64 Edge      dwc_otg, dwc_otg_pcd, dwc_otg_hcd:usb1\r\n" +
			" FIQ:              usb_fiq\r\n" +
			"IPI2:  23564958   23464876  Rescheduling interrupts\r\n",
		want: &Interrupts{
			CPUs: []int{0, 1},
			Lines: []IRQLine{
				irqRow(24, "ARMCTRL-level", "2 Edge", "VCHIQ doorbell", "", -1, ""),
				irqRow(62, "ARMCTRL-level", "64 Edge", "dwc_otg, dwc_otg_pcd, dwc_otg_hcd:usb1", "", -1, ""),
				{IRQ: "FIQ", Num: -1, Device: "usb_fiq", Queue: -1},
				sumRow("IPI2", "Rescheduling interrupts"),
			},
			Counts: []uint64{2, 0, 521451447, 0, 0, 0, 23564958, 23464876},
		},
	}, {
		name: "bare interface name: link vector beside queue vectors, only vector otherwise",
		in: `           CPU0
 44:        151   IR-PCI-MSI 1-edge      eth0
 45:          9   IR-PCI-MSI 2-edge      eth0-TxRx-0
 60:          7   IR-PCI-MSI 3-edge      enp6s0
 61:          5   IO-APIC  19-fasteoi   skge@pci:0000:05:00.0
`,
		want: &Interrupts{
			CPUs: []int{0},
			Lines: []IRQLine{
				irqRow(44, "IR-PCI-MSI", "1-edge", "eth0", "eth0", -1, ""),
				irqRow(45, "IR-PCI-MSI", "2-edge", "eth0-TxRx-0", "eth0", 0, "TxRx"),
				irqRow(60, "IR-PCI-MSI", "3-edge", "enp6s0", "enp6s0", 0, "single"),
				irqRow(61, "IO-APIC", "19-fasteoi", "skge@pci:0000:05:00.0", "skge@0000:05:00.0", 0, "single"),
			},
			Counts: []uint64{151, 9, 7, 5},
		},
	}, {
		name: "header only",
		in:   "           CPU0       CPU1\n",
		want: &Interrupts{CPUs: []int{0, 1}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseInterrupts("proc/interrupts", []byte(tt.in), nil)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parse (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseInterruptsBadInput checks that bad input gives a ParseError naming
// the line, and that every other row is still returned.
func TestParseInterruptsBadInput(t *testing.T) {
	const hdr = "           CPU0       CPU1\n"
	const good = "  1:          5          6   IO-APIC   1-edge      i8042\n"
	tests := []struct {
		name     string
		in       string
		wantErr  string // substring of the error; "" for none
		wantLine int    // ParseError.Line
		wantIRQs []string
		wantNil  bool // no data at all
	}{
		{name: "empty file", in: "", wantErr: "no CPU header", wantNil: true},
		{name: "blank lines only", in: "\n   \n", wantErr: "no CPU header", wantNil: true},
		{name: "header with 0 CPUs", in: "   HI LO\n" + good, wantErr: `"HI" is not a CPU column`, wantLine: 1, wantNil: true},
		{name: "header line without CPUs, rows follow", in: "\n     \n" + good, wantErr: `"1:" is not a CPU column`, wantLine: 3, wantNil: true},
		{name: "header CPUs not ascending", in: "   CPU1  CPU0\n" + good, wantErr: "CPU0 after CPU1", wantLine: 1, wantNil: true},
		{name: "header CPU beyond NR_CPUS", in: "   CPU0  CPU8192\n" + good, wantErr: "not a CPU column", wantLine: 1, wantNil: true},
		{name: "count above 2^64-1", in: hdr + "  0: 18446744073709551616 0 IO-APIC 2-edge timer\n" + good,
			wantErr: "above 2^64-1", wantLine: 2, wantIRQs: []string{"1"}},
		{name: "non-numeric count", in: hdr + "  0:     12x4       0   IO-APIC 2-edge timer\n" + good,
			wantErr: `count "12x4`, wantLine: 2, wantIRQs: []string{"1"}},
		{name: "truncated row", in: hdr + good + "  7:        1\n NMI:   1   2   Non-maskable interrupts\n",
			wantErr: "IRQ 7: 1 counts for 2 CPUs", wantLine: 3, wantIRQs: []string{"1", "NMI"}},
		{name: "summary row missing a column", in: hdr + " LOC:   55   Local timer interrupts\n" + good,
			wantErr: "IRQ LOC: 1 counts for 2 CPUs", wantLine: 2, wantIRQs: []string{"1"}},
		{name: "extra column", in: hdr + "  0:   1   2   3   IO-APIC 2-edge timer\n" + good,
			wantErr: "more counts than the 2 CPUs", wantLine: 2, wantIRQs: []string{"1"}},
		{name: "no label", in: hdr + good + "   5   6   IO-APIC 2-edge timer\n",
			wantErr: `no "IRQ:" label`, wantLine: 3, wantIRQs: []string{"1"}},
		{name: "label with a space", in: hdr + "LO C:   1   2   x\n" + good,
			wantErr: `bad IRQ label "LO C"`, wantLine: 2, wantIRQs: []string{"1"}},
		{name: "ERR twice", in: hdr + "ERR:   1\n" + good + "ERR:   2\n",
			wantErr: "IRQ ERR: repeated", wantLine: 4, wantIRQs: []string{"ERR", "1"}},
		{name: "FIQ with a count", in: hdr + " FIQ:   5  usb_fiq\n" + good,
			wantErr: "IRQ FIQ: 1 counts for 2 CPUs", wantLine: 2, wantIRQs: []string{"1"}},
		{name: "uint64 max is a value", in: hdr + "  0: 18446744073709551615 0 IO-APIC 2-edge timer\n",
			wantIRQs: []string{"0"}},
		{name: "leading zeros are not an overflow", in: hdr + "  0: 000000000000000000001 0 IO-APIC 2-edge timer\n",
			wantIRQs: []string{"0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseInterrupts("proc/interrupts", []byte(tt.in), nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("error: %v", err)
				}
			} else {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("error %v is not a *ParseError", err)
				}
				if pe.Path != "proc/interrupts" || pe.Line != tt.wantLine || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %q (line %d), want line %d containing %q", err, pe.Line, tt.wantLine, tt.wantErr)
				}
			}
			if tt.wantNil {
				if got != nil {
					t.Errorf("got data %+v, want none", got)
				}
				return
			}
			var irqs []string
			for _, l := range got.Lines {
				irqs = append(irqs, l.IRQ)
			}
			if diff := cmp.Diff(tt.wantIRQs, irqs); diff != "" {
				t.Errorf("rows kept (-want +got):\n%s", diff)
			}
			if len(got.Counts) != len(got.Lines)*len(got.CPUs) {
				t.Errorf("len(Counts) = %d, want %d", len(got.Counts), len(got.Lines)*len(got.CPUs))
			}
		})
	}
}

func TestParseInterruptsValues(t *testing.T) {
	got, err := parseInterrupts("proc/interrupts", []byte(
		"  CPU0 CPU1\n 0: 18446744073709551615 000000000000000000001 IO-APIC 2-edge timer\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]uint64{math.MaxUint64, 1}, got.Counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

// TestParseInterrupts4096CPUs: a header of 4096 CPUs (a big NUMA box) with
// rows of 4096 counts.
func TestParseInterrupts4096CPUs(t *testing.T) {
	const n = 4096
	var b strings.Builder
	b.WriteString("     ")
	for c := range n {
		b.WriteString("CPU" + strconv.Itoa(c) + "       ")
	}
	b.WriteString("\n 42:")
	for c := range n {
		b.WriteString(" " + strconv.Itoa(c))
	}
	b.WriteString("  IR-PCI-MSIX-0000:3b:00.0  7-edge  eth0-TxRx-7\n ERR:  3\n")
	got, err := parseInterrupts("proc/interrupts", []byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.CPUs) != n || got.CPUs[n-1] != n-1 || len(got.Lines) != 2 {
		t.Fatalf("got %d CPUs, %d lines", len(got.CPUs), len(got.Lines))
	}
	for c, v := range got.Row(0) {
		if v != uint64(c) {
			t.Fatalf("row 0 column %d = %d, want %d", c, v, c)
		}
	}
	if got.Row(1)[0] != 3 || got.Total(1) != 3 || got.Lines[1].PerCPU() || !got.Lines[0].PerCPU() {
		t.Errorf("ERR row: %v…, total %d, PerCPU %v", got.Row(1)[:2], got.Total(1), got.Lines[1].PerCPU())
	}
	if l := got.Lines[0]; l.NIC != "eth0" || l.Queue != 7 || l.Kind != "TxRx" {
		t.Errorf("line 0 = %+v", l)
	}
}

// readTestdata returns testdata/interrupts/<name>.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "interrupts", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseInterruptsRealWorld parses every real file: no error, one line
// per non-blank row, and values read straight from the files.
func TestParseInterruptsRealWorld(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "interrupts", "*"))
	if err != nil || len(files) < 25 {
		t.Fatalf("testdata: %d files, %v", len(files), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		if name == "README.md" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, name)
			got, err := parseInterrupts("proc/interrupts", data, nil)
			if err != nil {
				t.Fatal(err)
			}
			rows := 0
			for i, l := range strings.Split(string(data), "\n") {
				if i > 0 && strings.TrimSpace(l) != "" {
					rows++
				}
			}
			if len(got.Lines) != rows || len(got.Counts) != rows*len(got.CPUs) {
				t.Errorf("%d lines, %d counts; want %d rows × %d CPUs", len(got.Lines), len(got.Counts), rows, len(got.CPUs))
			}
		})
	}

	type cell struct {
		file, irq string
		cpu       int
		want      uint64
	}
	for _, c := range []cell{
		{"netutils-linux_qlcnic-48cpu-all-queues-on-cpu0", "91", 0, 270815411},
		{"netutils-linux_qlcnic-48cpu-all-queues-on-cpu0", "91", 47, 0},
		{"node_exporter_aws-graviton-ena-8cpu", "IPI0", 0, 2768808080},
		{"node_exporter_aws-graviton-ena-8cpu", "65", 7, 1574978449},
		{"netutils-linux_i40e-e1000e-4cpu", "ERR", 0, 17},
		{"netutils-linux_i40e-e1000e-4cpu", "ERR", 3, 0},
		{"telegraf_raspberrypi-arm-4cpu-usb-nic-cpu0", "62", 0, 521451447},
		{"telegraf_raspberrypi-arm-4cpu-usb-nic-cpu0", "FIQ", 0, 0},
		{"netutils-linux_vscale-vm-1cpu", "LOC", 0, 45350286},
	} {
		got, err := parseInterrupts("proc/interrupts", readTestdata(t, c.file), nil)
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := countAt(got, c.irq, c.cpu); !ok || v != c.want {
			t.Errorf("%s: IRQ %s CPU%d = %d (found %v), want %d", c.file, c.irq, c.cpu, v, ok, c.want)
		}
	}
}

// countAt returns the count of row irq on CPU cpu.
func countAt(in *Interrupts, irq string, cpu int) (uint64, bool) {
	col := -1
	for i, c := range in.CPUs {
		if c == cpu {
			col = i
		}
	}
	for i, l := range in.Lines {
		if l.IRQ == irq && col >= 0 {
			return in.Row(i)[col], true
		}
	}
	return 0, false
}
