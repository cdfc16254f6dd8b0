package collect

import (
	"errors"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/netvet/netvet/internal/cpumask"
)

// readQueues reads sys/class/net/<if>/queues/{rx-N,tx-N}
// (net/core/net-sysfs.c: rps_cpus, rps_flow_cnt, xps_cpus;
// https://github.com/torvalds/linux/blob/master/net/core/net-sysfs.c).
//
// A queue file the kernel does not give is not an error: without CONFIG_RPS
// or CONFIG_XPS the files are missing, and on a single-queue device
// xps_cpus is listed but reading it fails with ENOENT (or EINVAL on older
// kernels). Such a queue is kept with HasRPS/HasXPS false. Queues are sorted
// by index. An absent queues/ directory gives nil slices.
func (c *Collector) readQueues(dir string) ([]RxQueue, []TxQueue, error) {
	qdir := dir + "/queues"
	ents, err := c.r.readDir(qdir)
	if err != nil {
		if IsUnavailable(err) {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	var rx []RxQueue
	var tx []TxQueue
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	for _, e := range ents {
		kind, idx, ok := queueName(e.Name())
		if !ok {
			keep(parseErr(qdir+"/"+e.Name(), 0, "not a queue directory (want rx-N or tx-N)"))
			continue
		}
		q := qdir + "/" + e.Name()
		if kind == "rx" {
			rq := RxQueue{Index: idx, RPSFlowCnt: -1}
			set, has, err := c.readMask(q + "/rps_cpus")
			rq.RPSCPUs, rq.HasRPS = set, has
			if err != nil {
				keep(err)
			}
			v, ok, err := c.readAttrVia(q + "/rps_flow_cnt")
			if err != nil {
				keep(err)
			}
			if ok {
				n, err := strconv.ParseUint(v, 10, 31)
				if err != nil {
					keep(parseErr(q+"/rps_flow_cnt", 1, "%q is not a flow count", clip(v)))
				} else {
					rq.RPSFlowCnt = int(n)
				}
			}
			rx = append(rx, rq)
			continue
		}
		tq := TxQueue{Index: idx}
		set, has, err := c.readMask(q + "/xps_cpus")
		tq.XPSCPUs, tq.HasXPS = set, has
		if err != nil {
			keep(err)
		}
		tx = append(tx, tq)
	}
	sort.Slice(rx, func(i, j int) bool { return rx[i].Index < rx[j].Index })
	sort.Slice(tx, func(i, j int) bool { return tx[i].Index < tx[j].Index })
	return rx, tx, first
}

// queueName splits "rx-12" into ("rx", 12).
func queueName(name string) (kind string, idx int, ok bool) {
	kind, num, found := strings.Cut(name, "-")
	if !found || (kind != "rx" && kind != "tx") {
		return "", 0, false
	}
	n, err := strconv.ParseUint(num, 10, 31)
	if err != nil {
		return "", 0, false
	}
	return kind, int(n), true
}

// readMask reads a hex CPU mask file (rps_cpus, xps_cpus, local_cpus). has is
// false when the kernel gives no value; bad text is a ParseError.
func (c *Collector) readMask(name string) (set cpumask.Set, has bool, err error) {
	v, ok, err := c.readAttrVia(name)
	if !ok {
		return cpumask.Set{}, false, err
	}
	set, err = parseMaskText(name, v)
	if err != nil {
		return cpumask.Set{}, false, err
	}
	return set, true, nil
}

// parseMaskText parses a hex mask as the kernel prints it ("00000000,0000000f");
// the error names the file.
func parseMaskText(name, text string) (cpumask.Set, error) {
	set, err := cpumask.ParseHex(text)
	if err != nil {
		return cpumask.Set{}, parseErr(name, 1, "%v", err)
	}
	return set, nil
}

// parseListText parses a cpulist ("0-3,8"); the error names the file.
func parseListText(name, text string) (cpumask.Set, error) {
	set, err := cpumask.ParseList(text)
	if err != nil {
		return cpumask.Set{}, parseErr(name, 1, "%v", err)
	}
	return set, nil
}

// readAttrVia is readAttr that also follows recorded symlinks (config
// collectors only: following costs a stat per path component). ok is false
// when there is no value; err is set only for a symlink loop, which is bad
// data worth reporting rather than an absent value.
func (c *Collector) readAttrVia(name string) (string, bool, error) {
	v, err := c.r.readStringVia(name)
	if err != nil {
		if errors.Is(err, errLinkLoop) {
			return "", false, err
		}
		return "", false, nil
	}
	return v, true, nil
}

// readIntAttr reads a decimal integer attribute. ok is false when absent
// (absent reports whether the file is missing, as opposed to refused); err is
// a ParseError for text that is not an integer, or a symlink loop.
func (c *Collector) readIntAttr(name string) (v int64, ok bool, absent bool, err error) {
	s, rerr := c.r.readStringVia(name)
	if rerr != nil {
		if errors.Is(rerr, errLinkLoop) {
			return 0, false, false, rerr
		}
		return 0, false, missingFile(rerr), nil
	}
	v, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil {
		return 0, false, false, parseErr(name, 1, "%q is not an integer", clip(s))
	}
	return v, true, false, nil
}

// missingFile reports a missing file, the one case where a parent device is
// asked instead (a -1 or a permission error is the device's own answer).
func missingFile(err error) bool { return errors.Is(err, fs.ErrNotExist) }
