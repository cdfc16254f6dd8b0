// Package archtest enforces DESIGN.md's dependency direction: data flows one
// way (collect → analyze → report/tui/export/tune), and no package imports
// upward. It runs `go list -deps` so the rule holds for indirect imports too.
package archtest

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/netvet/netvet"

// allowed lists, for each top-level package, the project packages it may
// depend on (directly or not). internal/* is open to everyone; cmd/netvet may
// import anything and nothing may import it.
var allowed = map[string][]string{
	"collect":  {},
	"analyze":  {"collect"},
	"bench":    {"collect"},
	"report":   {"collect", "analyze", "bench"},
	"tui":      {"collect", "analyze"},
	"export":   {"collect", "analyze"},
	"tune":     {"collect", "analyze"},
	"fixtures": {},
}

type pkg struct {
	ImportPath string
	Deps       []string
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Deps", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		from := top(p.ImportPath)
		for _, d := range p.Deps {
			if !strings.HasPrefix(d, module+"/") {
				continue
			}
			to := top(d)
			if to == from || strings.HasPrefix(to, "internal") {
				continue
			}
			if to == "cmd" {
				t.Errorf("%s imports %s: nothing may import cmd/netvet", p.ImportPath, d)
				continue
			}
			if from == "cmd" || strings.HasPrefix(from, "internal") && from != "internal/archtest" {
				if strings.HasPrefix(from, "internal") {
					t.Errorf("%s imports %s: internal helpers must not import project packages", p.ImportPath, d)
				}
				continue
			}
			ok, known := allowed[from]
			if !known {
				t.Errorf("%s: top-level package %q is not in DESIGN.md's table; add it there and here", p.ImportPath, from)
				continue
			}
			if !contains(ok, to) {
				t.Errorf("%s depends on %s: %s may only import %v", p.ImportPath, d, from, ok)
			}
		}
	}
	if seen < len(allowed) {
		t.Fatalf("go list returned %d packages, want at least %d", seen, len(allowed))
	}
}

// top maps an import path to its lane: "collect", "bench" (bench/copy is in
// bench's lane), "internal/cpumask", "cmd".
func top(path string) string {
	rel := strings.TrimPrefix(path, module+"/")
	parts := strings.Split(rel, "/")
	if parts[0] == "internal" && len(parts) > 1 {
		return "internal/" + parts[1]
	}
	return parts[0]
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
