package viz

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

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
}
