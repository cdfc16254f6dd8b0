package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netvet/netvet/fixtures"
	"github.com/netvet/netvet/report"
)

func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	rec := fixtures.Path("recordings", "softnet-drops")
	out := filepath.Join(dir, "r.html")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "-o report.html and/or --pdf report.pdf"},
		{[]string{"report", "-o", out, "--before", rec}, "--before and --after go together"},
		{[]string{"report", "-o", out, "--after", rec}, "--before and --after go together"},
		{[]string{"report", "-o", out, "--before", rec, "--after", rec, "--root", rec}, "--root is for a single report"},
		{[]string{"report", "-o", out, "--before", rec, "--after", rec, "--bench", "x.json"}, "--bench goes with a single report"},
		{[]string{"report", "-o", out, "--root", rec, "--rtt", "-1s"}, "--rtt -1s: must be positive"},
		{[]string{"report", "-o", out, "--root", rec, "--bandwidth", "fast"}, `--bandwidth "fast"`},
		{[]string{"report", "-o", out, "--interval", "0s"}, "--interval must be > 0"},
		{[]string{"report", "-o", out, "--root", filepath.Join(dir, "nope")}, filepath.Join(dir, "nope")},
		{[]string{"report", "-o", out, "--root", rec, "--bench", filepath.Join(dir, "nope.json")}, "nope.json"},
		{[]string{"report", "-o", out, "--before", rec, "--after", filepath.Join(dir, "gone")}, "--after " + filepath.Join(dir, "gone")},
		{[]string{"report", "-o", filepath.Join(dir, "no", "such", "dir", "r.html"), "--root", rec}, "no such file or directory"},
		// No browser: the error says how to get one or where else to print,
		// before anything is sampled or written.
		{[]string{"report", "-o", out, "--pdf", filepath.Join(dir, "r.pdf"), "--root", rec, "--chromium", filepath.Join(dir, "no-chromium")},
			"apt-get install chromium-headless-shell"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != 1 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 1 mentioning %q", code, stderr, tt.want)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed report left %s behind (%v)", out, err)
	}
}

// readPage returns the HTML a command wrote.
func readPage(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReportFromRecordingWithBench(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.html")
	bench := filepath.Join("..", "..", "report", "testdata")
	code, _, stderr := runCLI(t, "report", "--root", fixtures.Path("recordings", "listen-overflow"), "-o", out,
		"--bench", filepath.Join(bench, "copy.json")+","+filepath.Join(bench, "accept.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	page := readPage(t, out)
	for _, want := range []string{"<title>netvet report: vm</title>", `id="bench"`, "tcp.listen_overflow", `data-plot="copy-throughput"`, `data-plot="accept-fairness"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if !strings.Contains(stderr, "wrote "+out) {
		t.Errorf("stderr %q does not say what it wrote", stderr)
	}
}

func TestReportBeforeAfter(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cmp.html")
	code, _, stderr := runCLI(t, "report", "--before", fixtures.Path("recordings", "softnet-drops"),
		"--after", fixtures.Path("recordings", "rps-multiqueue-veth"), "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	page := readPage(t, out)
	for _, want := range []string{"<title>netvet before/after: vm</title>", `id="changes"`, `<tr data-finding="softnet.drops">`, "went away"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestReportLiveHost samples this host once (totals since boot), as
// `netvet report -o FILE --duration 0` does.
func TestReportLiveHost(t *testing.T) {
	out := filepath.Join(t.TempDir(), "live.html")
	code, _, stderr := runCLI(t, "report", "-o", out, "--duration", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	host, _ := os.Hostname()
	page := readPage(t, out)
	for _, want := range []string{"this host (" + host + ")", "one snapshot: counters are totals since boot"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

func TestReportPDF(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium (-short)")
	}
	if _, err := report.FindChromium(""); err != nil {
		t.Skipf("no Chromium here: %v", err)
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "r.pdf")
	code, _, stderr := runCLI(t, "report", "--root", fixtures.Path("recordings", "softnet-drops"), "--pdf", pdf)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b := readPage(t, pdf); !strings.HasPrefix(b, "%PDF-") {
		t.Errorf("%s is no PDF: %.20q", pdf, b)
	}
	// --pdf alone writes no HTML next to it.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files in %s: %v, want only the PDF", dir, ents)
	}
}
