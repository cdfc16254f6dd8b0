package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Bad command lines fail before anything runs, with exit code 2 and an
// error that names the flag.
func TestBenchAcceptBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--workers", "0"}, "--workers: 0 is out of range"},
		{[]string{"--models", "reuseport,nope"}, `--models: unknown model "nope"`},
		{[]string{"--mode", "pipeline"}, `--mode: unknown mode "pipeline"`},
		{[]string{"--format", "xml"}, `--format: "xml" is not table or json`},
		{[]string{"--churn", "1ms"}, "--churn: 1ms is shorter than 10ms"},
		{[]string{"--listen", "8080", "--target", "127.0.0.1:80"}, "--listen and --target exclude each other"},
		{[]string{"--listen", "8080"}, "--listen serves one model: name it with --models"},
		{[]string{"--listen", "70000", "--models", "reuseport"}, "--listen: port 70000 is out of range"},
		{[]string{"--target", "localhost"}, "--target:"},
		{[]string{"--requests-per-conn", "0"}, "--requests-per-conn: 0 must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			root := newRootCmd()
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(&out)
			root.SetArgs(append([]string{"bench", "accept"}, tt.args...))
			err := root.Execute()
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 2 {
				t.Fatalf("error %v, want exit code 2", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}
