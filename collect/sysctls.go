package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectSysctls(s *Snapshot) error { return errNotBuilt }
