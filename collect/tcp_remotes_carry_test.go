package collect

import (
	"context"
	"testing"
	"testing/fstest"
)

// TestTCPRemotesReadWithConfig checks that the socket dump is read on full
// snapshots only and carried, marked as such, on the others — also when
// the fast snapshot's source has no tcp_remotes.json (as a live fast
// sample and its recording do not).
func TestTCPRemotesReadWithConfig(t *testing.T) {
	full := fstest.MapFS{"netvet/tcp_remotes.json": {Data: []byte(`[{"remote":"10.0.0.9:5432","established":3,"time_wait":40,"other":0}]`)}}
	c := NewCollector()
	ctx := context.Background()
	s0 := c.Collect(ctx, full, nil, true)
	if len(s0.TCPRemotes) != 1 || s0.TCPRemotes[0].TimeWait != 40 {
		t.Fatalf("full snapshot: %+v", s0.TCPRemotes)
	}
	s1 := c.Collect(ctx, fstest.MapFS{}, s0, false)
	st, _ := s1.StatusOf("tcp_remotes")
	if !st.Carried || st.State != StateOK {
		t.Errorf("fast snapshot status %+v, want carried ok", st)
	}
	if len(s1.TCPRemotes) != 1 || &s1.TCPRemotes[0] != &s0.TCPRemotes[0] {
		t.Errorf("fast snapshot did not carry the previous remotes: %+v", s1.TCPRemotes)
	}
	s2 := c.Collect(ctx, fstest.MapFS{}, s1, true)
	if st, _ := s2.StatusOf("tcp_remotes"); st.Carried || st.State != StateUnavailable || s2.TCPRemotes != nil {
		t.Errorf("full snapshot without the file: %+v %+v", st, s2.TCPRemotes)
	}
}
