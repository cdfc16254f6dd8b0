package copy

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// FuzzParseSize: any string gives a size or an error naming it, never a
// panic; a size it accepts is never negative and survives FormatSize.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"4096", "64k", "128KiB", "1G", "1.5GiB", "500MB", "2GB", "1T", "", "G", "1.2.3k", "-1", "1e9", "9999999999999T", " 8B "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "size ") {
				t.Errorf("error %q does not name the size", err)
			}
			return
		}
		if n < 0 {
			t.Fatalf("ParseSize(%q) = %d", s, n)
		}
		// A whole number of units prints exactly and must read back
		// exactly; "1.5KiB" is rounded for people and need not.
		if txt := FormatSize(n); !strings.Contains(txt, ".") {
			if back, err := ParseSize(txt); err != nil || back != n {
				t.Errorf("FormatSize(%d) = %q reads back as %d, %v", n, txt, back, err)
			}
		}
	})
}

// FuzzParseCompletions: whatever bytes the error queue's control data
// holds, counting completions neither panics nor goes negative.
func FuzzParseCompletions(f *testing.F) {
	zc := uint8(unix.SO_EE_ORIGIN_ZEROCOPY)
	f.Add(cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(0, zc, 0, 7, 7)))
	f.Add(cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(0, zc, 1, 0xfffffffe, 1)))
	f.Add(cmsg(unix.SOL_IPV6, unix.IPV6_RECVERR, extErr(0, zc, 0, 0, 100)))
	f.Add(cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(113, 2, 0, 0, 0)))
	f.Add(cmsg(unix.SOL_IP, unix.IP_RECVERR, make([]byte, 8)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, oob []byte) {
		done, copied, err := parseCompletions(oob)
		if err != nil {
			return
		}
		if done < 0 || copied < 0 || copied > done {
			t.Errorf("done %d, copied %d", done, copied)
		}
	})
}
