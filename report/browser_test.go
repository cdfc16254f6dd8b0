package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/netvet/netvet/fixtures"
)

// artifacts is where the browser tests leave their screenshots and PDFs:
// $NETVET_REPORT_ARTIFACTS when set (to look at them), else a temporary
// folder.
func artifacts(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("NETVET_REPORT_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// chromium returns the browser, or skips: CI installs
// chromium-headless-shell (.ci/run), a developer box may not have it.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Chromium (-short)")
	}
	bin, err := FindChromium(os.Getenv("NETVET_CHROMIUM"))
	if err != nil {
		t.Skipf("no Chromium here (apt-get install chromium-headless-shell): %v", err)
	}
	return bin
}

// fullReport is a report with every kind of plot: a real-kernel recording
// with a listener, and both benchmark files.
func fullReport(t *testing.T) *Report {
	t.Helper()
	b, err := LoadBench([]string{"testdata/copy.json", "testdata/accept.json"})
	if err != nil {
		t.Fatal(err)
	}
	return build(t, fixtures.Path("recordings", "listen-overflow"), b)
}

// TestBrowserLoadsReport opens the page from a file in headless Chromium:
// nothing may reach the console (a blocked fetch under the page's CSP, a
// script, a parse error all do), every plot's SVG must have a size, and a
// full-page screenshot is taken.
func TestBrowserLoadsReport(t *testing.T) {
	bin := chromium(t)
	out := artifacts(t)
	r := fullReport(t)
	path := filepath.Join(out, "report.html")
	if err := WriteHTML(path, testPage(r)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := StartBrowser(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	cctx, stopConsole := context.WithCancel(b.Context())
	var mu sync.Mutex
	var console []string
	var wg sync.WaitGroup
	msgs := chromedp.Console(cctx)
	wg.Go(func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			mu.Lock()
			console = append(console, m.String())
			mu.Unlock()
		}
	})
	if err := b.Open(path); err != nil {
		t.Fatal(err)
	}
	type box struct {
		Label         string
		Width, Height float64
	}
	boxes, err := chromedp.Run(b.Context(), chromedp.Evaluate[[]box](`Array.from(document.querySelectorAll("svg")).map(s => {
		const r = s.getBoundingClientRect();
		return {Label: s.getAttribute("aria-label") || "", Width: r.width, Height: r.height};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	nsvg := 0
	for _, p := range append(r.Plots, benchPlots(r)...) {
		if p.SVG != "" {
			nsvg++
		}
	}
	if len(boxes) != nsvg {
		t.Errorf("%d SVGs in the browser, want %d (one per plot with data)", len(boxes), nsvg)
	}
	for _, bx := range boxes {
		if bx.Width <= 0 || bx.Height <= 0 {
			t.Errorf("SVG %q has size %.0f×%.0f", bx.Label, bx.Width, bx.Height)
		}
	}
	findings, err := chromedp.Run(b.Context(), chromedp.Evaluate[int](`document.querySelectorAll("article.finding").length`))
	if err != nil {
		t.Fatal(err)
	}
	if findings != len(r.Findings) {
		t.Errorf("%d findings shown, want %d", findings, len(r.Findings))
	}
	shot, err := chromedp.Run(b.Context(), chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if sz := img.Bounds().Size(); sz.X < 800 || sz.Y < 2000 {
		t.Errorf("screenshot %v: the page did not lay out", sz)
	}
	if err := os.WriteFile(filepath.Join(out, "report.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	// Console events arrive asynchronously; give late ones a moment.
	time.Sleep(200 * time.Millisecond)
	stopConsole()
	wg.Wait()
	for _, m := range console {
		t.Errorf("console: %s", m)
	}
}

func benchPlots(r *Report) []Plot {
	var out []Plot
	if r.Bench != nil && r.Bench.Copy != nil {
		out = append(out, r.Bench.Copy.Plots...)
	}
	if r.Bench != nil && r.Bench.Accept != nil {
		out = append(out, r.Bench.Accept.Plots...)
	}
	return out
}

// poppler runs a poppler-utils tool, or skips when it is missing.
func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s not installed (apt-get install poppler-utils)", tool)
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestPDF prints the report as `netvet report --pdf` does and reads the PDF
// back with poppler: A4 pages, the host name and every finding ID in its
// text, page 1 rendered to PNG.
func TestPDF(t *testing.T) {
	bin := chromium(t)
	out := artifacts(t)
	r := fullReport(t)
	html := filepath.Join(t.TempDir(), "print.html")
	p := testPage(r)
	p.Print = true
	if err := WriteHTML(html, p); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(out, "report.pdf")
	if err := WritePDF(context.Background(), bin, html, pdf, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	info := poppler(t, "pdfinfo", pdf)
	if !strings.Contains(info, "(A4)") {
		t.Errorf("not A4:\n%s", info)
	}
	txt := poppler(t, "pdftotext", "-layout", pdf, "-")
	want := []string{"netvet report: " + r.Host.Hostname}
	for _, f := range r.Findings {
		want = append(want, f.ID)
	}
	for _, w := range want {
		if !strings.Contains(txt, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	prefix := filepath.Join(out, "report-page")
	poppler(t, "pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, prefix)
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("page 1: %v", err)
	}
	// A4 at 60 dpi is 496×702 pixels.
	if sz := img.Bounds().Size(); sz.X < 480 || sz.X > 510 || sz.Y < 690 || sz.Y > 715 {
		t.Errorf("page 1 renders at %v, want A4 at 60 dpi (496×702)", sz)
	}
}

// TestPDFNamesWithMarkup prints the evil recording: the names come out of
// the PDF as the text they are.
func TestPDFNamesWithMarkup(t *testing.T) {
	bin := chromium(t)
	r := build(t, evilRecording(t), Bench{})
	dir := t.TempDir()
	html := filepath.Join(dir, "print.html")
	p := testPage(r)
	p.Print = true
	if err := WriteHTML(html, p); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "evil.pdf")
	if err := WritePDF(context.Background(), bin, html, pdf, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	txt := poppler(t, "pdftotext", pdf, "-")
	for _, name := range []string{evilHost, evilIface, evilBond, evilSlave} {
		if !strings.Contains(txt, name) {
			t.Errorf("PDF text lacks %q", name)
		}
	}
}

// TestWritePDFWithoutChromium names what to install and how to make the
// PDF elsewhere.
func TestWritePDFWithoutChromium(t *testing.T) {
	err := WritePDF(context.Background(), filepath.Join(t.TempDir(), "no-such-chromium"), "x.html", "x.pdf", time.Minute)
	if err == nil {
		t.Fatal("no error without a browser")
	}
	for _, want := range []string{"apt-get install chromium-headless-shell", "netvet record -o DIR", "--root DIR"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
