package export

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/synthhost"
)

// The cost of one scrape of the synthetic 256-CPU host (4×64-queue NICs,
// ~1,000 interrupt lines): gather and encode a snapshot already read
// (Render), and the whole of it from the files (Live: collect, gather,
// encode, gzip). go test ./export -run '^$' -bench Scrape -benchmem

func benchHost(b *testing.B) *synthhost.Host {
	b.Helper()
	h, err := synthhost.New(synthhost.Default())
	if err != nil {
		b.Fatal(err)
	}
	return h
}

func benchRender(b *testing.B, e *Exporter, gz bool) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(e)
	h := NewHandler(reg, nil, HandlerOptions{})
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		n = int64(rec.Body.Len())
	}
	b.ReportMetric(float64(n), "bytes/scrape")
}

func BenchmarkScrapeRenderSynthHost(b *testing.B) {
	h := benchHost(b)
	snap := collectFSB(b, h)
	for _, tc := range []struct {
		name string
		opts Options
	}{{"default", Options{}}, {"fold", Options{FoldCPUs: true}}} {
		b.Run(tc.name, func(b *testing.B) { benchRender(b, fixed(snap, tc.opts), false) })
	}
}

func BenchmarkScrapeLiveSynthHost(b *testing.B) {
	h := benchHost(b)
	for _, tc := range []struct {
		name string
		opts Options
	}{{"default", Options{}}, {"fold", Options{FoldCPUs: true}}} {
		b.Run(tc.name, func(b *testing.B) {
			o := &fakeOrigin{fsys: h.FS()}
			benchRender(b, NewLive(o, tc.opts, nil), true)
		})
	}
}

func collectFSB(b *testing.B, h *synthhost.Host) *collect.Snapshot {
	b.Helper()
	return collect.NewCollector().Collect(context.Background(), h.FS(), nil, true)
}
