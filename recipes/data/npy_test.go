package data

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

func TestReadNPYAgainstNumPy(t *testing.T) {
	e := loadExpect(t)
	wantDtype := map[string]string{"f32be": "<f4", "i16be": "<i2", "bool": "|b1", "fortran": "<f4"}
	for name, want := range e.NPY {
		t.Run(name, func(t *testing.T) {
			a, err := ReadNPY(filepath.Join("testdata/npy", name+".npy"))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a.Shape, want.Shape) && !(len(a.Shape) == 0 && len(want.Shape) == 0) {
				t.Errorf("shape %v, want %v", a.Shape, want.Shape)
			}
			dt := want.Dtype
			if w, ok := wantDtype[name]; ok {
				dt = w
			}
			if a.Dtype != dt {
				t.Errorf("dtype %q, want %q", a.Dtype, dt)
			}
			got := a.Float64s()
			if len(got) != len(want.Values) {
				t.Fatalf("%d values, want %d", len(got), len(want.Values))
			}
			for i, v := range want.Values {
				if got[i] != v && math.Abs(got[i]-v) > 1e-7*math.Abs(v) {
					t.Errorf("value %d = %v, want %v", i, got[i], v)
				}
			}
		})
	}
	a, _ := ReadNPY("testdata/npy/i64.npy")
	if got := a.Ints(); !reflect.DeepEqual(got, []int{-3, -2, -1, 0, 1, 2}) {
		t.Errorf("Ints %v", got)
	}
	if tt := a.Tensor(); !reflect.DeepEqual(tt.Shape, []int{2, 3}) || tt.Data[0] != -3 {
		t.Errorf("Tensor %v %v", tt.Shape, tt.Data)
	}
}

// TestEncodeNPYMatchesNumPy checks our writer byte for byte against
// np.save's output for the same array.
func TestEncodeNPYMatchesNumPy(t *testing.T) {
	for _, name := range []string{"f32", "f64", "i64", "u8"} {
		want, err := os.ReadFile("testdata/npy/" + name + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		a, err := DecodeNPY(bytes.NewReader(want))
		if err != nil {
			t.Fatal(err)
		}
		var b *Array
		switch a.Dtype {
		case "<f4":
			b = Float32Array(a.Float32s(), a.Shape...)
		case "<f8":
			b = Float64Array(a.Float64s(), a.Shape...)
		case "<i8":
			b = Int64Array(a.Int64s(), a.Shape...)
		case "|u1":
			v := a.Int64s()
			u := make([]uint8, len(v))
			for i, x := range v {
				u[i] = uint8(x)
			}
			b = Uint8Array(u, a.Shape...)
		}
		var got bytes.Buffer
		if err := EncodeNPY(&got, b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: our encoding differs from numpy's:\n got %q\nwant %q", name, got.Bytes()[:min(80, got.Len())], want[:min(80, len(want))])
		}
	}
}

func TestNPYRoundTrip(t *testing.T) {
	dir := t.TempDir()
	x := nn.FromSlice([]float32{1, -2.5, 3, 4e-8, 5, 6}, 3, 1, 2)
	p := filepath.Join(dir, "x.npy")
	if err := SaveTensor(p, x); err != nil {
		t.Fatal(err)
	}
	y, err := LoadTensor(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(x, y) {
		t.Errorf("round trip %v %v, want %v %v", y.Shape, y.Data, x.Shape, x.Data)
	}
	q := filepath.Join(dir, "l.npy")
	if err := SaveInts(q, []int{3, -1, 1 << 40}); err != nil {
		t.Fatal(err)
	}
	l, err := LoadInts(q)
	if err != nil || !reflect.DeepEqual(l, []int{3, -1, 1 << 40}) {
		t.Errorf("ints %v %v", l, err)
	}
	// A long shape forces format 2.0.
	shape := make([]int, 25000)
	for i := range shape {
		shape[i] = 1
	}
	var buf bytes.Buffer
	if err := EncodeNPY(&buf, Float64Array([]float64{7}, shape...)); err != nil {
		t.Fatal(err)
	}
	if buf.Bytes()[6] != 2 {
		t.Errorf("version %d, want 2", buf.Bytes()[6])
	}
	a, err := DecodeNPY(&buf)
	if err != nil || len(a.Shape) != 25000 || a.Float64s()[0] != 7 {
		t.Errorf("v2 round trip: %v", err)
	}
}

func TestNPYErrors(t *testing.T) {
	for _, c := range []struct {
		file string
		want []string
	}{
		{"bad-truncated.npy", []string{"bad-truncated.npy", "truncated .npy data", "needs 48 bytes, file has 45"}},
		{"bad-magic.npy", []string{"bad-magic.npy", "not a .npy file"}},
		{"bad-object.npy", []string{"bad-object.npy", `unsupported dtype "|O8"`}},
		{"absent.npy", []string{"absent.npy", "no such file"}},
	} {
		_, err := ReadNPY("testdata/npy/" + c.file)
		wantErr(t, err, c.want...)
	}
	for _, c := range []struct {
		name, header string
		want         string
	}{
		{"structured", "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "structured"},
		{"no shape", "{'descr': '<f4', 'fortran_order': False, }", "missing"},
		{"huge", "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }", "more than 16 GiB"},
		{"negative", "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", "bad dimension"},
		{"float16", "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", "unsupported dtype"},
	} {
		b := append([]byte("\x93NUMPY\x01\x00"), byte(len(c.header)), 0)
		b = append(b, c.header...)
		_, err := DecodeNPY(bytes.NewReader(b))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		wantErr(t, err, c.want)
	}
}

func FuzzDecodeNPY(f *testing.F) {
	for _, name := range []string{"f32", "scalar", "fortran", "i16be", "v2", "bad-truncated"} {
		b, err := os.ReadFile("testdata/npy/" + name + ".npy")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeNPY(bytes.NewReader(b))
		if err != nil {
			return
		}
		size, _ := dtypeSize(a.Dtype)
		if a.Len()*size != len(a.raw) {
			t.Fatalf("shape %v dtype %s but %d bytes", a.Shape, a.Dtype, len(a.raw))
		}
		a.Float64s()
		a.Int64s()
		var out bytes.Buffer
		if err := EncodeNPY(&out, a); err != nil {
			t.Fatalf("cannot re-encode a decoded array: %v", err)
		}
	})
}
