// Package report turns an analysis into the document an engineer attaches
// to a ticket: one self-contained HTML page (inline CSS and SVG, no script,
// nothing fetched from the network) with the findings, plots of the counters
// they rest on, the configuration next to what the findings recommend, and
// benchmark results; or a before/after comparison of two recordings of one
// host. The same page, printed by headless Chromium, is the PDF.
//
// Data flows one way (see DESIGN.md): Build reads an analyze.Window and its
// analyze.Result and produces a Report, a plain value whose every string is
// text; Render writes it through html/template, which escapes it, and the
// plots are gonum/plot SVG whose text gonum escapes. Nothing here reads the
// host: the window may come from a recording made elsewhere.
package report
