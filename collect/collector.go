package collect

import (
	"context"
	"fmt"
	"io/fs"
	"time"
)

// Collector turns a Source into Snapshots. It keeps scratch state between
// calls (read buffer, the previous interrupts layout), so one Collector
// serves one stream of snapshots and is not safe for concurrent use.
type Collector struct {
	r    reader
	irqs interruptsCache
	// prev and carry describe the Collect call in progress: the previous
	// snapshot of the stream, and whether configuration is carried from it
	// (the ethtool collector then carries driver, rings, channels, features).
	prev  *Snapshot
	carry bool
}

// NewCollector returns a Collector with empty scratch state.
func NewCollector() *Collector { return &Collector{} }

// def is one collector: a name (stable: it appears in JSON and metrics), whether
// it reads configuration (slow period) and the function that fills the
// Snapshot. Counter collectors fill fields of the Snapshot, configuration
// collectors fields of its Config.
type def struct {
	name   string
	config bool
	run    func(c *Collector, s *Snapshot) error
	// carry, for a counter-side collector whose data is costly to read and
	// changes slowly, copies its data from the previous snapshot when a
	// snapshot without configuration does not hold it (the live host makes
	// it only with the configuration).
	carry func(prev, s *Snapshot)
}

// collectors lists every collector in run order. host runs first so the
// others can use the CPU count and time.
var collectors = []def{
	{name: "host", run: (*Collector).collectHost},
	{name: "interrupts", run: (*Collector).collectInterrupts},
	{name: "softirqs", run: (*Collector).collectSoftIRQs},
	{name: "softnet", run: (*Collector).collectSoftnet},
	{name: "netstat", run: (*Collector).collectNetstat},
	{name: "snmp", run: (*Collector).collectSNMP},
	{name: "netdev", run: (*Collector).collectNetDev},
	{name: "sockstat", run: (*Collector).collectSockstat},
	{name: "links", run: (*Collector).collectLinks},
	{name: "ethtool", run: (*Collector).collectEthtool},
	{name: "bonding", run: (*Collector).collectBonding},
	{name: "listeners", run: (*Collector).collectListeners},
	// The socket dump grows with the host's sockets (~2 µs each), and
	// port use toward a destination changes over minutes (TIME_WAIT lasts
	// 60 s): it is read with the configuration.
	{name: "tcp_remotes", run: (*Collector).collectTCPRemotes,
		carry: func(prev, s *Snapshot) { s.TCPRemotes = prev.TCPRemotes }},
	{name: "sysctls", config: true, run: (*Collector).collectSysctls},
	{name: "irq_affinity", config: true, run: (*Collector).collectIRQAffinity},
	{name: "nics", config: true, run: (*Collector).collectNICs},
	{name: "topology", config: true, run: (*Collector).collectTopology},
	{name: "irqbalance", config: true, run: (*Collector).collectIRQBalance},
	{name: "addrs", config: true, run: (*Collector).collectAddrs},
}

// Names lists the collectors in run order.
func Names() []string {
	out := make([]string, len(collectors))
	for i, d := range collectors {
		out[i] = d.name
	}
	return out
}

// Collect reads one Snapshot from fsys. prev is the previous snapshot of the
// same stream (nil for the first). When full is false and prev has a Config,
// the configuration collectors do not run and prev.Config is carried forward;
// the ethtool collector then also carries driver, rings, channels and
// features from prev.
//
// Collect never fails as a whole: each collector reports ok, unavailable or
// error in Status, and a panic in one is reported as its error.
func (c *Collector) Collect(ctx context.Context, fsys fs.FS, prev *Snapshot, full bool) *Snapshot {
	c.r.fsys = fsys
	defer func() { c.r.fsys = nil }()
	s := &Snapshot{}
	carry := !full && prev != nil && prev.Config != nil
	if carry {
		s.Config = prev.Config
	} else {
		s.Config = &Config{Status: map[string]CollectorStatus{}}
	}
	c.irqs.prev = prev
	c.prev, c.carry = prev, carry
	for _, d := range collectors {
		if d.config && carry {
			st := prev.Config.Status[d.name]
			st.Carried = true
			st.Duration = 0
			s.Status = append(s.Status, st)
			continue
		}
		if d.carry != nil && carry {
			// Use the data when this snapshot has it (recordings made
			// before it moved to the slow period do), else carry it.
			if st := c.runOne(d, s); st.State != StateUnavailable {
				s.Status = append(s.Status, st)
				continue
			}
			st, _ := prev.StatusOf(d.name)
			st.Carried = true
			st.Duration = 0
			d.carry(prev, s)
			s.Status = append(s.Status, st)
			continue
		}
		if ctx.Err() != nil {
			s.Status = append(s.Status, CollectorStatus{Name: d.name, State: StateError, Err: ctx.Err().Error()})
			continue
		}
		st := c.runOne(d, s)
		if d.config {
			s.Config.Status[d.name] = st
		}
		s.Status = append(s.Status, st)
	}
	if s.Time.IsZero() {
		s.Time = s.Host.Time
	}
	if !carry {
		s.Config.Time = s.Time
	}
	c.irqs.prev = nil
	c.prev, c.carry = nil, false
	return s
}

func (c *Collector) runOne(d def, s *Snapshot) (st CollectorStatus) {
	start := time.Now()
	st.Name = d.name
	defer func() {
		if p := recover(); p != nil {
			st.State = StateError
			st.Err = fmt.Sprintf("internal error (please report): %v", p)
		}
		st.Duration = time.Since(start)
	}()
	err := d.run(c, s)
	switch {
	case err == nil:
		st.State = StateOK
	case IsUnavailable(err):
		st.State = StateUnavailable
		st.Err = err.Error()
	default:
		st.State = StateError
		st.Err = err.Error()
	}
	return st
}

// StatusOf returns the named collector's status in s, and whether it ran.
func (s *Snapshot) StatusOf(name string) (CollectorStatus, bool) {
	for _, st := range s.Status {
		if st.Name == name {
			return st, true
		}
	}
	return CollectorStatus{}, false
}
