package copy

import (
	"encoding/binary"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// cmsg builds one control message as the kernel lays it out.
func cmsg(level, typ int32, data []byte) []byte {
	b := make([]byte, unix.CmsgSpace(len(data)))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = level, typ
	h.SetLen(unix.CmsgLen(len(data)))
	copy(b[unix.CmsgLen(0):], data)
	return b
}

// extErr is struct sock_extended_err.
func extErr(errno uint32, origin, code uint8, info, data uint32) []byte {
	b := make([]byte, 16)
	e := binary.NativeEndian
	e.PutUint32(b[0:], errno)
	b[4], b[6] = origin, code
	e.PutUint32(b[8:], info)
	e.PutUint32(b[12:], data)
	return b
}

func TestParseCompletions(t *testing.T) {
	zc := uint8(unix.SO_EE_ORIGIN_ZEROCOPY)
	copied := uint8(unix.SO_EE_CODE_ZEROCOPY_COPIED)
	tests := []struct {
		name               string
		oob                []byte
		wantDone, wantCopy int64
		wantErr            string
	}{
		{"one send", cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(0, zc, 0, 7, 7)), 1, 0, ""},
		{"merged range", cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(0, zc, 0, 10, 73)), 64, 0, ""},
		{"copied by the kernel", cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(0, zc, copied, 0, 3)), 4, 4, ""},
		{"ipv6", cmsg(unix.SOL_IPV6, unix.IPV6_RECVERR, extErr(0, zc, 0, 0, 1)), 2, 0, ""},
		{"id wraps", cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(0, zc, 0, 0xfffffffe, 1)), 4, 0, ""},
		{"two messages", append(cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(0, zc, copied, 0, 1)),
			cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(0, zc, 0, 2, 2))...), 3, 2, ""},
		{"unrelated message ignored", cmsg(unix.SOL_SOCKET, unix.SCM_TIMESTAMP, make([]byte, 16)), 0, 0, ""},
		{"socket error, not a completion", cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(uint32(unix.EHOSTUNREACH), 2, 0, 0, 0)), 0, 0, "no route to host"},
		{"short payload", cmsg(unix.SOL_IP, unix.IP_RECVERR, make([]byte, 8)), 0, 0, "short sock_extended_err: 8 bytes"},
		{"cut short", cmsg(unix.SOL_IP, unix.IP_RECVERR, extErr(0, zc, 0, 0, 0))[:unix.CmsgLen(0)+4], 0, 0, "parse error-queue message"},
		{"less than a header", []byte{1, 2, 3}, 0, 0, ""},
		{"empty", nil, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done, cp, err := parseCompletions(tt.oob)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if done != tt.wantDone || cp != tt.wantCopy {
				t.Errorf("done, copied = %d, %d; want %d, %d", done, cp, tt.wantDone, tt.wantCopy)
			}
		})
	}
}
