package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectHost(s *Snapshot) error { return errNotBuilt }
