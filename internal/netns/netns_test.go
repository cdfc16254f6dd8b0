package netns

import (
	"os"
	"strings"
	"testing"
)

func TestNamespaceVethAndDo(t *testing.T) {
	if why := Available(); why != "" {
		t.Skip(why)
	}
	a, err := New("nta")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := New("ntb")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := Veth(a, "va", "10.77.0.1/24", b, "vb", "10.77.0.2/24", 4); err != nil {
		t.Fatal(err)
	}
	// ip netns exec mounts the namespace's sysfs: 4 rx queues are visible.
	out, err := a.Exec("ls", "/sys/class/net/va/queues")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(out), "rx-"); got != 4 {
		t.Errorf("rx queues in namespace sysfs = %d, want 4 (%q)", got, out)
	}
	// Do runs in the namespace: its /proc/thread-self/net/dev lists va, the host's does not.
	err = a.Do(func() error {
		dev, err := os.ReadFile("/proc/thread-self/net/dev")
		if err != nil {
			return err
		}
		if !strings.Contains(string(dev), "va:") {
			t.Errorf("namespace net/dev lacks va: %s", dev)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.ReadFile("/proc/thread-self/net/dev")
	if strings.Contains(string(host), " va:") {
		t.Errorf("host net/dev shows the namespace's va")
	}
	if err := a.Sysctl("net.core.somaxconn", "7"); err != nil {
		t.Fatal(err)
	}
	out, err = a.Exec("cat", "/proc/sys/net/core/somaxconn")
	if err != nil || strings.TrimSpace(string(out)) != "7" {
		t.Errorf("somaxconn in namespace = %q, %v; want 7", out, err)
	}
	name := a.Name
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/run/netns/" + name); !os.IsNotExist(err) {
		t.Errorf("namespace %s still exists after Close: %v", name, err)
	}
}
