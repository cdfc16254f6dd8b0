package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectSoftIRQs(s *Snapshot) error { return errNotBuilt }
