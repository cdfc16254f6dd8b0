package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectNetstat(s *Snapshot) error { return errNotBuilt }
