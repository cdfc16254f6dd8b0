// Package report renders self-contained HTML reports with plots, and prints
// them to PDF through headless Chromium.
package report
