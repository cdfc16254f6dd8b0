package collect

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/fstest"
)

// procLikeFS serves files as /proc does: Stat says size 0 whatever they
// hold, and each Read returns at most chunk bytes (seq_file fills a page at
// a time).
type procLikeFS struct {
	fstest.MapFS
	chunk int
}

func (p procLikeFS) Open(name string) (fs.File, error) {
	f, err := p.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return &procLikeFile{File: f, chunk: p.chunk}, nil
}

type procLikeFile struct {
	fs.File
	chunk int
}

func (f *procLikeFile) Read(b []byte) (int, error) {
	if f.chunk > 0 && len(b) > f.chunk {
		b = b[:f.chunk]
	}
	return f.File.Read(b)
}

func (f *procLikeFile) Stat() (fs.FileInfo, error) {
	fi, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	return zeroSize{fi}, nil
}

type zeroSize struct{ fs.FileInfo }

func (zeroSize) Size() int64 { return 0 }

// TestReadFileSizes reads files around the first-read size and a big one,
// from disk (Stat tells the size) and proc-like (it does not), through a
// fresh reader and one already used: the bytes always come back whole, and
// the buffer grows to the file's size in one step on disk and by doubling
// otherwise.
func TestReadFileSizes(t *testing.T) {
	sizes := []int{0, 1, minFirstRead - 1, minFirstRead, minFirstRead + 1, 3*minFirstRead + 7, 1<<20 + 3}
	dir := t.TempDir()
	mem := fstest.MapFS{}
	for _, n := range sizes {
		data := bytes.Repeat([]byte("0123456789abcdef\n"), n/17+1)[:n]
		name := "f" + strconv.Itoa(n)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		mem[name] = &fstest.MapFile{Data: data}
	}
	sources := map[string]fs.FS{
		"disk":              os.DirFS(dir),
		"proc-like":         procLikeFS{MapFS: mem},
		"proc-like 4k/read": procLikeFS{MapFS: mem, chunk: 4096},
	}
	for srcName, fsys := range sources {
		shared := &reader{fsys: fsys}
		for name, f := range mem {
			n := len(f.Data)
			for _, r := range []*reader{{fsys: fsys}, shared} {
				got, err := r.readFile(name)
				if err != nil {
					t.Fatalf("%s %s: %v", srcName, name, err)
				}
				if !bytes.Equal(got, f.Data) {
					t.Fatalf("%s %s: read %d bytes, want %d", srcName, name, len(got), n)
				}
			}
			fresh := &reader{fsys: fsys}
			if _, err := fresh.readFile(name); err != nil {
				t.Fatal(err)
			}
			c := cap(fresh.buf)
			switch {
			case n < minFirstRead:
				if c != minFirstRead {
					t.Errorf("%s %s: cap %d, want the first read's %d", srcName, name, c, minFirstRead)
				}
			case srcName == "disk":
				if c != max(n+1, 2*minFirstRead) {
					t.Errorf("%s %s (%d bytes): cap %d, want the size in one step", srcName, name, n, c)
				}
			default:
				if c&(c-1) != 0 || c < n+1 || c > 2*(n+1) {
					t.Errorf("%s %s (%d bytes): cap %d, want a doubling of %d just above the size", srcName, name, n, c, minFirstRead)
				}
			}
		}
	}
}

// growingFile says it holds less than it does, as a log being appended to
// would: reading goes on past the stated size.
type growingFile struct{ io.Reader }

func (g *growingFile) Stat() (fs.FileInfo, error) { return errInfo{path: "g"}, nil }
func (g *growingFile) Close() error               { return nil }

type growingFS struct{ data []byte }

func (g growingFS) Open(string) (fs.File, error) {
	return &growingFile{Reader: bytes.NewReader(g.data)}, nil
}

func TestReadFileOutgrowsStat(t *testing.T) {
	data := bytes.Repeat([]byte("y"), 3*4096+5) // errInfo says 4096
	r := &reader{fsys: growingFS{data}}
	got, err := r.readFile("g")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, %v; want %d", len(got), err, len(data))
	}
}

// BenchmarkReadFileCold reads a 1 MiB recorded file with a fresh reader
// each time, as the first sample of a replay does.
func BenchmarkReadFileCold(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), bytes.Repeat([]byte("z"), 1<<20), 0o644); err != nil {
		b.Fatal(err)
	}
	fsys := os.DirFS(dir)
	b.SetBytes(1 << 20)
	b.ReportAllocs()
	for b.Loop() {
		r := reader{fsys: fsys}
		if _, err := r.readFile("f"); err != nil {
			b.Fatal(err)
		}
	}
}
