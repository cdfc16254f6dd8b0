package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectSNMP(s *Snapshot) error { return errNotBuilt }
