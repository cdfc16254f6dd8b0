package collect

import (
	"context"
	"io/fs"
	"time"
)

// Kind names where snapshots come from.
type Kind string

const (
	KindLive      Kind = "live"      // this host, now
	KindRecording Kind = "recording" // a folder with meta.json and one folder per snapshot
	KindSnapshot  Kind = "snapshot"  // one folder with proc/, sys/ or netvet/ at its top
	KindSosreport Kind = "sosreport" // a sosreport folder (sos_commands/)
)

// A Source is one view of a host at one moment: an fs.FS whose paths mirror
// the root ("proc/net/softnet_stat", "sys/class/net/eth0/mtu"), plus the
// virtual netvet/ files (host.json, ethtool/<if>.json, listeners.json,
// tcp_remotes.json, irqbalance.json, addrs.json). Collectors read only
// through it.
type Source = fs.FS

// Moment describes one Source handed out by an Origin.
type Moment struct {
	Index int
	Time  time.Time // zero when unknown
	Full  bool      // the configuration files are there (false: carry the last ones forward)
}

// Origin yields Sources: the live host gives a fresh moment on every call, a
// recording its snapshots in order, a snapshot or sosreport folder one moment.
type Origin interface {
	Kind() Kind
	Path() string // the folder; "" for the live host
	// Len is the number of moments; -1 for the live host (unbounded).
	Len() int
	// Interval is the recording's sampling interval; 0 when unknown or live.
	Interval() time.Duration
	// Source returns moment i. The live host ignores i and reads now, and
	// produces the configuration files only when full is true; a recording
	// reports in Moment.Full whether snapshot i holds them.
	Source(ctx context.Context, i int, full bool) (Source, Moment, error)
	Close() error
}

// LiveOptions configures the live host Origin.
type LiveOptions struct {
	// Root is where proc/ and sys/ are found: "/" on a host; tests and
	// containers with the host's /proc mounted elsewhere point it there.
	Root string
	// NoEthtool skips the ethtool ioctls (netvet/ethtool/*.json absent).
	NoEthtool bool
	// NoSockets skips the inet_diag dumps (listeners.json, tcp_remotes.json absent).
	NoSockets bool
}
