package accept

import (
	"bytes"
	"errors"
	"strconv"
)

// The workload is the smallest HTTP/1.1 exchange, so that wrk can drive the
// same server (`make bench-peers`) and the generator can drive any HTTP
// server (`--target`). The server never looks at the method or the path: the
// benchmark is about getting connections to threads, not about parsing.
var (
	requestKeep  = []byte("GET / HTTP/1.1\r\nHost: netvet\r\n\r\n")
	requestClose = []byte("GET / HTTP/1.1\r\nHost: netvet\r\nConnection: close\r\n\r\n")
	responseKeep = []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	// responseClose tells the client the server closes next, as HTTP/1.1
	// requires when it answers a "Connection: close" request.
	responseClose = []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
)

// maxHead bounds a request or response head. Ours are ~60 bytes; a peer that
// sends more than this without a blank line is not speaking HTTP to us.
const maxHead = 8 << 10

var crlf2 = []byte("\r\n\r\n")

// nextRequest looks for one complete request head at the start of b. It
// returns the head's length (0 when b holds only part of one) and whether the
// client asked to close after the answer: "Connection: close", or HTTP/1.0
// without "Connection: keep-alive". Request bodies are not supported; neither
// our generator nor wrk's GET sends one.
func nextRequest(b []byte) (n int, closeConn bool) {
	end := bytes.Index(b, crlf2)
	if end < 0 {
		return 0, false
	}
	head := b[:end]
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	closeConn = bytes.HasSuffix(line, []byte("HTTP/1.0"))
	if v, ok := header(rest, "connection"); ok {
		switch {
		case containsFold(v, "close"):
			closeConn = true
		case containsFold(v, "keep-alive"):
			closeConn = false
		}
	}
	return end + len(crlf2), closeConn
}

// errBadResponse is a response the generator cannot frame.
var errBadResponse = errors.New("malformed HTTP response")

// responseHead parses a response head at the start of b. It returns the
// head's length (0 when incomplete), the body length from Content-Length,
// and whether the server announced that it closes. A response without
// Content-Length is framed by the close, as HTTP/1.1 says: body is -1.
func responseHead(b []byte) (n, body int, closeConn bool, err error) {
	end := bytes.Index(b, crlf2)
	if end < 0 {
		if len(b) >= maxHead {
			return 0, 0, false, errBadResponse
		}
		return 0, 0, false, nil
	}
	line, rest, _ := bytes.Cut(b[:end], []byte("\r\n"))
	if !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, 0, false, errBadResponse
	}
	closeConn = bytes.HasPrefix(line, []byte("HTTP/1.0"))
	if v, ok := header(rest, "connection"); ok {
		closeConn = containsFold(v, "close")
	}
	body = -1
	if v, ok := header(rest, "content-length"); ok {
		l, perr := strconv.Atoi(string(bytes.TrimSpace(v)))
		if perr != nil || l < 0 {
			return 0, 0, false, errBadResponse
		}
		body = l
	}
	return end + len(crlf2), body, closeConn, nil
}

// header returns the value of the first header named name (lower case) in
// the CRLF-separated lines of head.
func header(head []byte, name string) ([]byte, bool) {
	for len(head) > 0 {
		var line []byte
		line, head, _ = bytes.Cut(head, []byte("\r\n"))
		k, v, ok := bytes.Cut(line, []byte(":"))
		if ok && len(k) == len(name) && bytes.EqualFold(k, []byte(name)) {
			return bytes.TrimSpace(v), true
		}
	}
	return nil, false
}

// containsFold reports whether b contains s (lower-case ASCII) in any case,
// without allocating: the server calls it on every request.
func containsFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		j := 0
		for ; j < len(s); j++ {
			c := b[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != s[j] {
				break
			}
		}
		if j == len(s) {
			return true
		}
	}
	return false
}
