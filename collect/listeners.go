package collect

import "encoding/json"

// listenersFile is made by the live host from an inet_diag dump of the
// listening TCP sockets (see live_sockdiag.go).
const listenersFile = "netvet/listeners.json"

// collectListeners reads netvet/listeners.json. An empty list means the host
// has no listening TCP socket; an absent file means "not available".
func (c *Collector) collectListeners(s *Snapshot) error {
	b, err := c.r.readFile(listenersFile)
	if err != nil {
		return err
	}
	var ls []Listener
	if err := json.Unmarshal(b, &ls); err != nil {
		err = jsonErr(listenersFile, b, err)
		if isSyntaxErr(err) {
			return err
		}
		s.Listeners = ls
		return err
	}
	if ls == nil {
		ls = []Listener{}
	}
	s.Listeners = ls
	return nil
}
