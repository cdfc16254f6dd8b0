package tune

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRestoreRefusesAnotherPlace(t *testing.T) {
	tg, _ := fakeHost(t)
	rb := filepath.Join(t.TempDir(), "rollback.json")
	acts, err := Prepare(context.Background(), tg, steps(somaxconn))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(context.Background(), tg, acts, rb); err != nil {
		t.Fatal(err)
	}
	r, err := LoadRollback(rb)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(*Rollback, *Target)
		want string
	}{
		{"another boot", func(r *Rollback, _ *Target) { r.BootID = "other" }, "before a reboot"},
		{"another host", func(r *Rollback, _ *Target) { r.Host = "db1" }, `written on host "db1", this is "web1"`},
		{"another namespace", func(r *Rollback, _ *Target) { r.NetNS = "net:[1]" }, "network namespace net:[1]"},
		{"another root", func(_ *Rollback, t *Target) { t.Root = "/elsewhere" }, "for root"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r2 := *r
			t2 := *tg
			tc.edit(&r2, &t2)
			_, err := Restore(context.Background(), &t2, &r2)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if got := read(t, tg.Root, "proc/sys/net/core/somaxconn"); got != "8192\n" {
				t.Errorf("somaxconn %q: a refused restore wrote", got)
			}
		})
	}
}

// A setting that cannot be put back does not stop the others.
func TestRestoreGoesOn(t *testing.T) {
	tg, _ := fakeHost(t)
	rb := filepath.Join(t.TempDir(), "rollback.json")
	acts, err := Prepare(context.Background(), tg, steps(somaxconn, rpsCPUs, portRange))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(context.Background(), tg, acts, rb); err != nil {
		t.Fatal(err)
	}
	r, err := LoadRollback(rb)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(tg.Root, "sys/class/net/eth0")); err != nil { // the device went away
		t.Fatal(err)
	}
	done, err := Restore(context.Background(), tg, r)
	if err == nil || !strings.Contains(err.Error(), "step 2 (eth0 queues/rx-0/rps_cpus = 2 back to \"00000000\")") || len(done) != 2 {
		t.Errorf("restored %d, error %v", len(done), err)
	}
	for f, want := range map[string]string{"proc/sys/net/core/somaxconn": "4096\n", "proc/sys/net/ipv4/ip_local_port_range": "32768\t60999\n"} {
		if got := read(t, tg.Root, f); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
}
