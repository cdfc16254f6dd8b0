package collect

// STUB: replaced by the collector's real implementation.
func (c *Collector) collectInterrupts(s *Snapshot) error { return errNotBuilt }

// interruptsCache is the interrupts collector's scratch state.
type interruptsCache struct {
	prev *Snapshot
}
