package collect

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"testing"
	"testing/fstest"

	"golang.org/x/sys/unix"
)

// TestLiveDirFS: liveDirFS behaves as an fs.FS (fstest.TestFS walks, opens,
// reads, lists and stats everything) and gives the errors os.DirFS gives.
func TestLiveDirFS(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"proc/net/dev":                 "dev\n",
		"sys/class/net/eth0/mtu":       "1500\n",
		"sys/class/net/eth0/operstate": "up\n",
	})
	if err := os.Symlink("eth0", dir+"/sys/class/net/eth1"); err != nil {
		t.Fatal(err)
	}
	fsys := newLiveDirFS(dir)
	if err := fstest.TestFS(fsys, "proc/net/dev", "sys/class/net/eth0/mtu", "sys/class/net/eth0/operstate"); err != nil {
		t.Fatal(err)
	}
	if target, err := fs.ReadLink(fsys, "sys/class/net/eth1"); err != nil || target != "eth0" {
		t.Errorf("ReadLink = %q, %v", target, err)
	}
	for _, c := range []struct {
		name string
		is   error
	}{
		{"proc/net/snmp", fs.ErrNotExist},
		{"../etc/passwd", fs.ErrInvalid},
		{"/proc/net/dev", fs.ErrInvalid},
	} {
		_, err := fsys.Open(c.name)
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Path != c.name || !errors.Is(err, c.is) {
			t.Errorf("Open(%q) = %v, want a PathError on it that is %v", c.name, err, c.is)
		}
	}
}

// TestLiveDirFSBlocking: a sysfs file comes out blocking, so out of the
// poller (os.Open registers it, as kernfs files can be polled, and makes it
// non-blocking), and reads whole.
func TestLiveDirFSBlocking(t *testing.T) {
	const name = "sys/class/net/lo/mtu"
	if _, err := os.Stat("/" + name); err != nil {
		t.Skip("no sysfs here:", err)
	}
	f, err := newLiveDirFS("/").Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var flags int
	rc, err := f.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Control(func(fd uintptr) { flags, err = unix.FcntlInt(fd, unix.F_GETFL, 0) }); err != nil {
		t.Fatal(err)
	}
	if err != nil || flags&unix.O_NONBLOCK != 0 {
		t.Errorf("flags %#x, %v: want a blocking descriptor", flags, err)
	}
	r := reader{fsys: newLiveDirFS("/")}
	if b, err := r.readFile(name); err != nil || len(b) == 0 {
		t.Errorf("read %q, %v", b, err)
	}
}
