package viz

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

var regen = flag.Bool("regen", false, "regenerate the golden images in testdata/")

// Golden comparison tolerances: font rasterisation and floating point can
// differ slightly across machines, so a pixel may differ by up to
// pixelTol (of 255) in a channel, and at most badShare of the pixels may
// differ by more.
const (
	pixelTol = 48
	badShare = 0.002
)

// checkGolden renders f as PNG and compares it with
// testdata/name_golden.png (rewritten with -regen).
func checkGolden(t *testing.T, name string, f *Figure) {
	t.Helper()
	if f.Err() != nil {
		t.Fatalf("%s: %v", name, f.Err())
	}
	got, err := f.PNG()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	path := filepath.Join("testdata", name+"_golden.png")
	if *regen {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -regen to create the golden image)", err)
	}
	ok, msg := similarPNG(got, want)
	if !ok {
		out := filepath.Join(os.TempDir(), "viz_"+name+"_got.png") // kept for looking at
		os.WriteFile(out, got, 0o644)
		t.Errorf("%s differs from %s: %s; got image written to %s", name, path, msg, out)
	}
}

// similarPNG compares two PNGs pixel by pixel with the tolerances above.
func similarPNG(a, b []byte) (bool, string) {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return false, "got does not decode: " + err.Error()
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return false, "golden does not decode: " + err.Error()
	}
	if ia.Bounds() != ib.Bounds() {
		return false, "size " + ia.Bounds().String() + ", golden " + ib.Bounds().String()
	}
	r := ia.Bounds()
	bad := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if colorDist(ia, ib, x, y) > pixelTol {
				bad++
			}
		}
	}
	share := float64(bad) / float64(r.Dx()*r.Dy())
	if share > badShare {
		return false, "share of differing pixels " + ftoa3(share*100) + "% (limit " + ftoa3(badShare*100) + "%)"
	}
	return true, ""
}

func colorDist(a, b image.Image, x, y int) int {
	r1, g1, b1, a1 := a.At(x, y).RGBA()
	r2, g2, b2, a2 := b.At(x, y).RGBA()
	d := 0
	for _, p := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
		v := int(p[0]>>8) - int(p[1]>>8)
		if v < 0 {
			v = -v
		}
		d = max(d, v)
	}
	return d
}

// goldenSize is small, to keep testdata light.
func golden(f *Figure, w, h float64) *Figure { return f.Size(w, h).WithDPI(72) }

func TestGolden(t *testing.T) {
	xy, labels := blobs(400, 4, 2, 0.25, 1)
	checkGolden(t, "scatter", golden(Scatter(xy, labels, "cat", "dog", "bird", "fish"), 5, 3.6))

	many, ml := blobs(1200, 24, 2, 0.06, 3)
	checkGolden(t, "scatter24", golden(Scatter(many, ml), 5, 4))

	z, zl := blobs(600, 6, 16, 0.8, 4)
	checkGolden(t, "simhist", golden(SimilarityHist(z, zl), 5, 3.4))

	z0, _ := blobs(600, 6, 16, 4, 5)
	checkGolden(t, "beforeafter", golden(SimilarityHistBeforeAfter(z0, z, zl), 9, 3.4))

	r := rand.New(rand.NewPCG(9, 9))
	realNeg, synth := make([]float64, 3000), make([]float64, 800)
	for i := range realNeg {
		realNeg[i] = 0.1 + 0.15*r.NormFloat64()
	}
	for i := range synth {
		synth[i] = 0.45 + 0.1*r.NormFloat64()
	}
	checkGolden(t, "hardness", golden(Hardness(realNeg, synth), 5, 3.4))

	loss, acc, steps := make([]float64, 300), make([]float64, 10), make([]float64, 10)
	for i := range loss {
		loss[i] = 5*math.Exp(-float64(i)/80) + 1.2 + 0.25*r.NormFloat64()
	}
	loss[150] = math.NaN() // a gap
	for i := range acc {
		steps[i] = float64(30 * (i + 1))
		acc[i] = 0.85 - 0.5*math.Exp(-float64(i)/3)
	}
	checkGolden(t, "curves", golden(Curves(
		Curve("train loss", loss).Smooth(0.9).LogY(),
		Curve("kNN accuracy", acc).At(steps).In("accuracy"),
		Curve("linear probe", acc[:8]).At(steps[:8]).In("accuracy"),
	), 8, 3.2))

	imgs := checker(12, 3, 12, 12)
	checkGolden(t, "images", golden(LabeledImages(imgs, seq(12), 6, "zero", "one"), 5, 2.2))
	checkGolden(t, "augment", golden(Augmentations(nn.FromSlice(imgs.Data[:4*432], 4, 3, 12, 12), invert(imgs, 4), nn.FromSlice(imgs.Data[4*432:8*432], 4, 3, 12, 12)), 2.4, 3.4))

	emb, el := blobs(60, 3, 8, 0.9, 6)
	checkGolden(t, "retrieval", golden(Retrieval(checker(60, 1, 8, 8), emb, el, nil, 4, "a", "b", "c"), 4, 2.6))

	m := nn.New(6, 9)
	for i := range m.Data {
		m.Data[i] = float32(math.Sin(float64(i) / 3))
	}
	checkGolden(t, "heatmap", golden(Heatmap(m), 5, 3.4))
	checkGolden(t, "simmatrix", golden(SimilarityMatrix(emb, el, "a", "b", "c"), 5, 4.4))
}

// checker returns n deterministic test images with a pattern per image.
func checker(n, c, h, w int) *nn.Tensor {
	t := nn.New(n, c, h, w)
	for i := 0; i < n; i++ {
		for ch := 0; ch < c; ch++ {
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					v := float32(((x/(1+i%3))+(y/(1+i%4)))%2)*0.7 + float32(ch)*0.1 + float32(i%5)*0.05
					t.Data[((i*c+ch)*h+y)*w+x] = v
				}
			}
		}
	}
	return t
}

// invert returns 1 - x for the first n images.
func invert(x *nn.Tensor, n int) *nn.Tensor {
	per := x.Len() / x.Shape[0]
	out := nn.New(append([]int{n}, x.Shape[1:]...)...)
	for i := range out.Data {
		out.Data[i] = 1 - x.Data[i%(n*per)]
	}
	return out
}
