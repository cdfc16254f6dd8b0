package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectTCPRemotes(s *Snapshot) error { return errNotBuilt }
