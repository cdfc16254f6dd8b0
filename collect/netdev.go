package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectNetDev(s *Snapshot) error { return errNotBuilt }
