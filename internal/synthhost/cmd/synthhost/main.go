// Command synthhost writes a recording of the synthetic 256-CPU host (see
// package synthhost) that netvet replays with --root DIR.
//
//	go run ./internal/synthhost/cmd/synthhost -o /tmp/bighost -n 60 -interval 1s
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/netvet/netvet/internal/synthhost"
)

func main() {
	o := synthhost.Default()
	out := flag.String("o", "", "output folder (must not exist or be empty)")
	n := flag.Int("n", 60, "number of snapshots")
	flag.DurationVar(&o.Interval, "interval", o.Interval, "time between snapshots")
	flag.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (same seed, same files)")
	flag.IntVar(&o.ConfigEvery, "config-every", 0, "configuration files in every Nth snapshot (0: the first only)")
	flag.IntVar(&o.SoftnetColumns, "softnet-columns", o.SoftnetColumns, "softnet_stat columns: 13 or 15")
	flag.IntVar(&o.SoftnetDropCPU, "softnet-drop-cpu", -1, "inject backlog drops on this CPU (-1: none)")
	flag.Float64Var(&o.SoftnetDropRate, "softnet-drop-rate", 200, "backlog drops per second on -softnet-drop-cpu")
	flag.Float64Var(&o.ListenOverflowRate, "listen-overflow-rate", 0, "inject accept-queue overflows per second")
	flag.StringVar(&o.RxMissedIface, "rx-missed-iface", "", "inject NIC receive misses on this interface")
	flag.Float64Var(&o.RxMissedRate, "rx-missed-rate", 500, "receive misses per second on -rx-missed-iface")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: synthhost -o DIR [-n 60] [-interval 1s] [flags]")
		flag.PrintDefaults()
		os.Exit(2)
	}
	meta, err := synthhost.WriteRecording(*out, o, *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d snapshots of %s to %s\n", len(meta.Snapshots), meta.Host, *out)
}
