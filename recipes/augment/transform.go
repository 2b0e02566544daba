package augment

import (
	"math/rand/v2"
)

// Transform is one augmentation step: it returns a new image made from img
// using rng for its random choices, and never modifies img.Pix. Every
// transform in this package has an Apply method of this type; Compose
// chains them and Views runs them over a batch.
//
// A cell's own step joins a pipeline through Func (deterministic) or by
// converting a function literal:
//
//	invert := augment.Func(func(img augment.Image) augment.Image { ... })
//	jitter := augment.Transform(func(img augment.Image, r *rand.Rand) augment.Image { ... })
//
// rand is math/rand/v2: a cell that imports "math/rand" (v1) gets
// "cannot use type func(augment.Image,*rand.Rand) augment.Image as type
// augment.Transform"; import "math/rand/v2" instead.
type Transform func(img Image, rng *rand.Rand) Image

// Func makes a deterministic func(Image) Image a Transform. f must not
// modify its argument's Pix (use img.Clone()).
func Func(f func(Image) Image) Transform {
	return func(img Image, _ *rand.Rand) Image { return f(img) }
}

// Compose chains transforms, first to last.
func Compose(ts ...Transform) Transform {
	ts = append([]Transform(nil), ts...)
	return func(img Image, rng *rand.Rand) Image {
		for _, t := range ts {
			img = t(img, rng)
		}
		return img
	}
}

// RandomApply applies t with probability p (torchvision's RandomApply).
func RandomApply(p float64, t Transform) Transform {
	return func(img Image, rng *rand.Rand) Image {
		if rng.Float64() < p {
			return t(img, rng)
		}
		return img
	}
}

// RandomOrder applies all of ts in a random order.
func RandomOrder(ts ...Transform) Transform {
	ts = append([]Transform(nil), ts...)
	return func(img Image, rng *rand.Rand) Image {
		for _, k := range rng.Perm(len(ts)) {
			img = ts[k](img, rng)
		}
		return img
	}
}

// uniform draws from [lo, hi).
func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// or2 returns v unless it is the zero pair, then def.
func or2(v, def [2]float64) [2]float64 {
	if v == ([2]float64{}) {
		return def
	}
	return v
}
