package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectEthtool(s *Snapshot) error { return errNotBuilt }
