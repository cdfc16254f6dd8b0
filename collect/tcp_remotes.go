package collect

import "encoding/json"

// tcpRemotesFile is made by the live host from an inet_diag dump of the
// non-listening TCP sockets, counted per remote address (live_sockdiag.go).
const tcpRemotesFile = "netvet/tcp_remotes.json"

// collectTCPRemotes reads netvet/tcp_remotes.json.
func (c *Collector) collectTCPRemotes(s *Snapshot) error {
	b, err := c.r.readFile(tcpRemotesFile)
	if err != nil {
		return err
	}
	var rs []TCPRemote
	if err := json.Unmarshal(b, &rs); err != nil {
		err = jsonErr(tcpRemotesFile, b, err)
		if isSyntaxErr(err) {
			return err
		}
		s.TCPRemotes = rs
		return err
	}
	if rs == nil {
		rs = []TCPRemote{}
	}
	s.TCPRemotes = rs
	return nil
}
