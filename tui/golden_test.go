package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netvet/netvet/collect"
)

var update = flag.Bool("update", false, "rewrite the golden views in testdata/golden")

var goldenSizes = [][2]int{{80, 24}, {120, 40}, {200, 60}}

// goldenHosts are the fixture recordings made on a real kernel and the
// synthetic 256-CPU host with injected problems (20 snapshots).
func goldenHosts(t *testing.T) map[string]func() ([]*collect.Snapshot, time.Duration) {
	return map[string]func() ([]*collect.Snapshot, time.Duration){
		"listen-overflow":     func() ([]*collect.Snapshot, time.Duration) { return loadRecording(t, "listen-overflow") },
		"rps-multiqueue-veth": func() ([]*collect.Snapshot, time.Duration) { return loadRecording(t, "rps-multiqueue-veth") },
		"softnet-drops":       func() ([]*collect.Snapshot, time.Duration) { return loadRecording(t, "softnet-drops") },
		"synth-256": func() ([]*collect.Snapshot, time.Duration) {
			o := synthOptions()
			return synthSnaps(t, o, 20), o.Interval
		},
	}
}

// TestGoldenViews renders every screen of every host at three terminal
// sizes, without escape sequences, after the whole recording was replayed
// and 0.4 s passed. One file per host and size holds its six screens and
// the help.
// Regenerate with -update and review the diff by eye.
func TestGoldenViews(t *testing.T) {
	for name, load := range goldenHosts(t) {
		snaps, iv := load()
		for _, sz := range goldenSizes {
			t.Run(fmt.Sprintf("%s/%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				m := replayModel(t, snaps, iv, sz[0], sz[1])
				var b strings.Builder
				for s := range numScreens {
					m.screen = s
					fmt.Fprintf(&b, "──── screen %d: %s ────\n%s\n", s+1, screenNames[s][0], plain(m))
				}
				m.screen = scrOverview
				m.Update(press("?"))
				fmt.Fprintf(&b, "──── help (?) ────\n%s\n", plain(m))
				path := filepath.Join("testdata", "golden", fmt.Sprintf("%s-%dx%d.txt", name, sz[0], sz[1]))
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if diff := cmp.Diff(string(want), b.String()); diff != "" {
					t.Errorf("view differs from %s (-want +got):\n%s", path, diff)
				}
			})
		}
	}
}
