package collect

// proc/net/netstat: TcpExt, IpExt, MPTcpExt, … as "TcpExt.ListenOverflows".
// Format and kernel source: see proctable.go.
func (c *Collector) collectNetstat(s *Snapshot) error {
	return c.collectProcTable("proc/net/netstat", &s.Netstat)
}
