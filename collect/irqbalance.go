package collect

// irqbalanceFile is written by the live Source (it looks for the daemon's
// process and its IRQBALANCE_BANNED_CPUS / --banned-cpus) and kept in
// recordings: {"running":true,"pid":812,"banned_cpus":"00000003"}.
const irqbalanceFile = "netvet/irqbalance.json"

// collectIRQBalance reads netvet/irqbalance.json. Absent means unavailable
// (a sosreport or an old recording says nothing about irqbalance), which is
// not the same as "not running".
func (c *Collector) collectIRQBalance(s *Snapshot) error {
	var ib IRQBalance
	b, err := c.decodeVirtualJSON(irqbalanceFile, &ib)
	if b == nil {
		return err
	}
	s.Config.IRQBalance = &ib
	switch {
	case err != nil:
		return err
	case ib.PID < 0:
		return parseErr(irqbalanceFile, 0, "pid %d is negative", ib.PID)
	case !ib.Running && ib.PID != 0:
		return parseErr(irqbalanceFile, 0, "pid %d given but running is false", ib.PID)
	}
	return nil
}
