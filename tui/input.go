package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// key handles a key press.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return tea.Quit
	}
	if m.filtering {
		switch {
		case key.Matches(msg, m.keys.Confirm):
			m.filtering = false
			m.filter.Blur()
			return nil
		case key.Matches(msg, m.keys.Esc):
			m.filtering = false
			m.filter.Blur()
			m.filter.SetValue("")
			m.scroll = [numScreens]int{}
			return nil
		}
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		m.scroll = [numScreens]int{} // the rows changed: start at the top
		return cmd
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
	case key.Matches(msg, k.Esc):
		if m.showHelp {
			m.showHelp = false
		} else {
			m.filter.SetValue("")
			m.scroll = [numScreens]int{}
		}
	case key.Matches(msg, k.Next):
		m.screen = (m.screen + 1) % numScreens
		m.showHelp = false
	case key.Matches(msg, k.Prev):
		m.screen = (m.screen + numScreens - 1) % numScreens
		m.showHelp = false
	case key.Matches(msg, k.Jump):
		m.screen = screenID(msg.String()[0] - '1')
		m.showHelp = false
	case key.Matches(msg, k.Sort):
		if n := len(sortKeys(m.screen)); n > 0 {
			m.sortCol[m.screen] = (m.sortCol[m.screen] + 1) % n
			m.scroll[m.screen] = 0
		}
	case key.Matches(msg, k.Pause):
		return m.setPaused(!m.paused)
	case key.Matches(msg, k.Filter):
		m.filtering = true
		m.showHelp = false
		return m.filter.Focus()
	case key.Matches(msg, k.Up):
		m.scrollBy(-1)
	case key.Matches(msg, k.Down):
		m.scrollBy(1)
	case key.Matches(msg, k.PgUp):
		m.scrollBy(-max(m.pageRows()-1, 1))
	case key.Matches(msg, k.PgDown):
		m.scrollBy(max(m.pageRows()-1, 1))
	case key.Matches(msg, k.Top):
		m.scroll[m.screen] = 0
	case key.Matches(msg, k.Bottom):
		m.scroll[m.screen] = m.maxScroll()
	}
	return nil
}

func (m *Model) scrollBy(n int) {
	m.scroll[m.screen] = min(max(m.scroll[m.screen]+n, 0), m.maxScroll())
}

// pageRows is how many scrolled rows the current screen shows.
func (m *Model) pageRows() int {
	fixed, _ := m.screenLines(m.width)
	return max(m.bodyHeight()-len(fixed), 1)
}

// maxScroll is the last useful scroll offset of the current screen.
func (m *Model) maxScroll() int {
	fixed, rows := m.screenLines(m.width)
	return max(len(rows)-max(m.bodyHeight()-len(fixed), 1), 0)
}
