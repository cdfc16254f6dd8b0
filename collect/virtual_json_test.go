package collect

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestCollectIRQBalance(t *testing.T) {
	tests := []struct {
		name        string
		fsys        fs.FS
		want        *IRQBalance
		errLine     int // -1: no error
		unavailable bool
	}{
		{
			name:    "running with banned CPUs",
			fsys:    fstest.MapFS{irqbalanceFile: sysfile(`{"running":true,"pid":812,"banned_cpus":"00000003"}`)},
			want:    &IRQBalance{Running: true, PID: 812, Banned: "00000003"},
			errLine: -1,
		},
		{
			name:    "not running",
			fsys:    fstest.MapFS{irqbalanceFile: sysfile("{\"running\": false}\n")},
			want:    &IRQBalance{},
			errLine: -1,
		},
		{
			name:    "fields added later are ignored",
			fsys:    fstest.MapFS{irqbalanceFile: sysfile(`{"running":true,"pid":9,"oneshot":false}`)},
			want:    &IRQBalance{Running: true, PID: 9},
			errLine: -1,
		},
		{name: "absent", fsys: fstest.MapFS{}, unavailable: true},
		{
			name:        "unreadable",
			fsys:        faultFS{fsys: fstest.MapFS{irqbalanceFile: sysfile("{}")}, open: map[string]error{irqbalanceFile: fs.ErrPermission}},
			unavailable: true,
		},
		{name: "syntax error on line 3", fsys: fstest.MapFS{irqbalanceFile: sysfile("{\n\"running\": true,\n\"pid\": 81 2\n}")}, errLine: 3},
		{
			name:    "wrong type: reported, the rest kept",
			fsys:    fstest.MapFS{irqbalanceFile: sysfile("{\"running\": \"yes\", \"pid\": 7}")},
			want:    &IRQBalance{PID: 7},
			errLine: 1,
		},
		{name: "empty file", fsys: fstest.MapFS{irqbalanceFile: sysfile("")}, errLine: 1},
		{name: "null", fsys: fstest.MapFS{irqbalanceFile: sysfile("null")}, errLine: 1},
		{name: "truncated", fsys: fstest.MapFS{irqbalanceFile: sysfile(`{"running":tr`)}, errLine: 1},
		{
			name:    "negative pid: kept, reported",
			fsys:    fstest.MapFS{irqbalanceFile: sysfile(`{"running":true,"pid":-4}`)},
			want:    &IRQBalance{Running: true, PID: -4},
			errLine: 0,
		},
		{
			name:    "pid while not running: kept, reported",
			fsys:    fstest.MapFS{irqbalanceFile: sysfile(`{"running":false,"pid":4}`)},
			want:    &IRQBalance{PID: 4},
			errLine: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := emptySnapshot()
			err := collectorOn(tt.fsys).collectIRQBalance(s)
			switch {
			case tt.unavailable:
				if !IsUnavailable(err) || s.Config.IRQBalance != nil {
					t.Fatalf("err = %v, value %v; want unavailable, nil", err, s.Config.IRQBalance)
				}
				return
			case tt.errLine >= 0:
				wantParseError(t, err, irqbalanceFile, tt.errLine)
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if d := cmp.Diff(tt.want, s.Config.IRQBalance); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestCollectAddrs(t *testing.T) {
	tests := []struct {
		name        string
		text        string
		want        map[string][]string
		errLine     int // -1: no error
		unavailable bool
	}{
		{
			name:    "v4 and v6",
			text:    `{"eth0":["10.0.0.2/24","fe80::1/64"],"lo":["127.0.0.1/8","::1/128"]}`,
			want:    map[string][]string{"eth0": {"10.0.0.2/24", "fe80::1/64"}, "lo": {"127.0.0.1/8", "::1/128"}},
			errLine: -1,
		},
		{
			name:    "interface without addresses keeps an empty list",
			text:    `{"eth1":[],"eth2":null}`,
			want:    map[string][]string{"eth1": {}, "eth2": {}},
			errLine: -1,
		},
		{name: "empty object", text: `{}`, want: map[string][]string{}, errLine: -1},
		{
			name:    "address without prefix: left out, reported with its line",
			text:    "{\n\"eth0\": [\"10.0.0.2/24\",\n \"10.0.0.3\"],\n\"eth1\": [\"192.0.2.1/32\"]\n}",
			want:    map[string][]string{"eth0": {"10.0.0.2/24"}, "eth1": {"192.0.2.1/32"}},
			errLine: 3,
		},
		{
			name:    "not a list: left out, reported, the others kept",
			text:    "{\"eth1\":[\"192.0.2.1/32\"],\n\"eth0\":\"10.0.0.2/24\",\n\"eth2\":[1]}",
			want:    map[string][]string{"eth1": {"192.0.2.1/32"}},
			errLine: 2,
		},
		{name: "an array at the top", text: `[]`, errLine: 1},
		{name: "absent", unavailable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fstest.MapFS{}
			if !tt.unavailable {
				m[addrsFile] = sysfile(tt.text)
			}
			s := emptySnapshot()
			err := collectorOn(m).collectAddrs(s)
			switch {
			case tt.unavailable:
				if !IsUnavailable(err) || s.Config.Addrs != nil {
					t.Fatalf("err = %v, value %v; want unavailable, nil", err, s.Config.Addrs)
				}
				return
			case tt.errLine >= 0:
				wantParseError(t, err, addrsFile, tt.errLine)
			case err != nil:
				t.Fatalf("err = %v", err)
			}
			if d := cmp.Diff(tt.want, s.Config.Addrs); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
