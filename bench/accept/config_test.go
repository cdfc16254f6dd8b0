package accept

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string // substring of the error; "" for none
	}{
		{"defaults", func(*Config) {}, ""},
		{"no model", func(c *Config) { c.Models = nil }, "--models: no model selected"},
		{"unknown model", func(c *Config) { c.Models = []Model{"reuseport-magic"} }, `--models: unknown model "reuseport-magic"`},
		{"model twice", func(c *Config) { c.Models = []Model{Reuseport, Reuseport} }, `--models: "reuseport" listed twice`},
		{"no mode", func(c *Config) { c.Modes = nil }, "--mode: no mode selected"},
		{"unknown mode", func(c *Config) { c.Modes = []Mode{"pipelined"} }, `--mode: unknown mode "pipelined"`},
		{"zero workers", func(c *Config) { c.Workers = 0 }, "--workers: 0 is out of range 1..1024"},
		{"too many workers", func(c *Config) { c.Workers = 5000 }, "--workers: 5000 is out of range"},
		{"zero conns", func(c *Config) { c.Conns = 0 }, "--conns: 0 is out of range"},
		{"more threads than conns", func(c *Config) { c.ClientThreads = 8; c.Conns = 4 }, "--client-threads: 8 threads for 4 connections"},
		{"short window", func(c *Config) { c.Duration = time.Millisecond }, "--duration: 1ms is too short"},
		{"negative warmup", func(c *Config) { c.Warmup = -time.Second }, "--warmup: -1s is negative"},
		{"negative rate", func(c *Config) { c.Rate = -5 }, "--rate: -5 is negative"},
		{"negative churn", func(c *Config) { c.Churn = -time.Second }, "--churn: -1s is negative"},
		{"churn too fast", func(c *Config) { c.Churn = time.Millisecond }, "--churn: 1ms is shorter than 10ms"},
		{"zero requests per conn", func(c *Config) { c.RequestsPerConn = 0 }, "--requests-per-conn: 0 must be at least 1"},
		{"zero backlog", func(c *Config) { c.Backlog = 0 }, "--backlog: 0 must be at least 1"},
		{"zero accept batch", func(c *Config) { c.AcceptBatch = 0 }, "--accept-batch: 0 must be at least 1"},
		{"tiny timeout", func(c *Config) { c.Timeout = time.Microsecond }, "--timeout: 1µs is shorter than 1ms"},
		{"zero repeat", func(c *Config) { c.Repeat = 0 }, "--repeat: 0 is out of range 1..100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig(2)
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want no error", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestParseModelsAndModes(t *testing.T) {
	ms, err := ParseModels("reuseport, shared-epoll")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Model{Reuseport, SharedEpoll}, ms); diff != "" {
		t.Errorf("ParseModels (-want +got):\n%s", diff)
	}
	if ms, _ := ParseModels("all"); len(ms) != 8 {
		t.Errorf("ParseModels(all) = %d models, want 8", len(ms))
	}
	if _, err := ParseModels("reuseport,epoll"); err == nil || !strings.Contains(err.Error(), `unknown model "epoll"`) {
		t.Errorf("ParseModels with a typo: %v", err)
	}
	md, err := ParseModes("both")
	if err != nil || !cmp.Equal(md, []Mode{Close, KeepAlive}) {
		t.Errorf("ParseModes(both) = %v, %v", md, err)
	}
	if _, err := ParseModes("close,http2"); err == nil || !strings.Contains(err.Error(), `unknown mode "http2"`) {
		t.Errorf("ParseModes with a typo: %v", err)
	}
}
