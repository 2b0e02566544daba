package augment

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gocontrast/contrast/recipes/nn"
)

var sinkT *nn.Tensor
var sinkI Image

func randBatch(b, c, h, w int) *nn.Tensor {
	x := nn.New(b, c, h, w)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	return x
}

// BenchmarkViews times the headline case: 256 images x 2 views = 512
// views per step.
func BenchmarkViews(b *testing.B) {
	for _, c := range []struct {
		name    string
		c, size int
		p       *Pipeline
	}{
		{"reference-1x28", 1, 28, Reference()},
		{"simclr-1x28", 1, 28, SimCLR(28, 0.5)},
		{"simclr-3x32", 3, 32, SimCLR(32, 0.5)},
		{"simclr-3x96-blur", 3, 96, SimCLR(96, 1)},
	} {
		b.Run(c.name, func(b *testing.B) {
			x := randBatch(256, c.c, c.size, c.size)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sinkT = Views(x, c.p.Apply, 2, uint64(i))
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/512views")
		})
	}
}

func BenchmarkTransforms(b *testing.B) {
	for _, size := range []int{28, 96} {
		for _, c := range []int{1, 3} {
			img := randImage(c, size, size, 1)
			rng := rand.New(rand.NewPCG(1, 2))
			for _, t := range []struct {
				name string
				tr   Transform
			}{
				{"crop", RandomResizedCrop{}.Apply},
				{"flip", HorizontalFlip{P: 1}.Apply},
				{"jitter", ColorJitter{Brightness: 0.4, Contrast: 0.4, Saturation: 0.4, Hue: 0.1, P: 1}.Apply},
				{"blur", GaussianBlur{P: 1}.Apply},
				{"erase", RandomErasing{P: 1}.Apply},
			} {
				b.Run(fmt.Sprintf("%s/%dx%dx%d", t.name, c, size, size), func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						sinkI = t.tr(img, rng)
					}
				})
			}
		}
	}
}

// BenchmarkColor times the deterministic cores on one 3x32x32 image.
func BenchmarkColor(b *testing.B) {
	img := randImage(3, 32, 32, 1)
	for _, c := range []struct {
		name string
		f    func(Image)
	}{
		{"brightness", func(m Image) { AdjustBrightness(m, 1.2) }},
		{"contrast", func(m Image) { AdjustContrast(m, 1.2) }},
		{"saturation", func(m Image) { AdjustSaturation(m, 1.2) }},
		{"hue", func(m Image) { AdjustHue(m, 0.05) }},
		{"gray", func(m Image) { Grayscale(m) }},
		{"crop", func(m Image) { sinkI = ResizedCrop(m, 3, 4, 20, 22, 32, 32) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := img.Clone()
			for i := 0; i < b.N; i++ {
				copy(m.Pix, img.Pix)
				c.f(m)
			}
		})
	}
}
