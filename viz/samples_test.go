package viz

import (
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gocontrast/contrast/recipes/data"
	"github.com/gocontrast/contrast/recipes/nn"
)

var samplesDir = flag.String("samples", "", "write full-size sample figures to this folder, for looking at")

// blobs returns n points in d dimensions around k class centres, labels
// cycling 0..k-1, with the given spread (seeded).
func blobs(n, k, d int, spread float64, seed uint64) (*nn.Tensor, []int) {
	r := rand.New(rand.NewPCG(seed, 7))
	centres := make([][]float64, k)
	for c := range centres {
		centres[c] = make([]float64, d)
		for j := range centres[c] {
			centres[c][j] = r.NormFloat64()
		}
	}
	t := nn.New(n, d)
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		c := i % k
		labels[i] = c
		for j := 0; j < d; j++ {
			t.Data[i*d+j] = float32(centres[c][j] + spread*r.NormFloat64())
		}
	}
	return t, labels
}

func writeSample(t *testing.T, name string, f *Figure) {
	t.Helper()
	if *samplesDir == "" {
		return
	}
	if err := os.MkdirAll(*samplesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(filepath.Join(*samplesDir, name)); err != nil {
		t.Fatalf("saving %s: %v", name, err)
	}
}

var fashionNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

func TestSamples(t *testing.T) {
	if *samplesDir == "" {
		t.Skip("pass -samples DIR to write sample figures")
	}
	xy, labels := blobs(5000, 10, 2, 0.12, 1)
	writeSample(t, "scatter.png", Scatter(xy, labels, fashionNames...))
	writeSample(t, "scatter.svg", Scatter(xy, labels, fashionNames...))
	big, bl := blobs(70000, 10, 2, 0.15, 2)
	writeSample(t, "scatter70k.png", Scatter(big, bl))
	many, ml := blobs(3000, 23, 2, 0.08, 3)
	writeSample(t, "scatter23.png", Scatter(many, ml))
	z, zl := blobs(2000, 10, 32, 0.9, 4)
	writeSample(t, "simhist.png", SimilarityHist(z, zl))
	z0, _ := blobs(2000, 10, 32, 6, 5)
	writeSample(t, "beforeafter.png", SimilarityHistBeforeAfter(z0, z, zl))
	r := rand.New(rand.NewPCG(9, 9))
	realNeg, synth := make([]float64, 4000), make([]float64, 1000)
	for i := range realNeg {
		realNeg[i] = 0.1 + 0.15*r.NormFloat64()
	}
	for i := range synth {
		synth[i] = 0.45 + 0.1*r.NormFloat64()
	}
	writeSample(t, "hardness.png", Hardness(realNeg, synth))

	loss, acc := make([]float64, 600), make([]float64, 12)
	for i := range loss {
		loss[i] = 5*math.Exp(-float64(i)/150) + 1.2 + 0.25*r.NormFloat64()
	}
	steps := make([]float64, len(acc))
	for i := range acc {
		steps[i] = float64(50 * (i + 1))
		acc[i] = 0.85 - 0.5*math.Exp(-float64(i)/3)
	}
	writeSample(t, "curves.png", Curves(Curve("train loss", loss).Smooth(0.9), Curve("val loss", loss).Smooth(0.6)))
	writeSample(t, "curves2.png", Curves(Curve("train loss", loss).Smooth(0.9).LogY(), Curve("kNN accuracy", acc).At(steps).In("accuracy")))

	x, xl := fashionTest(t, 1000)
	flat := nn.FromSlice(x.Data, 1000, 784)
	writeSample(t, "images.png", LabeledImages(nn.FromSlice(x.Data[:32*784], 32, 1, 28, 28), xl[:32], 8, fashionNames...))
	v1, v2 := fakeViews(x, 8, 1), fakeViews(x, 8, 2)
	writeSample(t, "augment.png", Augmentations(nn.FromSlice(x.Data[:8*784], 8, 1, 28, 28), v1, v2))
	writeSample(t, "retrieval.png", Retrieval(x, flat, xl, nil, 8, fashionNames...))
	writeSample(t, "simmatrix.png", SimilarityMatrix(nn.FromSlice(x.Data[:400*784], 400, 784), xl[:400], fashionNames...))
	m := nn.New(12, 20)
	for i := range m.Data {
		m.Data[i] = float32(math.Sin(float64(i) / 7))
	}
	writeSample(t, "heatmap.png", Heatmap(m))
	writeSample(t, "tsne.png", TSNE(flat, xl, fashionNames...))
}

// fakeViews makes n crude "augmented views" (a shifted, flipped,
// brightened copy) for the preview sample.
func fakeViews(x *nn.Tensor, n int, seed uint64) *nn.Tensor {
	r := rand.New(rand.NewPCG(seed, 1))
	out := nn.New(n, 1, 28, 28)
	for i := 0; i < n; i++ {
		dx, dy := r.IntN(7)-3, r.IntN(7)-3
		flip := r.IntN(2) == 1
		gain := float32(0.6 + 0.8*r.Float64())
		for y := 0; y < 28; y++ {
			for xx := 0; xx < 28; xx++ {
				sx, sy := xx+dx, y+dy
				if flip {
					sx = 27 - sx
				}
				if sx < 0 || sx > 27 || sy < 0 || sy > 27 {
					continue
				}
				v := x.Data[i*784+sy*28+sx] * gain
				out.Data[i*784+y*28+xx] = min(v, 1)
			}
		}
	}
	return out
}

func ftoa3(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

func TestSamplesLegendColumns(t *testing.T) {
	if *samplesDir == "" {
		t.Skip("pass -samples DIR to write sample figures")
	}
	many, ml := blobs(4000, 45, 2, 0.05, 3)
	writeSample(t, "scatter45.png", Scatter(many, ml))
	writeSample(t, "scatter45-small.png", Scatter(many, ml).Size(6, 4))
}

func TestSamplesVector(t *testing.T) {
	if *samplesDir == "" {
		t.Skip("pass -samples DIR to write sample figures")
	}
	big, bl := blobs(30000, 10, 2, 0.15, 2)
	writeSample(t, "scatter30k.svg", Scatter(big, bl))
	writeSample(t, "scatter30k.pdf", Scatter(big, bl))
	m := nn.New(12, 20)
	for i := range m.Data {
		m.Data[i] = float32(math.Sin(float64(i) / 7))
	}
	writeSample(t, "heatmap.svg", Heatmap(m))
	x, xl := fashionTest(t, 60)
	writeSample(t, "images.svg", LabeledImages(x, xl, 10))
}

func TestSamplesTitle(t *testing.T) {
	if *samplesDir == "" {
		t.Skip("pass -samples DIR to write sample figures")
	}
	z, zl := blobs(2000, 10, 32, 0.9, 4)
	z0, _ := blobs(2000, 10, 32, 6, 5)
	writeSample(t, "beforeafter-title.png", SimilarityHistBeforeAfter(z0, z, zl).WithTitle("SimCLR, 5 epochs").WithDPI(150))
}

func TestSamplesBigTSNE(t *testing.T) {
	if *samplesDir == "" {
		t.Skip("pass -samples DIR to write sample figures")
	}
	train, _ := data.EmbeddedFashionMNIST()
	x := train.Images()
	z := nn.FromSlice(x.Data, train.Len(), 784)
	f := TSNEWith(z, train.Labels, TSNEOptions{Quiet: true, ClassNames: data.FashionMNISTClasses})
	t.Log(f)
	writeSample(t, "tsne6k.png", f)
	writeSample(t, "simhist-pixels.png", SimilarityHist(z, train.Labels))
}
