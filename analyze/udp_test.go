package analyze

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUDPRcvbufErrors(t *testing.T) {
	tests := []struct {
		name     string
		errs     []uint64
		rmemMax  string
		sev      Severity
		commands []string
	}{
		{"10 in the window", cumulative(0, 10), "212992", Critical, []string{"sysctl -w net.core.rmem_max=16777216", "ss -uanm"}},
		{"9 in one interval", cumulative(0, 9), "212992", Warning, []string{"sysctl -w net.core.rmem_max=16777216", "ss -uanm"}},
		{"rmem_max above the floor is doubled", cumulative(0, 10), "33554432", Critical, []string{"sysctl -w net.core.rmem_max=67108864", "ss -uanm"}},
		{"rmem_max unreadable", cumulative(0, 10), "", Critical, []string{"ss -uanm"}},
		{"since boot, 1,000", []uint64{1000}, "212992", Warning, []string{"sysctl -w net.core.rmem_max=16777216", "ss -uanm"}},
		{"since boot, 999", []uint64{999}, "212992", Info, []string{"sysctl -w net.core.rmem_max=16777216", "ss -uanm"}},
		{"none", cumulative(50, 0), "212992", 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScene(len(tc.errs), time.Second).snmp("Udp.RcvbufErrors", tc.errs).snmp("Udp.InDatagrams", steady(0, 1000, len(tc.errs)))
			if tc.rmemMax != "" {
				sc.sysctl("net.core.rmem_max", tc.rmemMax)
			}
			fs := byID(sc.analyze(Options{}), "udp.rcvbuf_errors")
			if tc.sev == 0 {
				if len(fs) != 0 {
					t.Errorf("unexpected: %s", fs[0].Summary)
				}
				return
			}
			if len(fs) != 1 || fs[0].Severity != tc.sev {
				t.Fatalf("want one %s finding, got %+v", tc.sev, fs)
			}
			if d := cmp.Diff(tc.commands, commands(fs[0])); d != "" {
				t.Errorf("commands (-want +got):\n%s", d)
			}
		})
	}
	// The ratio to received datagrams is evidence.
	sc := newScene(2, time.Second).snmp("Udp.RcvbufErrors", cumulative(0, 10)).snmp("Udp.InDatagrams", cumulative(0, 1000))
	if got := evidenceValue(t, only(t, sc.analyze(Options{}), "udp.rcvbuf_errors"), "dropped per received datagram"); got != 0.01 {
		t.Errorf("ratio = %v, want 0.01", got)
	}
}
