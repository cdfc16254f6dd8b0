package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectTopology(s *Snapshot) error { return errNotBuilt }
