package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectNICs(s *Snapshot) error { return errNotBuilt }
