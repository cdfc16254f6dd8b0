package tune

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/netvet/netvet/analyze"
)

// Every name and value that reaches a file path, a shell script or an
// ioctl is checked against these first. They come from a snapshot (which
// may be a recording made elsewhere) or from a rollback or plan file (which
// anyone could have edited), so a crafted interface name like "../../etc"
// or a value with a newline must be refused, not written.
var (
	// dev_valid_name allows more (net/core/dev.c); these are the names
	// real hosts use, and they need no quoting in a udev rule.
	devName = regexp.MustCompile(`^[A-Za-z0-9_.@+-]{1,15}$`)
	// netvet changes network sysctls only.
	sysctlName = regexp.MustCompile(`^net(\.[A-Za-z0-9_-]+)+$`)
	// The sysfs attributes of a net device netvet writes.
	sysfsAttr = regexp.MustCompile(`^(queues/rx-[0-9]{1,5}/rps_cpus|queues/rx-[0-9]{1,5}/rps_flow_cnt|queues/tx-[0-9]{1,5}/xps_cpus)$`)
	vector    = regexp.MustCompile(`^[A-Za-z0-9_.:@+/-]{1,64}$`)
	feature   = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)
	// Values: numbers, several numbers ("4096 131072 6291456"), hex masks
	// ("0000,00fffffe"), CPU lists ("0-3,8"), on/off.
	value   = regexp.MustCompile(`^[A-Za-z0-9 \t,._:-]+$`)
	count   = regexp.MustCompile(`^[0-9]{1,10}$`)
	hexMask = regexp.MustCompile(`^[0-9a-fA-F,]+$`)
	cpuList = regexp.MustCompile(`^[0-9,-]+$`)
)

// Validate reports why netvet will not apply c, or nil.
func Validate(c analyze.Change) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s change %q: %s", c.Kind, c.String(), fmt.Sprintf(format, args...))
	}
	// A mask of 8192 CPUs is 2,048 hex digits and 255 commas.
	if len(c.Value) > 4096 {
		return bad("a value of %d bytes is longer than any setting netvet writes", len(c.Value))
	}
	needDev := func() error {
		if !devName.MatchString(c.Device) || c.Device == "." || c.Device == ".." {
			return bad("%q is not an interface name netvet writes to", c.Device)
		}
		return nil
	}
	switch c.Kind {
	case analyze.ChangeSysctl:
		if !sysctlName.MatchString(c.Target) {
			return bad("%q is not a network sysctl (net.…)", c.Target)
		}
		if !value.MatchString(c.Value) {
			return bad("value %q has characters a sysctl value does not", c.Value)
		}
	case analyze.ChangeSysfs:
		if err := needDev(); err != nil {
			return err
		}
		if !sysfsAttr.MatchString(c.Target) {
			return bad("%q is not rps_cpus, rps_flow_cnt or xps_cpus of a queue", c.Target)
		}
		want := hexMask
		if c.Target[len(c.Target)-len("rps_flow_cnt"):] == "rps_flow_cnt" {
			want = count
		}
		if !want.MatchString(c.Value) {
			return bad("%q is not a valid value for %s", c.Value, c.Target)
		}
	case analyze.ChangeIRQAffinity:
		if c.IRQ <= 0 || c.IRQ >= 1<<20 {
			return bad("IRQ %d is out of range", c.IRQ)
		}
		if !vector.MatchString(c.Vector) {
			return bad("vector name %q is missing or unusual: the IRQ could not be found again by name", c.Vector)
		}
		if !cpuList.MatchString(c.Value) {
			return bad("%q is not a CPU list", c.Value)
		}
	case analyze.ChangeRing, analyze.ChangeChannels:
		if err := needDev(); err != nil {
			return err
		}
		ok := c.Target == "rx" || c.Target == "tx" || c.Kind == analyze.ChangeChannels && c.Target == "combined"
		if !ok {
			return bad("%q is not a %s kind", c.Target, c.Kind)
		}
		if n, err := strconv.ParseUint(c.Value, 10, 32); err != nil || n == 0 {
			return bad("%q is not a positive count", c.Value)
		}
	case analyze.ChangeFeature:
		if err := needDev(); err != nil {
			return err
		}
		if !feature.MatchString(c.Target) {
			return bad("%q is not a feature name", c.Target)
		}
		if c.Value != "on" && c.Value != "off" {
			return bad("%q is not on or off", c.Value)
		}
	case analyze.ChangeTxQueueLen:
		if err := needDev(); err != nil {
			return err
		}
		if !count.MatchString(c.Value) {
			return bad("%q is not a queue length", c.Value)
		}
	default:
		return fmt.Errorf("unknown change kind %q", c.Kind)
	}
	return nil
}

// validPrevious checks a value read from the host before a change, as a
// rollback file holds it: it must be a value the same change could write.
func validPrevious(c analyze.Change, prev string) error {
	c.Value = prev
	if err := Validate(c); err != nil {
		return fmt.Errorf("previous value %q cannot be written back: %w", prev, err)
	}
	return nil
}
