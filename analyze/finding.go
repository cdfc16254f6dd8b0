package analyze

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Severity orders findings. Critical: data is being lost now (drops or
// overflows rising inside the window). Warning: a configuration or imbalance
// that limits the host. Info: a tuning opportunity.
type Severity int

const (
	Info Severity = iota + 1
	Warning
	Critical
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Critical:
		return "critical"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads "info", "warning" or "critical".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "info":
		return Info, nil
	case "warning", "warn":
		return Warning, nil
	case "critical", "crit":
		return Critical, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want info, warning or critical)", s)
}

// MarshalText writes the lower-case name, so JSON carries "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads the lower-case name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finding is one thing the analyzer found (DESIGN.md "Findings" contract).
type Finding struct {
	ID              string           `json:"id"`       // stable, dotted: "softnet.drops"
	Severity        Severity         `json:"severity"` // info, warning, critical
	Subject         string           `json:"subject"`  // "cpu3", "eth0", "eth0/rx-2", "bond0/eth1", "0.0.0.0:443", "host"
	Summary         string           `json:"summary"`  // one line a person reads
	Evidence        []Evidence       `json:"evidence"`
	Recommendations []Recommendation `json:"recommendations,omitempty"`
}

// Evidence is one number a finding used.
type Evidence struct {
	Metric string   `json:"metric"`           // "dropped", "share of NIC interrupts", "net.core.somaxconn"
	Value  float64  `json:"value"`            // the delta over the window, a share, a setting
	Rate   *float64 `json:"rate,omitempty"`   // per second over the window, when it is a counter
	Unit   string   `json:"unit,omitempty"`   // "packets", "%", "bytes", "interrupts"
	Text   string   `json:"text,omitempty"`   // the value as text when it is not a number ("0-3,8", "down")
	Source string   `json:"source,omitempty"` // "proc/net/softnet_stat", "sys/class/net/eth0/queues/rx-0/rps_cpus"
}

// Recommendation is what to do, for this host, with its cost.
type Recommendation struct {
	Summary  string   `json:"summary"`            // why, with numbers
	Commands []string `json:"commands,omitempty"` // to run now, exactly as a person pastes them
	// Changes are the settings Commands change, for `netvet plan` and
	// `netvet apply`; the commands are made from them. Empty when the new
	// value depends on something the snapshot did not hold.
	Changes []Change `json:"changes,omitempty"`
	Persist string   `json:"persist,omitempty"` // how to make it survive a reboot
	Risk    string   `json:"risk,omitempty"`    // what could go wrong, in one line
}

// findingJSON keeps the wire form stable if Finding grows unexported helpers.
type findingJSON Finding

// MarshalJSON writes empty evidence as [] rather than null.
func (f Finding) MarshalJSON() ([]byte, error) {
	if f.Evidence == nil {
		f.Evidence = []Evidence{}
	}
	return json.Marshal(findingJSON(f))
}
