package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectIRQBalance(s *Snapshot) error { return errNotBuilt }
