package report

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/netvet/netvet/analyze"
	"github.com/netvet/netvet/collect"
	"github.com/netvet/netvet/internal/synthhost"
)

// BenchmarkReportSynth256 is the speed target: the HTML report of a
// 60-snapshot recording of the synthetic 256-CPU, 4×64-queue host, loading
// included, in ≤ 5 s, and the page ≤ 2 MB (reported as html-bytes).
func BenchmarkReportSynth256(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "synth")
	if _, err := synthhost.WriteRecording(dir, synthhost.Default(), 60); err != nil {
		b.Fatal(err)
	}
	var size int
	for b.Loop() {
		o, err := collect.OpenRoot(dir)
		if err != nil {
			b.Fatal(err)
		}
		var snaps []*collect.Snapshot
		s := &collect.Sampler{Origin: o}
		if err := s.Run(context.Background(), o.Len(), func(sn *collect.Snapshot) error {
			snaps = append(snaps, sn)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		o.Close()
		w := analyze.NewWindow(snaps, o.Interval())
		r, err := Build(Input{Window: w, Result: analyze.Analyze(w, analyze.Options{}), Source: dir, Interval: o.Interval()})
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Render(&buf, NewPage(r, "now", "bench")); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "html-bytes")
}
