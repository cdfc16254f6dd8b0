package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key the dashboard answers to; the help screen and the
// footer are generated from it, so they cannot drift from what Update does.
type keyMap struct {
	Next, Prev, Jump         key.Binding
	Up, Down, PgUp, PgDown   key.Binding
	Top, Bottom              key.Binding
	Sort, Pause, Filter      key.Binding
	Help, Quit, Esc, Confirm key.Binding
}

func newKeyMap() keyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Next:    b("tab", "next screen", "tab", "right", "l"),
		Prev:    b("shift+tab", "previous screen", "shift+tab", "left", "h"),
		Jump:    b("1-6", "go to screen", "1", "2", "3", "4", "5", "6"),
		Up:      b("↑/k", "scroll up", "up", "k"),
		Down:    b("↓/j", "scroll down", "down", "j"),
		PgUp:    b("pgup", "page up", "pgup", "ctrl+u"),
		PgDown:  b("pgdn", "page down", "pgdown", "ctrl+d", "space"),
		Top:     b("home/g", "top", "home", "g"),
		Bottom:  b("end/G", "bottom", "end", "G"),
		Sort:    b("s", "sort by the next column", "s"),
		Pause:   b("p", "pause / resume", "p"),
		Filter:  b("/", "filter rows", "/"),
		Help:    b("?", "help", "?"),
		Quit:    b("q", "quit", "q", "ctrl+c"),
		Esc:     b("esc", "close help / clear filter", "esc"),
		Confirm: b("enter", "keep the filter", "enter"),
	}
}

// FullHelp is the help screen, in groups.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.Prev, k.Jump, k.Help, k.Quit},
		{k.Up, k.Down, k.PgUp, k.PgDown, k.Top, k.Bottom},
		{k.Sort, k.Pause, k.Filter, k.Confirm, k.Esc},
	}
}
