package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectAddrs(s *Snapshot) error { return errNotBuilt }
