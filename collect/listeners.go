package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectListeners(s *Snapshot) error { return errNotBuilt }
