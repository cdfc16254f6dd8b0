// Command mkfixtures records netvet's real-kernel fixtures: it runs each
// scenario of internal/scenario (network namespaces, veth pairs, tiny
// backlogs) and `netvet record` while the problem happens, plus an idle
// recording of this host, and writes a NOTES.md saying how each was made.
// Run as root: go run ./internal/scenario/mkfixtures -netvet bin/netvet -o fixtures/recordings
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/netvet/netvet/internal/netns"
	"github.com/netvet/netvet/internal/scenario"
)

func main() {
	bin := flag.String("netvet", "bin/netvet", "netvet binary")
	out := flag.String("o", "fixtures/recordings", "folder for the recordings")
	dur := flag.Duration("duration", 5*time.Second, "length of each recording")
	only := flag.String("only", "", "comma-separated scenario names (idle included); default all")
	flag.Parse()
	if why := netns.Available(); why != "" {
		fail(why)
	}
	abs, err := filepath.Abs(*bin)
	if err != nil {
		fail(err.Error())
	}
	want := func(name string) bool {
		return *only == "" || strings.Contains(","+*only+",", ","+name+",")
	}
	record := func(name, about string, ns *netns.NS) error {
		dir := filepath.Join(*out, name)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		args := []string{"record", "-o", dir, "--duration", dur.String(), "--interval", "1s"}
		code, _, stderr, err := scenario.Netvet(abs, ns, args...)
		if err != nil || code != 0 {
			return fmt.Errorf("%s: netvet record exit %d: %v %s", name, code, err, stderr)
		}
		host, _ := os.Hostname()
		notes := fmt.Sprintf("# %s\n\nRecorded by `go run ./internal/scenario/mkfixtures` on %s (host %q) with\n`netvet record --duration %s --interval 1s`.\n\n%s\n",
			name, time.Now().UTC().Format("2006-01-02"), host, dur, about)
		fmt.Printf("%s: %s", name, stderr)
		return os.WriteFile(filepath.Join(dir, "NOTES.md"), []byte(notes), 0o644)
	}
	if want("idle") {
		if err := record("idle", "This machine (a 2-vCPU VM) with nothing running on purpose: the control that must stay quiet.", nil); err != nil {
			fail(err.Error())
		}
	}
	for _, sc := range scenario.Scenarios() {
		if !want(sc.Name) {
			continue
		}
		err := sc.Run(func(ns *netns.NS) error { return record(sc.Name, sc.About, ns) })
		if err != nil {
			fail(err.Error())
		}
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "mkfixtures:", msg)
	os.Exit(1)
}
