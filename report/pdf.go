package report

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumCandidates are the browsers tried, in order, when none is named.
// Debian's chromium-headless-shell installs the binary under
// /usr/lib/chromium and a shell wrapper in /usr/bin; the binary itself
// comes first, so that stopping it stops the browser and not a wrapper.
var chromiumCandidates = []string{
	"/usr/lib/chromium/chromium-headless-shell",
	"chromium-headless-shell",
	"headless_shell",
	"chromium",
	"chromium-browser",
	"google-chrome",
	"google-chrome-stable",
}

// ErrNoChromium says that no browser was found to print the PDF.
var ErrNoChromium = errors.New(`no Chromium found to print the PDF.
Install Debian's headless Chromium (apt-get install chromium-headless-shell), or name
a Chrome or Chromium binary with --chromium PATH. The HTML report needs no browser;
the PDF can also be made on another machine from a recording:
  here:   netvet record -o DIR
  there:  netvet report --root DIR -o report.html --pdf report.pdf`)

// FindChromium returns the browser to drive: path when given (it must
// exist), else the first of chromiumCandidates on this machine.
func FindChromium(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("--chromium %s: %w\n%w", path, err, ErrNoChromium)
		}
		return p, nil
	}
	for _, c := range chromiumCandidates {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// Browser is a headless Chromium started for one job, with a profile
// directory of its own that Close removes.
type Browser struct {
	ctx     context.Context // a tab's context: chromedp.Run uses it
	cancel  func()
	profile string
}

// StartBrowser starts bin headless. The network here may be closed, and a
// report fetches nothing, so everything that would phone home is off; as
// root Chromium refuses to start without --no-sandbox.
func StartBrowser(ctx context.Context, bin string) (*Browser, error) {
	profile, err := os.MkdirTemp("", "netvet-chromium-")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-sandbox", os.Geteuid() == 0),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1200, 900),
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	tctx, tcancel := chromedp.NewContext(actx)
	b := &Browser{ctx: tctx, profile: profile, cancel: func() { tcancel(); acancel() }}
	// The first Run starts the browser.
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[int]("1")); err != nil {
		b.Close()
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	return b, nil
}

// Close stops the browser and removes its profile.
func (b *Browser) Close() {
	b.cancel()
	os.RemoveAll(b.profile)
}

// Context is the browser tab's context, for chromedp.Run.
func (b *Browser) Context() context.Context { return b.ctx }

// Open loads a local HTML file and waits for it to load.
func (b *Browser) Open(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	u := url.URL{Scheme: "file", Path: abs}
	return chromedp.Do(b.ctx, chromedp.Navigate(u.String()))
}

// footer numbers the pages; Chromium fills the span classes.
const footer = `<div style="font: 8px sans-serif; width: 100%; text-align: center; color: #57606a"><span class="title"></span> — page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`

// PrintPDF prints the loaded page on A4 (the page's @page rule sets the
// margins), with backgrounds (severity colours) and page numbers.
func (b *Browser) PrintPDF() ([]byte, error) {
	return chromedp.Run(b.ctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFPreferCSSPageSize(),
		chromedp.PDFPrintBackground(),
		chromedp.PDFHeaderTemplate("<span></span>"),
		chromedp.PDFFooterTemplate(footer),
		chromedp.PDFOutlineAndTagged(),
		chromedp.PDFStream(),
	))
}

// WritePDF renders htmlPath to pdfPath with the browser bin ("" finds one).
func WritePDF(ctx context.Context, bin, htmlPath, pdfPath string, timeout time.Duration) error {
	bin, err := FindChromium(bin)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	b, err := StartBrowser(ctx, bin)
	if err != nil {
		return err
	}
	defer b.Close()
	if err := b.Open(htmlPath); err != nil {
		return fmt.Errorf("loading %s in Chromium: %w", htmlPath, err)
	}
	pdf, err := b.PrintPDF()
	if err != nil {
		return fmt.Errorf("printing %s: %w", htmlPath, err)
	}
	if !strings.HasPrefix(string(pdf[:min(len(pdf), 5)]), "%PDF-") {
		return fmt.Errorf("printing %s: Chromium returned no PDF", htmlPath)
	}
	return writeFileAtomic(pdfPath, pdf)
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it, so an interrupted run never leaves half a document under the name.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
