package collect

import (
	"errors"
	"io"
	"io/fs"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"proc/net/dev":                     "dev\n",
		"proc/net/bonding/_void":           "",
		"sys/class/net/eth0.symlink":       "../../devices/pci0000:00/0000:00:03.0/net/eth0\n",
		"sys/class/net/eth0/mtu":           "1500\n",
		"sys/class/net/eth0/carrier.error": "read: EINVAL\n",
		"sys/class/net/eth0/secret.error":  "open: EACCES\n",
		"sys/class/net/eth0/odd.error":     "garbage",
		"sys/class/net/eth0/what.error":    "read: ENOSUCHERRNO\n",
		"sys/class/net/eth0/mtu.error":     "read: EIO\n", // the file wins
		"sys/class/net/bond0/x":            "",
		"sys/class/net/locked.error":       "open: EACCES\n",
	})
	d := newDirFS(dir)

	names := func(name string) []string {
		ents, err := d.ReadDir(name)
		if err != nil {
			t.Fatalf("ReadDir(%s): %v", name, err)
		}
		var out []string
		for _, e := range ents {
			out = append(out, e.Name())
		}
		return out
	}
	if diff := cmp.Diff([]string{"carrier", "mtu", "odd", "secret", "what"}, names("sys/class/net/eth0")); diff != "" {
		t.Errorf("listing (-want +got):\n%s", diff)
	}
	if got := names("proc/net/bonding"); len(got) != 0 {
		t.Errorf("empty folder lists %v", got)
	}
	if diff := cmp.Diff([]string{"bond0", "eth0", "locked"}, names("sys/class/net")); diff != "" {
		t.Errorf("listing (-want +got):\n%s", diff)
	}

	readErr := func(name string) error {
		f, err := d.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.ReadAll(f)
		return err
	}
	tests := []struct {
		name  string
		errno syscall.Errno
		avail bool
	}{
		{"sys/class/net/eth0/carrier", syscall.EINVAL, true},
		{"sys/class/net/eth0/secret", syscall.EACCES, false},
		{"sys/class/net/eth0/odd", syscall.EIO, true},
		{"sys/class/net/eth0/what", syscall.EIO, true},
	}
	for _, tt := range tests {
		err := readErr(tt.name)
		if !errors.Is(err, tt.errno) || IsUnavailable(err) == tt.avail {
			t.Errorf("%s: err = %v, want %v (unavailable %v)", tt.name, err, tt.errno, !tt.avail)
		}
	}
	if err := readErr("sys/class/net/eth0/mtu"); err != nil {
		t.Errorf("mtu: %v", err)
	}
	if err := readErr("sys/class/net/eth0/none"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent file: %v, want not exist", err)
	}
	if _, err := d.ReadDir("sys/class/net/locked"); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("recorded unlistable folder: %v, want permission", err)
	}

	target, err := fs.ReadLink(d, "sys/class/net/eth0")
	if err != nil || target != "../../devices/pci0000:00/0000:00:03.0/net/eth0" {
		t.Errorf("ReadLink = %q, %v", target, err)
	}
	if fi, err := fs.Lstat(d, "sys/class/net/eth0"); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Lstat = %v, %v; want a symlink", fi, err)
	}
	if fi, err := fs.Lstat(d, "sys/class/net/bond0"); err != nil || !fi.IsDir() {
		t.Errorf("Lstat(bond0) = %v, %v; want a folder", fi, err)
	}
	if _, err := fs.ReadLink(d, "sys/class/net/bond0"); err == nil {
		t.Errorf("ReadLink of a folder succeeded")
	}
	// The collectors' reader finds the link through ReadLinkFS.
	r := reader{fsys: d}
	if target, err := r.readLink("sys/class/net/eth0"); err != nil || target == "" {
		t.Errorf("reader.readLink = %q, %v", target, err)
	}
}

// TestDirFSConforms runs the standard fs.FS checks on a folder with helper
// files, which must stay hidden in every way of listing.
func TestDirFSConforms(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"proc/net/dev":               "dev\n",
		"proc/net/bonding/_void":     "",
		"sys/class/net/eth0.symlink": "../../devices/x/net/eth0\n",
		"sys/class/net/eth0/mtu":     "1500\n",
		"netvet/host.json":           "{}\n",
	})
	// sys/class/net/eth0 lists as a symlink, so the walk does not enter it,
	// as on a host.
	if err := fstest.TestFS(newDirFS(dir), "proc/net/dev", "sys/class/net/eth0", "netvet/host.json", "proc/net/bonding"); err != nil {
		t.Error(err)
	}
}

func TestRecordedErrorFormat(t *testing.T) {
	for _, e := range []syscall.Errno{syscall.EINVAL, syscall.EACCES, syscall.ENODATA, syscall.EOPNOTSUPP} {
		text := formatRecordedError("read", &fs.PathError{Op: "read", Path: "x", Err: e})
		rec := parseRecordedError(text)
		if rec.op != "read" || rec.err != e {
			t.Errorf("%v: %q read back as %+v", e, text, rec)
		}
	}
	if text := formatRecordedError("read", errors.New("not an errno")); text != "" {
		t.Errorf("non-errno error recorded as %q", text)
	}
}
