package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectBonding(s *Snapshot) error { return errNotBuilt }
