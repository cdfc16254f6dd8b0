package accept

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNextRequest(t *testing.T) {
	const (
		wrkClose   = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n"
		http10Keep = "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
		otherClose = "GET / HTTP/1.1\r\nX-Note: close\r\n\r\n"
	)
	type result struct {
		N     int
		Close bool
	}
	tests := []struct {
		name string
		in   string
		want result
	}{
		{"ours, keep-alive", string(requestKeep), result{len(requestKeep), false}},
		{"ours, close", string(requestClose), result{len(requestClose), true}},
		{"wrk with -H 'Connection: close'", wrkClose, result{len(wrkClose), true}},
		{"header name and value in any case", "GET / HTTP/1.1\r\nCONNECTION: Close\r\n\r\n", result{37, true}},
		{"HTTP/1.0 closes by default", "GET / HTTP/1.0\r\n\r\n", result{18, true}},
		{"HTTP/1.0 keep-alive", http10Keep, result{len(http10Keep), false}},
		{"incomplete head", "GET / HTTP/1.1\r\nHost: x\r\n", result{0, false}},
		{"empty", "", result{0, false}},
		{"two pipelined: the first only", string(requestKeep) + string(requestClose), result{len(requestKeep), false}},
		{"close in another header's value is not a Connection header", otherClose, result{len(otherClose), false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, c := nextRequest([]byte(tt.in))
			if diff := cmp.Diff(tt.want, result{n, c}); diff != "" {
				t.Errorf("nextRequest(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestResponseHead(t *testing.T) {
	const nginx = "HTTP/1.1 200 OK\r\nServer: x\r\ncontent-length: 612\r\nConnection: keep-alive\r\n\r\n"
	type result struct {
		N, Body int
		Close   bool
		Err     bool
	}
	tests := []struct {
		name string
		in   string
		want result
	}{
		{"ours, keep-alive", string(responseKeep), result{len(responseKeep) - 2, 2, false, false}},
		{"ours, close", string(responseClose), result{len(responseClose) - 2, 2, true, false}},
		{"nginx-like", nginx, result{len(nginx), 612, false, false}},
		{"HTTP/1.0 closes", "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", result{38, 0, true, false}},
		{"no Content-Length: framed by close", "HTTP/1.1 200 OK\r\n\r\n", result{19, -1, false, false}},
		{"incomplete", "HTTP/1.1 200 OK\r\nContent-Len", result{0, 0, false, false}},
		{"not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", result{0, 0, false, true}},
		{"bad length", "HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", result{0, 0, false, true}},
		{"negative length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", result{0, 0, false, true}},
		{"head too long", "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", maxHead), result{0, 0, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, body, c, err := responseHead([]byte(tt.in))
			if diff := cmp.Diff(tt.want, result{n, body, c, err != nil}); diff != "" {
				t.Errorf("responseHead(%.60q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestContainsFoldDoesNotAllocate(t *testing.T) {
	b := []byte("Keep-Alive, CLOSE")
	if !containsFold(b, "close") || containsFold(b, "upgrade") {
		t.Fatal("containsFold gives wrong answers")
	}
	if n := testing.AllocsPerRun(100, func() { nextRequest(requestClose) }); n != 0 {
		t.Errorf("nextRequest allocates %v times per request; the server calls it on every request", n)
	}
}

// FuzzNextRequest: whatever a client sends, the server's parser neither
// panics nor claims more bytes than it was given.
func FuzzNextRequest(f *testing.F) {
	for _, s := range [][]byte{requestKeep, requestClose, []byte("GET / HTTP/1.0\r\n\r\n"),
		[]byte("GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n"), {}, []byte("\r\n\r\n")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, _ := nextRequest(b)
		if n < 0 || n > len(b) {
			t.Fatalf("nextRequest claims %d bytes of %d", n, len(b))
		}
		if n > 0 && !bytes.HasSuffix(b[:n], crlf2) {
			t.Fatalf("request head %q does not end with a blank line", b[:n])
		}
	})
}

// FuzzResponseHead: whatever a server sends, the generator's parser neither
// panics nor frames a response it cannot (negative body, head beyond input).
func FuzzResponseHead(f *testing.F) {
	for _, s := range [][]byte{responseKeep, responseClose, []byte("HTTP/1.0 200 OK\r\n\r\n"),
		[]byte("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: keep-alive\r\n\r\nnot found"), {}} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, body, _, err := responseHead(b)
		if err != nil {
			return
		}
		if n < 0 || n > len(b) || body < -1 {
			t.Fatalf("responseHead(%q) = %d, body %d", b, n, body)
		}
	})
}
