// Package tui is the live terminal dashboard of netvet top (bubbletea v2).
//
// Data flows one way, as in the rest of netvet: a Feed hands out
// collect.Snapshots (the live Sampler, or a recording replayed at its own
// pace); each new snapshot enters a sliding window, and the work it causes is
// done once, in Update: the newest interval's rates through a two-snapshot
// analyze.Window, the window's series for the charts, and analyze.Analyze over
// the whole window for the findings. View is a pure function of the Model: it
// lays out what Update computed for the terminal's size, the screen, the sort,
// the filter and the scroll position, and never reads a clock or a file.
//
// Freshness is part of the model: a tick message every second moves the
// model's idea of "now", the header shows the sample's age, and once no new
// sample has come for three intervals every screen says its numbers are stale.
package tui
