package export

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"golang.org/x/sync/singleflight"
)

// metricsHandler serves /metrics. Requests that arrive while a response is
// being rendered, for the same format and compression, share that
// response: one snapshot, one Gather, one encoding and one gzip for all of
// them. Each flight reads a fresh snapshot, so no scrape gets one taken
// before it arrived unless it joined a read already in progress; and with
// fifty scrapers a request costs a write of shared bytes instead of a
// gather, an encode and a compression of its own.
type metricsHandler struct {
	g       prometheus.Gatherer
	timeout time.Duration
	log     *log.Logger // nil: quiet
	flight  singleflight.Group
}

// rendered is one response body, shared read-only by the requests that
// joined its flight.
type rendered struct {
	body        []byte
	contentType string
	gzip        bool
}

func (h *metricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	format := expfmt.NegotiateAccept(r.Header, expfmt.DefaultOpenMetricsAcceptedFormats()...)
	gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
	key := string(format) + "|" + strconv.FormatBool(gz)
	ctx, cancel := context.WithTimeout(r.Context(), h.timeout)
	defer cancel()
	ch := h.flight.DoChan(key, func() (any, error) { return h.render(format, gz) })
	select {
	case res := <-ch:
		if res.Err != nil {
			h.logf("scrape: %v", res.Err)
			http.Error(w, "An error has occurred while serving metrics:\n\n"+res.Err.Error(), http.StatusInternalServerError)
			return
		}
		out := res.Val.(*rendered)
		w.Header().Set("Content-Type", out.contentType)
		if out.gzip {
			w.Header().Set("Content-Encoding", "gzip")
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(out.body)))
		_, _ = w.Write(out.body)
	case <-ctx.Done():
		h.logf("scrape: no response within %s", h.timeout)
		http.Error(w, fmt.Sprintf("no response within %s", h.timeout), http.StatusServiceUnavailable)
	}
}

// render gathers and encodes; a gather error fails the scrape (Prometheus
// records up = 0) rather than serving a page that silently lacks series.
func (h *metricsHandler) render(format expfmt.Format, gz bool) (*rendered, error) {
	mfs, err := h.g.Gather()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	var zw *gzip.Writer
	var dst interface{ Write([]byte) (int, error) } = &b
	if gz {
		zw = gzip.NewWriter(&b)
		dst = zw
	}
	enc := expfmt.NewEncoder(dst, format)
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return nil, fmt.Errorf("encode %s: %w", mf.GetName(), err)
		}
	}
	if c, ok := enc.(expfmt.Closer); ok {
		if err := c.Close(); err != nil {
			return nil, fmt.Errorf("encode: %w", err)
		}
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
	}
	return &rendered{body: b.Bytes(), contentType: string(format), gzip: gz}, nil
}

func (h *metricsHandler) logf(format string, args ...any) {
	if h.log != nil {
		h.log.Printf(format, args...)
	}
}

// acceptsGzip reads an Accept-Encoding header (RFC 9110 section 12.5.3):
// gzip is acceptable when listed, or covered by "*", with a q-value above 0.
func acceptsGzip(header string) bool {
	ok := false
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if v, found := strings.CutPrefix(strings.TrimSpace(p), "q="); found {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		if name == "gzip" {
			return q > 0 // an explicit gzip entry decides
		}
		ok = q > 0
	}
	return ok
}
