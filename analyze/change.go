package analyze

import (
	"fmt"
	"strconv"
	"strings"
)

// ChangeKind says what a Change sets, and so how `netvet apply` sets it.
type ChangeKind string

const (
	// ChangeSysctl writes proc/sys/<Target, dots as slashes>.
	ChangeSysctl ChangeKind = "sysctl"
	// ChangeSysfs writes sys/class/net/<Device>/<Target> (rps_cpus,
	// rps_flow_cnt, xps_cpus of a queue).
	ChangeSysfs ChangeKind = "sysfs"
	// ChangeIRQAffinity writes proc/irq/<IRQ>/smp_affinity_list; Vector is
	// the IRQ's name in proc/interrupts, to find it again if it moved.
	ChangeIRQAffinity ChangeKind = "irq_affinity"
	// ChangeRing sets an ethtool ring size: Target "rx" or "tx".
	ChangeRing ChangeKind = "ring"
	// ChangeChannels sets an ethtool channel count: Target "combined",
	// "rx" or "tx".
	ChangeChannels ChangeKind = "channels"
	// ChangeFeature turns an offload on or off: Target is the kernel's
	// feature name (ETH_SS_FEATURES, "rx-gro"), Value "on" or "off".
	ChangeFeature ChangeKind = "feature"
	// ChangeTxQueueLen sets a device's transmit queue length.
	ChangeTxQueueLen ChangeKind = "txqueuelen"
)

// Change is one setting a recommendation changes, in a form a program can
// apply and undo without building a shell command. A recommendation whose
// new value depends on something the snapshot did not hold ("double the
// current value") has no Change: it is for a person to run.
type Change struct {
	Kind   ChangeKind `json:"kind"`
	Device string     `json:"device,omitempty"` // network interface (sysfs, ring, channels, feature, txqueuelen)
	Target string     `json:"target,omitempty"` // sysctl name, attribute under the device, ring or channel kind, feature
	IRQ    int        `json:"irq,omitempty"`    // irq_affinity
	Vector string     `json:"vector,omitempty"` // irq_affinity: its name in proc/interrupts, "eth0-TxRx-3"
	Value  string     `json:"value"`            // as written: "8192", "1024 65535", "f", "3", "on"
}

// Command is the change as a person types it; recommendations show these,
// so the text and the structure come from the same values.
func (c Change) Command() string {
	switch c.Kind {
	case ChangeSysctl:
		v := c.Value
		if strings.ContainsAny(v, " \t") {
			v = `"` + v + `"`
		}
		return fmt.Sprintf("sysctl -w %s=%s", c.Target, v)
	case ChangeSysfs:
		return fmt.Sprintf("echo %s > %s", c.Value, sh("/sys/class/net/"+c.Device+"/"+c.Target))
	case ChangeIRQAffinity:
		return fmt.Sprintf("echo %s > /proc/irq/%d/smp_affinity_list", c.Value, c.IRQ)
	case ChangeRing:
		return fmt.Sprintf("ethtool -G %s %s %s", sh(c.Device), c.Target, c.Value)
	case ChangeChannels:
		return fmt.Sprintf("ethtool -L %s %s %s", sh(c.Device), c.Target, c.Value)
	case ChangeFeature:
		return fmt.Sprintf("ethtool -K %s %s %s", sh(c.Device), FeatureShortName(c.Target), c.Value)
	case ChangeTxQueueLen:
		return fmt.Sprintf("ip link set %s txqueuelen %s", sh(c.Device), c.Value)
	}
	return fmt.Sprintf("# unknown change kind %q", c.Kind)
}

// Path is the file under the root that the change writes, for the kinds
// that are files ("" for the ethtool kinds). txqueuelen is the device's
// tx_queue_len attribute: writing it is what `ip link set … txqueuelen`
// does over netlink.
func (c Change) Path() string {
	switch c.Kind {
	case ChangeSysctl:
		return "proc/sys/" + strings.ReplaceAll(c.Target, ".", "/")
	case ChangeSysfs:
		return "sys/class/net/" + c.Device + "/" + c.Target
	case ChangeIRQAffinity:
		return "proc/irq/" + strconv.Itoa(c.IRQ) + "/smp_affinity_list"
	case ChangeTxQueueLen:
		return "sys/class/net/" + c.Device + "/tx_queue_len"
	}
	return ""
}

// String names the setting and its new value for messages:
// "net.core.somaxconn = 8192", "eth0 rx ring = 4096".
func (c Change) String() string {
	switch c.Kind {
	case ChangeSysctl:
		return c.Target + " = " + c.Value
	case ChangeSysfs:
		return c.Device + " " + c.Target + " = " + c.Value
	case ChangeIRQAffinity:
		return fmt.Sprintf("IRQ %d (%s) smp_affinity_list = %s", c.IRQ, c.Vector, c.Value)
	case ChangeRing:
		return fmt.Sprintf("%s %s ring = %s", c.Device, c.Target, c.Value)
	case ChangeChannels:
		return fmt.Sprintf("%s %s channels = %s", c.Device, c.Target, c.Value)
	case ChangeFeature:
		return fmt.Sprintf("%s %s = %s", c.Device, c.Target, c.Value)
	case ChangeTxQueueLen:
		return c.Device + " txqueuelen = " + c.Value
	}
	return fmt.Sprintf("%s %s %s = %s", c.Kind, c.Device, c.Target, c.Value)
}

// featureShort maps the kernel's feature names to ethtool's short -K names,
// which is what a person types (ethtool.c off_flag_def). `tso` sets every
// tx-tcp*-segmentation feature; the rules check and change IPv4 TSO.
var featureShort = map[string]string{
	"rx-gro":                  "gro",
	"tx-generic-segmentation": "gso",
	"tx-tcp-segmentation":     "tso",
	"rx-ntuple-filter":        "ntuple",
	"rx-lro":                  "lro",
}

// FeatureShortName is ethtool's short -K name for a kernel feature name,
// or the name itself (ethtool -K accepts kernel names too).
func FeatureShortName(kernel string) string {
	if s, ok := featureShort[kernel]; ok {
		return s
	}
	return kernel
}

// changesRec builds a recommendation from changes: its commands are the
// changes' own, with one `ethtool -K` per device for features (as a
// person would type them).
func changesRec(summary, risk, persist string, changes ...Change) Recommendation {
	r := Recommendation{Summary: summary, Risk: risk, Persist: persist, Changes: changes}
	r.Commands = commandsOf(changes)
	return r
}

// commandsOf is the commands of changes, features of a device merged into
// one `ethtool -K DEV a on b on`.
func commandsOf(changes []Change) []string {
	var out []string
	featureAt := map[string]int{} // device -> index of its ethtool -K command
	for _, c := range changes {
		if c.Kind != ChangeFeature {
			out = append(out, c.Command())
			continue
		}
		if i, ok := featureAt[c.Device]; ok {
			out[i] += " " + FeatureShortName(c.Target) + " " + c.Value
			continue
		}
		featureAt[c.Device] = len(out)
		out = append(out, c.Command())
	}
	return out
}
