package accept

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// --listen serves a model until its context ends; --target drives a server
// it did not start. Together they are what `make bench-peers` uses.
func TestServeAndDrive(t *testing.T) {
	cfg := quickConfig(2)
	cfg.Modes = []Mode{KeepAlive}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan netip.AddrPort, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, cfg, SharedEpollExclusive, 0, func(a netip.AddrPort) { ready <- a }) }()
	var addr netip.AddrPort
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	m, err := Drive(context.Background(), cfg, addr)
	if err != nil {
		t.Fatal(err)
	}
	if m.Accounting.ClientResponses == 0 || m.Errors.Total() != 0 || m.Workers != nil || m.Jain.Valid() {
		t.Errorf("drive: %d responses, errors %+v, workers %v, jain %v", m.Accounting.ClientResponses, m.Errors, m.Workers, m.Jain)
	}
	// wrk's request, answered like ours.
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: "+addr.String()+"\r\nConnection: close\r\n\r\n")
	c.SetDeadline(time.Now().Add(5 * time.Second))
	b, _ := io.ReadAll(c)
	c.Close()
	if !bytes.Equal(b, responseClose) {
		t.Errorf("answer to wrk: %q", b)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if _, err := net.Dial("tcp", addr.String()); err == nil {
		t.Error("still listening after Serve returned")
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	update, clear := ProgressBar(&buf)
	update(Progress{Run: 3, Runs: 16, Model: ReuseportEBPF, Mode: Close, Phase: "measure",
		Elapsed: 3 * time.Second, Length: 6 * time.Second, Rate: 41234})
	line := buf.String()
	for _, want := range []string{"\r[3/16] reuseport-ebpf", "close", "measure", strings.Repeat("█", 12) + strings.Repeat("░", 12), "3.0/6.0s", "41.2k/s"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	buf.Reset()
	clear()
	if got := buf.String(); strings.TrimSpace(strings.Trim(got, "\r")) != "" || !strings.HasPrefix(got, "\r") {
		t.Errorf("clear wrote %q, want the line blanked", got)
	}
}
