package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RandomErasing blanks a random rectangle with probability P, as
// torchvision's RandomErasing (Zhong et al., arXiv 1708.04896): its area
// is a uniform fraction in Scale of the image's and its aspect ratio h/w is
// log-uniform in Ratio (uniform with UniformRatio, as SpCL's own
// implementation draws it); after Attempts tries that do not fit, nothing
// is erased. The rectangle is filled with Value (one value, or one per
// channel; nil means 0) or, with Random, standard normal noise.
//
// torchvision's defaults: P 0.5, Scale 0.02-0.33, Ratio 0.3-3.3, 10
// attempts. SpCL (arXiv 2006.02713): Scale 0.02-0.4, Ratio 0.3-3.33
// uniform, 100 attempts, filled with the ImageNet mean (0.485, 0.456,
// 0.406) after normalisation.
type RandomErasing struct {
	P            float64
	Scale        [2]float64 // zero means (0.02, 0.33)
	Ratio        [2]float64 // zero means (0.3, 3.3)
	Value        []float32
	Random       bool
	Attempts     int // zero means 10
	UniformRatio bool
}

func (t RandomErasing) String() string {
	s, r := or2(t.Scale, [2]float64{0.02, 0.33}), or2(t.Ratio, [2]float64{0.3, 3.3})
	v := fmt.Sprint(t.Value)
	if t.Random {
		v = "random"
	}
	return fmt.Sprintf("RandomErasing(p=%g, scale=%g-%g, ratio=%g-%g, value=%s)", t.P, s[0], s[1], r[0], r[1], v)
}

// Apply implements Transform.
func (t RandomErasing) Apply(img Image, rng *rand.Rand) Image {
	return t.applyOwned(img.Clone(), rng)
}

func (t RandomErasing) applyOwned(img Image, rng *rand.Rand) Image {
	if !(rng.Float64() < t.P) {
		return img
	}
	if n := len(t.Value); n > 1 && n != img.C {
		panic(fmt.Sprintf("augment: RandomErasing has %d values for %d channels", n, img.C))
	}
	scale, ratio := or2(t.Scale, [2]float64{0.02, 0.33}), or2(t.Ratio, [2]float64{0.3, 3.3})
	attempts := t.Attempts
	if attempts <= 0 {
		attempts = 10
	}
	area := float64(img.H * img.W)
	for range attempts {
		ea := area * uniform(rng, scale[0], scale[1])
		var ar float64
		if t.UniformRatio {
			ar = uniform(rng, ratio[0], ratio[1])
		} else {
			ar = math.Exp(uniform(rng, math.Log(ratio[0]), math.Log(ratio[1])))
		}
		h := int(math.RoundToEven(math.Sqrt(ea * ar)))
		w := int(math.RoundToEven(math.Sqrt(ea / ar)))
		if !(h < img.H && w < img.W) {
			continue
		}
		top, left := rng.IntN(img.H-h+1), rng.IntN(img.W-w+1)
		Erase(img, top, left, h, w, t.Value, t.Random, rng)
		return img
	}
	return img
}

// Erase fills the rectangle (top, left, h, w) of every channel in place
// with values (nil: 0; one value; or one per channel) or, with random,
// standard normal noise drawn from rng.
func Erase(img Image, top, left, h, w int, values []float32, random bool, rng *rand.Rand) {
	for c := 0; c < img.C; c++ {
		var v float32
		switch len(values) {
		case 0:
		case 1:
			v = values[0]
		default:
			v = values[c]
		}
		for y := top; y < top+h; y++ {
			row := img.Pix[(c*img.H+y)*img.W+left:][:w]
			for x := range row {
				if random {
					row[x] = float32(rng.NormFloat64())
				} else {
					row[x] = v
				}
			}
		}
	}
}

// ImageNet's per-channel mean and standard deviation, which SpCL and most
// ImageNet-pretrained encoders normalise with.
var (
	ImageNetMean = []float32{0.485, 0.456, 0.406}
	ImageNetStd  = []float32{0.229, 0.224, 0.225}
)

// Normalize maps each channel to (x - Mean[c]) / Std[c] (one value or one
// per channel), as torchvision's Normalize.
type Normalize struct {
	Mean, Std []float32
}

func (t Normalize) String() string { return fmt.Sprintf("Normalize(mean=%v, std=%v)", t.Mean, t.Std) }

// Apply implements Transform.
func (t Normalize) Apply(img Image, rng *rand.Rand) Image {
	return t.applyOwned(img.Clone(), rng)
}

func (t Normalize) applyOwned(img Image, _ *rand.Rand) Image {
	pick := func(v []float32, c int, def float32) float32 {
		switch len(v) {
		case 0:
			return def
		case 1:
			return v[0]
		}
		if len(v) != img.C {
			panic(fmt.Sprintf("augment: Normalize has %d values for %d channels", len(v), img.C))
		}
		return v[c]
	}
	n := img.H * img.W
	for c := 0; c < img.C; c++ {
		m, s := pick(t.Mean, c, 0), pick(t.Std, c, 1)
		p := img.Pix[c*n : (c+1)*n]
		for i, v := range p {
			p[i] = (v - m) / s
		}
	}
	return img
}
