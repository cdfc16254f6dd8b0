package tui

import (
	"errors"
	"io"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

// Options configure a dashboard.
type Options struct {
	// Next blocks until the next snapshot and returns it; io.EOF (or any
	// error) ends the feed. It runs inside a tea.Cmd, never in Update.
	Next func() (*collect.Snapshot, error)
	// Replay paces the snapshots by their own times (a recording): each is
	// shown its recorded gap after the one before, divided by Speed.
	Replay bool
	Speed  float64 // replay speed; ≤ 0 means 1
	// Interval is the sampling interval (live) or the recording's: numbers
	// count as stale when no snapshot came for StaleAfter intervals.
	Interval   time.Duration
	StaleAfter int // intervals; ≤ 0 means 3
	// Window is how many snapshots the analysis and the charts look at
	// (≤ 1 means 60).
	Window int
	// Source names where the snapshots come from, for the header: "live"
	// or the recording's folder.
	Source  string
	Total   int // snapshots in the recording; 0 when unknown or live
	Analyze analyze.Options

	// Now stamps each snapshot's arrival (time.Now when nil); After
	// schedules a message (tea.Tick when nil). Tests inject both, so
	// nothing in them sleeps.
	Now   func() time.Time
	After func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
}

// Messages.
type (
	snapMsg struct {
		snap *collect.Snapshot
		at   time.Time // when it reached the dashboard
	}
	feedEndMsg struct{ err error }
	tickMsg    struct{ now time.Time }
	releaseMsg struct{ now time.Time } // replay: the pending snapshot's time has come
)

type screenID int

const (
	scrOverview screenID = iota
	scrCPUs
	scrNICs
	scrTCP
	scrBonds
	scrFindings
	numScreens
)

var screenNames = [numScreens][2]string{
	{"Overview", "Ovw"}, {"CPUs", "CPU"}, {"NICs", "NIC"}, {"TCP", "TCP"}, {"Bonds", "Bond"}, {"Findings", "Find"},
}

// Model is the dashboard's state. Update changes it; View only reads it.
type Model struct {
	opt  Options
	pal  palette
	keys keyMap

	width, height int
	screen        screenID
	scroll        [numScreens]int
	sortCol       [numScreens]int
	showHelp      bool
	paused        bool
	filtering     bool
	filter        textinput.Model

	// The window and what was computed from it.
	snaps []*collect.Snapshot // oldest first, at most opt.Window
	hist  []point             // one per interval between snaps
	last  *sample             // the newest interval
	seen  map[string]seenAt   // finding key -> when it first showed
	fr    *frame              // what the screens show; nil before the first snapshot
	count int                 // snapshots shown so far

	// Freshness.
	now     time.Time // moved by ticks and arrivals
	shownAt time.Time // when the shown snapshot was sampled (live) or released (replay)
	ended   bool      // the feed has no more snapshots
	feedErr error     // why it ended, when not the end of a recording

	// Live: snapshots that came while paused. Replay: the next snapshot
	// waiting for its time.
	held     []*collect.Snapshot
	pending  *collect.Snapshot
	due      time.Time
	released bool // pending's time came while paused
}

// New returns a dashboard fed by o.Next.
func New(o Options) *Model {
	if o.Speed <= 0 {
		o.Speed = 1
	}
	if o.StaleAfter <= 0 {
		o.StaleAfter = 3
	}
	if o.Window <= 1 {
		o.Window = 60
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = tea.Tick
	}
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "filter"
	ti.CharLimit = 64
	return &Model{
		opt: o, pal: newPalette(), keys: newKeyMap(), filter: ti,
		width: 80, height: 24, seen: map[string]seenAt{},
	}
}

// Init asks for the first snapshot and starts the freshness ticker.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.nextCmd(), m.tickCmd()) }

func (m *Model) nextCmd() tea.Cmd {
	next, now := m.opt.Next, m.opt.Now
	if next == nil {
		return nil
	}
	return func() tea.Msg {
		s, err := next()
		if err != nil {
			return feedEndMsg{err: err}
		}
		return snapMsg{snap: s, at: now()}
	}
}

// tickPeriod is how often the age is redrawn: every second, or in replay
// every second of recorded time.
func (m *Model) tickPeriod() time.Duration {
	p := time.Duration(float64(time.Second) / m.opt.Speed)
	return max(p, 100*time.Millisecond)
}

func (m *Model) tickCmd() tea.Cmd {
	return m.opt.After(m.tickPeriod(), func(t time.Time) tea.Msg { return tickMsg{now: t} })
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case tickMsg:
		m.advance(msg.now)
		return m, m.tickCmd()
	case snapMsg:
		m.advance(msg.at)
		return m, m.arrive(msg.snap, msg.at)
	case releaseMsg:
		m.advance(msg.now)
		if m.pending == nil {
			return m, nil
		}
		if m.paused {
			m.released = true
			return m, nil
		}
		return m, m.release(msg.now)
	case feedEndMsg:
		m.ended = true
		if msg.err != nil && !errors.Is(msg.err, io.EOF) {
			m.feedErr = msg.err
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	if m.filtering {
		var cmd tea.Cmd
		m.filter, cmd = m.filter.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) advance(t time.Time) {
	if t.After(m.now) {
		m.now = t
	}
}

// arrive takes a snapshot from the feed.
func (m *Model) arrive(s *collect.Snapshot, at time.Time) tea.Cmd {
	if !m.opt.Replay {
		if m.paused {
			m.held = append(m.held, s)
			if len(m.held) > m.opt.Window {
				m.held = m.held[len(m.held)-m.opt.Window:]
			}
			return m.nextCmd()
		}
		m.show([]*collect.Snapshot{s}, sampledAt(s, at))
		return m.nextCmd()
	}
	if m.count == 0 {
		m.show([]*collect.Snapshot{s}, at)
		return m.nextCmd()
	}
	// Replay: hold it until its recorded gap after the shown one has passed
	// (at Speed), counted from when the shown one was released, so the pace
	// does not drift with the time reading the recording takes.
	gap := m.recordedGap(m.snaps[len(m.snaps)-1], s)
	m.pending = s
	m.due = m.shownAt.Add(time.Duration(float64(gap) / m.opt.Speed))
	m.released = false
	wait := max(m.due.Sub(at), 0)
	return m.opt.After(wait, func(t time.Time) tea.Msg { return releaseMsg{now: t} })
}

// release shows the pending replay snapshot.
func (m *Model) release(now time.Time) tea.Cmd {
	s := m.pending
	m.pending, m.released = nil, false
	at := m.due
	if now.Sub(at) > m.tickPeriod() || at.IsZero() {
		at = now // resumed after a pause, or far behind: restart the schedule
	}
	m.show([]*collect.Snapshot{s}, at)
	return m.nextCmd()
}

// recordedGap is the time between two recorded snapshots: their times when
// both have one, else the recording's interval, else a second.
func (m *Model) recordedGap(a, b *collect.Snapshot) time.Duration {
	if !a.Time.IsZero() && !b.Time.IsZero() && b.Time.After(a.Time) {
		return b.Time.Sub(a.Time)
	}
	if m.opt.Interval > 0 {
		return m.opt.Interval
	}
	return time.Second
}

// setPaused pauses or resumes. Live, sampling goes on while paused and the
// snapshots taken meanwhile enter the window on resume; a replay stops
// where it is.
func (m *Model) setPaused(p bool) tea.Cmd {
	if m.paused == p {
		return nil
	}
	m.paused = p
	if p {
		return nil
	}
	if len(m.held) > 0 {
		held := m.held
		m.held = nil
		m.show(held, sampledAt(held[len(held)-1], m.now))
	}
	if m.pending != nil && m.released {
		return m.release(m.now)
	}
	return nil
}

// sampledAt is when a live snapshot was read: its own time (collection
// time counts toward its age), or when it arrived if it has none or the
// clocks disagree.
func sampledAt(s *collect.Snapshot, arrived time.Time) time.Time {
	if !s.Time.IsZero() && s.Time.Before(arrived) {
		return s.Time
	}
	return arrived
}

// age is how old the shown numbers are: wall time since they were sampled
// (live), or recorded time since the snapshot was released (replay).
func (m *Model) age() time.Duration {
	if m.shownAt.IsZero() {
		return 0
	}
	return time.Duration(float64(m.now.Sub(m.shownAt)) * m.opt.Speed)
}

// staleLimit is the age after which the numbers are marked stale.
func (m *Model) staleLimit() time.Duration {
	iv := m.opt.Interval
	if iv <= 0 {
		iv = time.Second
	}
	return time.Duration(m.opt.StaleAfter) * iv
}

// stale reports whether the shown numbers are older than the sampler
// should ever let them be. A replay that reached its end is not stale: it
// says it ended.
func (m *Model) stale() bool {
	return m.fr != nil && !(m.ended && m.feedErr == nil && m.opt.Replay) && m.age() > m.staleLimit()
}
