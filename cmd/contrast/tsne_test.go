package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateTSNEGolden = flag.Bool("update-tsne-golden", false, "rewrite testdata/tsne-help.golden")

func TestTSNEHelpGolden(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"tsne", "-h"}, &out, &errb); code != 0 {
		t.Fatalf("tsne -h: exit %d, want 0 (help asked for)", code)
	}
	golden := filepath.Join("testdata", "tsne-help.golden")
	if *updateTSNEGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, errb.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update-tsne-golden to create it)", err)
	}
	if got := errb.String(); got != string(want) {
		t.Errorf("tsne -h changed; got:\n%s\nwant:\n%s", got, want)
	}
}

func TestTSNEUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"tsne"},
		{"tsne", "--in", "x.npy"},
		{"tsne", "--in", "x.npy", "--out", "y.npy", "extra"},
		{"tsne", "--bogus"},
		{"tsne", "--in", "x.npy", "--out", "y.npy", "--dims", "3", "--png", "p.png"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, errb.String())
		}
	}
}

// blobsCSV writes n points in 3 separated clusters as CSV with a header.
func blobsCSV(t *testing.T, path string, n int) []int {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("a,b,c,d,e\n")
	labels := make([]int, n)
	for i := range n {
		l := i % 3
		labels[i] = l
		for c := range 5 {
			if c > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%.4f", float64(10*l*(c%2))+rng.NormFloat64())
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return labels
}

func TestTSNEEndToEnd(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "x.csv")
	labels := blobsCSV(t, in, 300)
	lab := filepath.Join(dir, "labels.npy")
	lf := make([]float32, len(labels))
	for i, l := range labels {
		lf[i] = float32(l)
	}
	if err := writeEmbedding(lab, lf, len(lf), 1); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "emb.npy")
	png := filepath.Join(dir, "plot.png")
	var so, se bytes.Buffer
	code := run([]string{"tsne", "--in", in, "--labels", lab, "--out", out, "--png", png, "--quiet", "--iters", "300"}, &so, &se)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	emb, n, d, err := readMatrix(out)
	if err != nil {
		t.Fatal(err)
	}
	if n != 300 || d != 2 || len(emb) != 600 {
		t.Fatalf("embedding %d x %d, want 300 x 2", n, d)
	}
	for _, v := range emb {
		if math.IsNaN(float64(v)) {
			t.Fatal("NaN in the embedding")
		}
	}
	raw, err := os.ReadFile(png)
	if err != nil || !bytes.HasPrefix(raw, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("plot.png missing or not a PNG (%v)", err)
	}
	if !strings.Contains(so.String(), "KL") {
		t.Errorf("summary line missing: %q", so.String())
	}
}

func TestTSNEBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("1,2,3\n4,5\n"), 0o644)
	junk := filepath.Join(dir, "junk.bin")
	os.WriteFile(junk, []byte("hello world"), 0o644)
	for _, tc := range []struct {
		in, want string
	}{
		{filepath.Join(dir, "missing.npy"), "no such file"},
		{bad, "columns"},
		{junk, "IDX"},
	} {
		var so, se bytes.Buffer
		code := run([]string{"tsne", "--in", tc.in, "--out", filepath.Join(dir, "o.npy"), "--quiet"}, &so, &se)
		if code != 1 || !strings.Contains(se.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 mentioning %q", tc.in, code, se.String(), tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "o.npy")); err == nil {
		t.Error("an output file was written for bad input")
	}
}

func TestReadersRoundTrip(t *testing.T) {
	dir := t.TempDir()
	x := []float32{1, 2, 3, 4, 5, 6}
	p := filepath.Join(dir, "a.npy")
	if err := writeEmbedding(p, x, 2, 3); err != nil {
		t.Fatal(err)
	}
	got, n, d, err := readMatrix(p)
	if err != nil || n != 2 || d != 3 || fmt.Sprint(got) != fmt.Sprint(x) {
		t.Fatalf("npy: %v %d %d %v", got, n, d, err)
	}
	// IDX, gzipped: 2 images of 2x2 unsigned bytes, and 2 labels.
	var idx bytes.Buffer
	idx.Write([]byte{0, 0, 0x08, 3})
	for _, v := range []uint32{2, 2, 2} {
		binary.Write(&idx, binary.BigEndian, v)
	}
	idx.Write([]byte{0, 1, 2, 3, 4, 5, 6, 255})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(idx.Bytes())
	zw.Close()
	ip := filepath.Join(dir, "img-idx3-ubyte.gz")
	os.WriteFile(ip, gz.Bytes(), 0o644)
	got, n, d, err = readMatrix(ip)
	if err != nil || n != 2 || d != 4 || got[7] != 255 || got[5] != 5 {
		t.Fatalf("idx: %v %d %d %v", got, n, d, err)
	}
	lp := filepath.Join(dir, "lab-idx1-ubyte")
	os.WriteFile(lp, []byte{0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9}, 0o644)
	labels, err := readLabels(lp)
	if err != nil || fmt.Sprint(labels) != "[7 8 9]" {
		t.Fatalf("idx labels: %v %v", labels, err)
	}
	cp := filepath.Join(dir, "l.csv")
	os.WriteFile(cp, []byte("label\n1\n2\n3\n"), 0o644)
	labels, err = readLabels(cp)
	if err != nil || fmt.Sprint(labels) != "[1 2 3]" {
		t.Fatalf("csv labels: %v %v", labels, err)
	}
	os.WriteFile(cp, []byte("1.5\n2\n"), 0o644)
	if _, err := readLabels(cp); err == nil {
		t.Error("non-integer label accepted")
	}
}
