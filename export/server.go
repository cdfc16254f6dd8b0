package export

import (
	"fmt"
	"html/template"
	"log"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// HandlerOptions configure the HTTP side of serve.
type HandlerOptions struct {
	// Timeout bounds one /metrics request; past it the scraper gets a 503.
	// 0: DefaultScrapeTimeout.
	Timeout time.Duration
	// Source describes what is exported ("this host (vm)", "recording
	// /tmp/x"), for the index page.
	Source string
	// Version is netvet's, for the index page.
	Version string
	// ErrorLog receives scrape errors; nil: discarded.
	ErrorLog *log.Logger
}

// NewHandler serves / (a page of links), /metrics (g in the Prometheus
// formats) and /healthz (200 while the analyzer's sampler runs, 503 once it
// failed). an may be nil.
func NewHandler(g prometheus.Gatherer, an *Analyzer, o HandlerOptions) http.Handler {
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultScrapeTimeout
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", &metricsHandler{g: g, timeout: timeout, log: o.ErrorLog})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if an != nil {
			if err := an.Err(); err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintf(w, "analyzer stopped: %v\n", err)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		page := indexPage{Version: o.Version, Source: o.Source}
		if an != nil {
			if a := an.Latest(); a != nil {
				page.Analyzed = true
				page.Findings = len(a.Result.Findings)
				page.Snapshots = a.Snapshots
				page.Seconds = a.Seconds
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := indexTmpl.Execute(w, page); err != nil && o.ErrorLog != nil {
			o.ErrorLog.Printf("index page: %v", err)
		}
	})
	return mux
}

type indexPage struct {
	Version, Source string
	Analyzed        bool
	Findings        int
	Snapshots       int
	Seconds         float64
}

var indexTmpl = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>netvet serve</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;line-height:1.5}code{background:#eee;padding:0 .2em}</style>
</head><body>
<h1>netvet serve</h1>
<p>Network-stack counters and findings of {{.Source}}{{with .Version}} (netvet {{.}}){{end}}.</p>
<ul>
<li><a href="metrics">/metrics</a>: the Prometheus exposition (one fresh snapshot per scrape)</li>
<li><a href="healthz">/healthz</a>: whether the background analyzer runs</li>
</ul>
<p>{{if .Analyzed}}{{.Findings}} finding(s) over the last {{.Snapshots}} snapshots ({{printf "%.0f" .Seconds}} s): <code>netvet_finding</code>.{{else}}The analyzer has no window yet: findings appear after its second snapshot.{{end}}</p>
<p>Alerting rules for these series: <code>netvet rules</code>.</p>
</body></html>
`))
