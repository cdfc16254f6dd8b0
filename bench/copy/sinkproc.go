package copy

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"syscall"

	"github.com/netvet/netvet/bench"
)

// sinkProc is a running sink process.
type sinkProc struct {
	cmd *exec.Cmd
	out *bufio.Reader
}

// startSink re-executes this binary as the sink, hands it l's sink ends
// (closed here once it has them, so only the sink holds them) and waits
// for it to say it is ready.
func startSink(ctx context.Context, cfg Config, l *link) (*sinkProc, error) {
	role := cfg.sinkRole
	if role == "" {
		role = SinkRole
	}
	args := []string{"-streams", strconv.Itoa(len(l.sink)), "-pin", strconv.Itoa(cfg.PinSink)}
	cmd, err := bench.Spawn(ctx, role, args, l.sink...)
	if err != nil {
		l.closeSink()
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		l.closeSink()
		return nil, fmt.Errorf("sink stdout: %w", err)
	}
	err = cmd.Start()
	l.closeSink()
	if err != nil {
		return nil, fmt.Errorf("start sink: %w", err)
	}
	p := &sinkProc{cmd: cmd, out: bufio.NewReader(stdout)}
	if line, err := p.out.ReadString('\n'); err != nil || line != "ready\n" {
		werr := cmd.Wait()
		return nil, fmt.Errorf("sink did not start (said %q, read error %v, exit %v)", line, err, werr)
	}
	return p, nil
}

// wait reads the sink's report and reaps the process; total is the
// process's whole rusage from wait4.
func (p *sinkProc) wait() (rep sinkReport, total syscall.Rusage, err error) {
	derr := json.NewDecoder(p.out).Decode(&rep)
	werr := p.cmd.Wait()
	if p.cmd.ProcessState != nil {
		if ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			total = *ru
		}
	}
	switch {
	case derr != nil:
		return rep, total, fmt.Errorf("sink sent no report (%v; exit: %v)", derr, werr)
	case werr != nil:
		return rep, total, fmt.Errorf("sink: %w", werr)
	case rep.Error != "":
		return rep, total, fmt.Errorf("sink: %s", rep.Error)
	}
	return rep, total, nil
}
