package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectSockstat(s *Snapshot) error { return errNotBuilt }
