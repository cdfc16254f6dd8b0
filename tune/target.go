package tune

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/internal/cpumask"
)

// Target is the system apply reads and writes: files under Root (proc/sys,
// sys/class/net, proc/irq) and ethtool settings through Ethtool. The zero
// Target is this host, in the calling thread's network namespace.
type Target struct {
	// Root is the directory the kernel's files are under; "" means "/".
	// Tests point it at a fake tree.
	Root string
	// Ethtool does the ethtool ioctls; nil opens the kernel's on first use.
	Ethtool Ethtool
}

func (t *Target) path(rel string) string {
	root := t.Root
	if root == "" {
		root = "/"
	}
	return filepath.Join(root, filepath.FromSlash(rel))
}

func (t *Target) ethtool() (Ethtool, error) {
	if t.Ethtool == nil {
		e, err := openEthtool()
		if err != nil {
			return nil, fmt.Errorf("open an ethtool socket: %w", err)
		}
		t.Ethtool = e
	}
	return t.Ethtool, nil
}

// Close releases the ethtool socket, if one was opened.
func (t *Target) Close() {
	if t.Ethtool != nil {
		t.Ethtool.Close()
	}
}

// Read returns the current value of the setting c changes, as the kernel
// prints it (a file's text without its final newline; "on"/"off" for a
// feature; a number for a ring or channel count).
func (t *Target) Read(c analyze.Change) (string, error) {
	if p := c.Path(); p != "" {
		b, err := os.ReadFile(t.path(p))
		if err != nil {
			return "", err
		}
		return strings.TrimSuffix(string(b), "\n"), nil
	}
	e, err := t.ethtool()
	if err != nil {
		return "", err
	}
	return readEthtool(e, c)
}

// Write sets the setting of c to v: one write(2) of v and a newline to the
// file, which must exist (a sysctl or queue that does not exist is an
// error, never a new file), or one ethtool ioctl.
func (t *Target) Write(c analyze.Change, v string) error {
	if p := c.Path(); p != "" {
		f, err := os.OpenFile(t.path(p), os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			if c.Kind == analyze.ChangeSysctl && IsPermission(err) && os.Geteuid() == 0 {
				// Root is refused only where the kernel made the file
				// read-only: host-wide sysctls seen from another
				// network namespace (net.core.rmem_max, …).
				return fmt.Errorf("%w (read-only here: a host-wide setting seen from a network namespace other than the host's)", err)
			}
			return err
		}
		_, err = f.Write([]byte(v + "\n"))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	e, err := t.ethtool()
	if err != nil {
		return err
	}
	return writeEthtool(e, c, v)
}

// same reports whether two values of c's setting are the same setting as
// the kernel sees it: "32768\t60999" is "32768 60999", the rps_cpus mask
// "00000003" is "3", the CPU list "0-1" is "0,1".
func same(c analyze.Change, a, b string) bool {
	switch {
	case c.Kind == analyze.ChangeIRQAffinity:
		x, err1 := cpumask.ParseList(a)
		y, err2 := cpumask.ParseList(b)
		if err1 == nil && err2 == nil {
			return x.Equal(y)
		}
	case c.Kind == analyze.ChangeSysfs && !strings.HasSuffix(c.Target, "rps_flow_cnt"):
		x, err1 := cpumask.ParseHex(a)
		y, err2 := cpumask.ParseHex(b)
		if err1 == nil && err2 == nil {
			return x.Equal(y)
		}
	}
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

// IsPermission reports whether err means "not allowed": not root, or a
// file the kernel keeps read-only.
func IsPermission(err error) bool {
	return errors.Is(err, os.ErrPermission) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES)
}

// uint32Of parses a ring or channel count.
func uint32Of(s string) (uint32, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a count", s)
	}
	return uint32(n), nil
}
