package collect

// proc/net/snmp: Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite as "Tcp.RetransSegs";
// Tcp.MaxConn (-1) is in Signed. Format and kernel source: see proctable.go.
func (c *Collector) collectSNMP(s *Snapshot) error {
	return c.collectProcTable("proc/net/snmp", &s.SNMP)
}
