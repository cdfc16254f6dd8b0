package tui

import (
	"fmt"
	"os"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestDebugPrint(t *testing.T) {
	name := os.Getenv("TUI_DEBUG")
	if name == "" {
		t.Skip()
	}
	var w, h int
	fmt.Sscanf(os.Getenv("TUI_SIZE"), "%dx%d", &w, &h)
	var m *Model
	if name == "synth" {
		o := synthOptions()
		m = replayModel(t, synthSnaps(t, o, 20), o.Interval, w, h)
	} else {
		snaps, iv := loadRecording(t, name)
		m = replayModel(t, snaps, iv, w, h)
	}
	for s := range numScreens {
		m.screen = s
		fmt.Printf("==== %s %dx%d\n", screenNames[s][0], w, h)
		out := plain(m)
		fmt.Println(out)
		_ = tea.Quit
	}
}
