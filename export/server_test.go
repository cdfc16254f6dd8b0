package export

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
)

func get(t *testing.T, h http.Handler, path string, header ...string) (int, string, http.Header) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b), rec.Result().Header
}

func handlerFor(e *Exporter, an *Analyzer, o HandlerOptions) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(e)
	return NewHandler(reg, an, o)
}

func TestHandlerPages(t *testing.T) {
	an := NewAnalyzer(time.Minute, 0, analyze.Options{})
	e := NewFixed(&collect.Snapshot{Softnet: []collect.SoftnetCPU{{CPU: 0, Processed: 5, Columns: 13}}}, Options{Version: "1.2.3"}, an)
	h := handlerFor(e, an, HandlerOptions{Source: "this host (vm)", Version: "1.2.3"})

	code, body, hdr := get(t, h, "/metrics")
	if code != http.StatusOK || !strings.Contains(body, `netvet_softnet_processed_total{cpu="0"} 5`) || !strings.Contains(body, `version="1.2.3"`) {
		t.Errorf("/metrics: %d\n%s", code, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("/metrics content type %q", ct)
	}
	// OpenMetrics when Prometheus asks for it.
	_, body, hdr = get(t, h, "/metrics", "Accept", "application/openmetrics-text;version=1.0.0")
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/openmetrics-text") || !strings.HasSuffix(body, "# EOF\n") {
		t.Errorf("OpenMetrics: %q, ends %q", ct, body[max(0, len(body)-20):])
	}

	code, body, _ = get(t, h, "/")
	for _, want := range []string{`href="metrics"`, `href="healthz"`, "this host (vm)", "netvet 1.2.3", "no window yet"} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("/: %d, no %q in\n%s", code, want, body)
		}
	}
	an.last = &Analysis{Snapshots: 21, Seconds: 300, Result: analyze.Result{Findings: []analyze.Finding{{ID: "softnet.drops"}}}}
	if _, body, _ = get(t, h, "/"); !strings.Contains(body, "1 finding(s) over the last 21 snapshots (300 s)") {
		t.Errorf("/ after an analysis:\n%s", body)
	}

	if code, body, _ = get(t, h, "/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	an.err = errors.New("sample 7: proc/net/softnet_stat: permission denied")
	if code, body, _ = get(t, h, "/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "permission denied") {
		t.Errorf("/healthz after the sampler failed: %d %q", code, body)
	}

	if code, _, _ = get(t, h, "/nothing"); code != http.StatusNotFound {
		t.Errorf("/nothing: %d, want 404", code)
	}
	req := httptest.NewRequest(http.MethodPost, "/metrics", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics: %d, want 405", rec.Code)
	}
}

// A scrape that cannot be answered in time gets 503, not a hung socket;
// a read that fails gets 500 (Prometheus records up = 0 either way).
func TestHandlerTimeoutAndError(t *testing.T) {
	o := &fakeOrigin{fsys: softnetFS()}
	release := o.hold()
	defer release()
	h := handlerFor(NewLive(o, Options{}, nil), nil, HandlerOptions{Timeout: 50 * time.Millisecond})
	start := time.Now()
	if code, _, _ := get(t, h, "/metrics"); code != http.StatusServiceUnavailable {
		t.Errorf("slow read: %d, want 503", code)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the timed-out scrape took %s", d)
	}

	bad := &fakeOrigin{err: errors.New("sockdiag: operation not permitted")}
	h = handlerFor(NewLive(bad, Options{}, nil), nil, HandlerOptions{})
	if code, body, _ := get(t, h, "/metrics"); code != http.StatusInternalServerError || !strings.Contains(body, "operation not permitted") {
		t.Errorf("failed read: %d %q, want 500 naming the error", code, body)
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := map[string]bool{
		"":                       false,
		"gzip":                   true,
		"gzip, deflate, br":      true,
		"br;q=1.0, gzip;q=0.8":   true,
		"gzip;q=0":               false,
		"*":                      true,
		"*;q=0.1, gzip;q=0":      false,
		"identity":               false,
		"GZIP":                   true,
		"deflate, *;q=0":         false,
		"x-gzip":                 false,
		"gzip;q=0.000, identity": false,
	}
	for h, want := range tests {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}

// Concurrent scrapes share one rendered response (one read of the host);
// a gzip one decodes to the same exposition.
func TestHandlerSharesResponses(t *testing.T) {
	o := &fakeOrigin{fsys: softnetFS()}
	release := o.hold()
	entered := o.entered()
	h := handlerFor(NewLive(o, Options{}, nil), nil, HandlerOptions{})
	const n = 10
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var code int
			code, bodies[i], _ = get(t, h, "/metrics")
			if code != http.StatusOK {
				t.Errorf("scrape %d: %d", i, code)
			}
		}()
	}
	<-entered
	time.Sleep(50 * time.Millisecond)
	release()
	wg.Wait()
	if calls, _ := o.Calls(); calls != 1 {
		t.Errorf("%d reads for %d concurrent scrapes, want 1", calls, n)
	}
	for i := range bodies {
		if bodies[i] != bodies[0] || !strings.Contains(bodies[i], "netvet_softnet_processed_total") {
			t.Fatalf("scrape %d got another body:\n%s", i, bodies[i])
		}
	}
	code, zipped, hdr := get(t, h, "/metrics", "Accept-Encoding", "gzip")
	if code != http.StatusOK || hdr.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip scrape: %d %v", code, hdr)
	}
	zr, err := gzip.NewReader(strings.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(plain), `netvet_softnet_processed_total{cpu="0"} 10`) {
		t.Errorf("gunzipped body:\n%s", plain)
	}
}

// FuzzAcceptsGzip: any header is answered without a panic, and a header
// that names neither gzip nor "*" never gets gzip.
func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*;q=0.1", "gzip;q=", ";;,,", "gzip;q=NaN", "gzip;q=1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		lower := strings.ToLower(h)
		if acceptsGzip(h) && !strings.Contains(lower, "gzip") && !strings.Contains(h, "*") {
			t.Errorf("acceptsGzip(%q) = true", h)
		}
	})
}
