package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectIRQAffinity(s *Snapshot) error { return errNotBuilt }
