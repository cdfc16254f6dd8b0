package tune

import (
	"context"
	"fmt"
	"io/fs"
	"os"

	"github.com/netvet/netvet/collect"
)

// irqNames reads proc/interrupts under the target's root with netvet's own
// parser and maps each IRQ's action name ("eth0-TxRx-3") to its number.
// IRQ numbers are handed out when a driver requests its vectors, so they
// can differ between the snapshot a plan was made from and now (a driver
// reloaded, channels changed, another boot): apply finds each vector again
// by name.
func (t *Target) irqNames(ctx context.Context) (map[string]int, error) {
	const name = "proc/interrupts"
	root := t.Root
	if root == "" {
		root = "/"
	}
	s := collect.NewCollector().Collect(ctx, oneFile{os.DirFS(root), name}, nil, true)
	if s.Interrupts == nil {
		st, _ := s.StatusOf("interrupts")
		return nil, fmt.Errorf("read %s: %s", t.path(name), st.Err)
	}
	out := map[string]int{}
	for _, l := range s.Interrupts.Lines {
		if l.Num >= 0 && l.Device != "" {
			out[l.Device] = l.Num
		}
	}
	return out, nil
}

// oneFile serves a single file of fsys; every other name does not exist,
// so the other collectors find nothing to read and stay quiet.
type oneFile struct {
	fsys fs.FS
	name string
}

func (o oneFile) Open(name string) (fs.File, error) {
	if name != o.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return o.fsys.Open(name)
}
