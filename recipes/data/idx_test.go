package data

import (
	"bytes"
	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestReadIDXFixtures(t *testing.T) {
	e := loadExpect(t)
	for _, name := range []string{"images-idx3-ubyte", "images-idx3-ubyte.gz"} {
		a, err := ReadIDX("testdata/idx/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if a.Type != IDXUint8 || len(a.Dims) != 3 || a.Dims[0] != 5 || a.Dims[1] != 4 || a.Dims[2] != 3 {
			t.Fatalf("%s: type %#x dims %v, want 0x08 [5 4 3]", name, a.Type, a.Dims)
		}
		got := a.Ints()
		k := 0
		for _, im := range e.IDX.Images {
			for _, row := range im {
				for _, v := range row {
					if got[k] != v {
						t.Fatalf("%s: element %d = %d, want %d", name, k, got[k], v)
					}
					k++
				}
			}
		}
	}
	f, err := ReadIDX("testdata/idx/float32-idx2")
	if err != nil {
		t.Fatal(err)
	}
	fv := f.Float64s()
	for i, row := range e.IDX.Float32 {
		for j, v := range row {
			if got := fv[i*3+j]; math.Abs(got-v) > 1e-7 {
				t.Errorf("float32[%d][%d] = %v, want %v", i, j, got, v)
			}
		}
	}
	s, err := ReadIDX("testdata/idx/int16-idx1")
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range s.Ints() {
		if v != e.IDX.Int16[i] {
			t.Errorf("int16[%d] = %d, want %d", i, v, e.IDX.Int16[i])
		}
	}
}

func TestLoadIDX(t *testing.T) {
	e := loadExpect(t)
	for _, gz := range []string{"", ".gz"} {
		d, err := LoadIDX("testdata/idx/images-idx3-ubyte"+gz, "testdata/idx/labels-idx1-ubyte"+gz, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Images().Shape; len(got) != 4 || got[0] != 5 || got[1] != 1 || got[2] != 4 || got[3] != 3 {
			t.Fatalf("shape %v, want [5 1 4 3]", got)
		}
		for i, l := range e.IDX.Labels {
			if d.Labels[i] != l || d.Index[i] != i {
				t.Errorf("sample %d: label %d index %d, want %d %d", i, d.Labels[i], d.Index[i], l, i)
			}
		}
		if got, want := d.Images().Data[5], float32(e.IDX.Images[0][1][2])/255; got != want {
			t.Errorf("pixel (0,1,2) = %v, want %v", got, want)
		}
		if d.NumClasses() != 5 {
			t.Errorf("NumClasses = %d, want 5", d.NumClasses())
		}
	}
}

func TestIDXErrors(t *testing.T) {
	cases := []struct {
		file string
		want []string
	}{
		{"bad-truncated", []string{"bad-truncated", "truncated IDX data", "need 60 bytes, file has 53"}},
		{"bad-truncated.gz", []string{"bad-truncated.gz", "unexpected EOF"}},
		{"bad-magic", []string{"bad-magic", "bad IDX magic"}},
		{"bad-type", []string{"bad-type", "unknown IDX element type 0x07"}},
		{"bad-header", []string{"bad-header", "truncated IDX header"}},
		{"missing", []string{"missing", "no such file"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			_, err := ReadIDX("testdata/idx/" + c.file)
			wantErr(t, err, c.want...)
		})
	}
	_, err := LoadIDX("testdata/idx/images-idx3-ubyte", "testdata/idx/bad-labels-count", nil)
	wantErr(t, err, "bad-labels-count has 4 labels", "images-idx3-ubyte has 5 images")
	_, err = LoadIDX("testdata/idx/images-idx3-ubyte", "testdata/idx/labels-idx1-ubyte", []string{"a", "b"})
	wantErr(t, err, "labels-idx1-ubyte", "label 3 of sample 0 is outside the 2 classes")
	_, err = LoadIDX("testdata/idx/labels-idx1-ubyte", "testdata/idx/labels-idx1-ubyte", nil)
	wantErr(t, err, "images must be unsigned bytes shaped [N, H, W]")
}

func TestIDXHugeHeaderDoesNotAllocate(t *testing.T) {
	// A header announcing 2^32-1 x 2^32-1 bytes must be refused at once.
	b := []byte{0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	_, err := DecodeIDX(bytes.NewReader(b))
	wantErr(t, err, "more than 4 GiB")
	// One announcing 1 GiB with 3 bytes of data fails as truncated.
	b = []byte{0, 0, 8, 1, 0x40, 0, 0, 0, 1, 2, 3}
	_, err = DecodeIDX(bytes.NewReader(b))
	wantErr(t, err, "truncated IDX data", "file has 3")
}

func TestWriteIDXRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := &IDX{Type: IDXInt32, Dims: []int{2, 2}, Data: []byte{0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 0, 1, 0, 0x7f, 0, 0, 0}}
	for _, name := range []string{"a.idx", "a.idx.gz"} {
		p := filepath.Join(dir, name)
		if err := WriteIDX(p, in); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(p)
		if isGz := len(raw) > 2 && raw[0] == 0x1f && raw[1] == 0x8b; isGz != (filepath.Ext(name) == ".gz") {
			t.Errorf("%s: gzip %v", name, isGz)
		}
		out, err := ReadIDX(p)
		if err != nil {
			t.Fatal(err)
		}
		want := []int{1, -2, 256, 0x7f000000}
		for i, v := range out.Ints() {
			if v != want[i] {
				t.Errorf("%s: element %d = %d, want %d", name, i, v, want[i])
			}
		}
	}
	if err := WriteIDX(filepath.Join(dir, "b"), &IDX{Type: IDXUint8, Dims: []int{3}, Data: []byte{1}}); err == nil {
		t.Error("WriteIDX accepted 1 byte for dims [3]")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries, want 2 (no temp files left)", len(entries))
	}
}

func FuzzDecodeIDX(f *testing.F) {
	for _, name := range []string{"images-idx3-ubyte", "float32-idx2", "int16-idx1", "bad-truncated", "bad-magic"} {
		b, err := os.ReadFile("testdata/idx/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte{0, 0, 8, 1, 0, 0, 0, 2, 7, 9})
	zw.Close()
	f.Add(gz.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeIDX(bytes.NewReader(b))
		if err != nil {
			return
		}
		if a.Len()*idxSize(a.Type) != len(a.Data) {
			t.Fatalf("dims %v type %#x but %d bytes", a.Dims, a.Type, len(a.Data))
		}
		a.Float64s()
	})
}
