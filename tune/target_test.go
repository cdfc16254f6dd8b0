package tune

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/netvet/netvet/analyze"
)

func TestSame(t *testing.T) {
	tests := []struct {
		c    analyze.Change
		a, b string
		want bool
	}{
		{portRange, "32768\t60999", "32768 60999", true},
		{portRange, "32768 60999", "32768 61000", false},
		{rpsCPUs, "00000000,00000003", "3", true},
		{rpsCPUs, "00000003", "2", false},
		{flowCnt, "4096", "4096", true},
		{irq0, "0-3", "0,1,2,3", true},
		{irq0, "0-3", "0-2", false},
		{tsoOff, "off", "off", true},
	}
	for _, tc := range tests {
		if got := same(tc.c, tc.a, tc.b); got != tc.want {
			t.Errorf("same(%s, %q, %q) = %v", tc.c.Kind, tc.a, tc.b, got)
		}
	}
}

// Write never creates a file: a setting that does not exist is an error.
func TestWriteNeverCreates(t *testing.T) {
	tg, _ := fakeHost(t)
	err := tg.Write(sysctl("net.core.no_such_thing", "1"), "1")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v, want not-exist", err)
	}
	if _, err := os.Stat(filepath.Join(tg.Root, "proc/sys/net/core/no_such_thing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file was created: %v", err)
	}
}

func TestIsPermission(t *testing.T) {
	for _, err := range []error{os.ErrPermission, syscall.EPERM, &os.PathError{Op: "open", Path: "/proc/sys/x", Err: syscall.EACCES}} {
		if !IsPermission(err) {
			t.Errorf("IsPermission(%v) = false", err)
		}
	}
	if IsPermission(syscall.EINVAL) {
		t.Error("EINVAL is not a permission error")
	}
}
