package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectSoftnet(s *Snapshot) error { return errNotBuilt }
