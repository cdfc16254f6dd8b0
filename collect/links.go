package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectLinks(s *Snapshot) error { return errNotBuilt }
