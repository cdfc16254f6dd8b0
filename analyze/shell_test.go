package analyze

import (
	"os/exec"
	"strings"
	"testing"
)

func TestShellQuoting(t *testing.T) {
	for _, name := range []string{"eth0", "bond0.100", "e<1>&x", `a'b"c`, "$(reboot)", "x;y|z", "ünï"} {
		w := sh(name)
		if name == "eth0" || name == "bond0.100" {
			if w != name {
				t.Errorf("sh(%q) = %q, want it unquoted", name, w)
			}
			continue
		}
		// The shell must read the word back as exactly the name.
		out, err := exec.Command("sh", "-c", "printf %s "+w).Output()
		if err != nil {
			t.Fatalf("sh -c printf %s: %v", w, err)
		}
		if string(out) != name {
			t.Errorf("sh(%q) = %s reads back as %q", name, w, out)
		}
	}
	c := Change{Kind: ChangeRing, Device: "e<1>&x", Target: "rx", Value: "4096"}
	if got := c.Command(); !strings.Contains(got, "'e<1>&x'") {
		t.Errorf("Command() = %q: the device name is not quoted", got)
	}
}
