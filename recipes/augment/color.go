package augment

import (
	"fmt"
	"math/rand/v2"
)

// Luma weights of rgb_to_grayscale in torchvision (and TensorFlow).
const (
	lumaR = 0.2989
	lumaG = 0.587
	lumaB = 0.114
)

// ColorJitter changes brightness, contrast, saturation and hue by random
// factors, in a random order, with probability P, as torchvision's
// ColorJitter wrapped in RandomApply(p=P):
//
//	brightness b ~ U[max(0, 1-Brightness), 1+Brightness]:  x' = clamp(b x)
//	contrast   c ~ U[max(0, 1-Contrast), 1+Contrast]:      x' = clamp(c x + (1-c) mean(gray(x)))
//	saturation s ~ U[max(0, 1-Saturation), 1+Saturation]: x' = clamp(s x + (1-s) gray(x))
//	hue        h ~ U[-Hue, Hue]:                          rotate the HSV hue by h turns
//
// A zero strength leaves that property alone. Saturation and hue do
// nothing to a grayscale image (as in torchvision). SimCLR (arXiv
// 2002.05709) uses strength s: 0.8s, 0.8s, 0.8s, 0.2s with P 0.8 (s = 1
// on ImageNet, 0.5 on CIFAR-10).
type ColorJitter struct {
	Brightness, Contrast, Saturation, Hue float64
	P                                     float64 // probability of jittering at all (torchvision's ColorJitter alone: 1)
}

func (t ColorJitter) String() string {
	return fmt.Sprintf("ColorJitter(brightness=%g, contrast=%g, saturation=%g, hue=%g, p=%g)", t.Brightness, t.Contrast, t.Saturation, t.Hue, t.P)
}

// Apply implements Transform.
func (t ColorJitter) Apply(img Image, rng *rand.Rand) Image {
	return t.applyOwned(img.Clone(), rng)
}

func (t ColorJitter) applyOwned(img Image, rng *rand.Rand) Image {
	if !(rng.Float64() < t.P) {
		return img
	}
	if t.Hue < 0 || t.Hue > 0.5 {
		panic(fmt.Sprintf("augment: ColorJitter Hue %v outside [0, 0.5]", t.Hue))
	}
	order := rng.Perm(4)
	factor := func(s float64) float64 {
		if s <= 0 {
			return -1
		}
		return uniform(rng, max(0, 1-s), 1+s)
	}
	b, c, s := factor(t.Brightness), factor(t.Contrast), factor(t.Saturation)
	h := 0.0
	if t.Hue > 0 {
		h = uniform(rng, -t.Hue, t.Hue)
	}
	for _, k := range order {
		switch {
		case k == 0 && b >= 0:
			AdjustBrightness(img, float32(b))
		case k == 1 && c >= 0:
			AdjustContrast(img, float32(c))
		case k == 2 && s >= 0:
			AdjustSaturation(img, float32(s))
		case k == 3 && t.Hue > 0:
			AdjustHue(img, float32(h))
		}
	}
	return img
}

func clamp01(v float32) float32 { return min(max(v, 0), 1) }

// AdjustBrightness multiplies img by f in place, clamping to [0, 1]
// (torchvision's adjust_brightness).
func AdjustBrightness(img Image, f float32) {
	for i, v := range img.Pix {
		img.Pix[i] = clamp01(f * v)
	}
}

// AdjustContrast blends img in place with the mean of its grayscale
// version: clamp(f x + (1-f) mean) (torchvision's adjust_contrast).
func AdjustContrast(img Image, f float32) {
	var mean float32
	n := img.H * img.W
	if img.C == 3 {
		r, g, b := img.Pix[:n], img.Pix[n:2*n], img.Pix[2*n:3*n]
		var sum float64
		for i := range r {
			sum += float64(lumaR*r[i] + lumaG*g[i] + lumaB*b[i])
		}
		mean = float32(sum / float64(n))
	} else {
		var sum float64
		for _, v := range img.Pix {
			sum += float64(v)
		}
		mean = float32(sum / float64(len(img.Pix)))
	}
	m := (1 - f) * mean
	for i, v := range img.Pix {
		img.Pix[i] = clamp01(f*v + m)
	}
}

// AdjustSaturation blends an RGB img in place with its grayscale version:
// clamp(f x + (1-f) gray) (torchvision's adjust_saturation). It does
// nothing to a one-channel image.
func AdjustSaturation(img Image, f float32) {
	if img.C != 3 {
		return
	}
	n := img.H * img.W
	r, g, b := img.Pix[:n], img.Pix[n:2*n], img.Pix[2*n:3*n]
	for i := range r {
		l := (1 - f) * (lumaR*r[i] + lumaG*g[i] + lumaB*b[i])
		r[i] = clamp01(f*r[i] + l)
		g[i] = clamp01(f*g[i] + l)
		b[i] = clamp01(f*b[i] + l)
	}
}

// AdjustHue rotates the hue of an RGB img in place by f turns, f in
// [-0.5, 0.5], through HSV as torchvision's adjust_hue does, to within
// 2e-6: it divides by the chroma once and picks the sextant without
// branching, which made it 1.7x faster than the literal form (kept in
// hue_test.go as the reference it is tested against). It does nothing to
// a one-channel image.
func AdjustHue(img Image, f float32) {
	if img.C != 3 {
		return
	}
	n := img.H * img.W
	r, g, b := img.Pix[:n], img.Pix[n:2*n], img.Pix[2*n:3*n]
	g, b = g[:len(r)], b[:len(r)]
	for i := range r {
		ri, gi, bi := r[i], g[i], b[i]
		maxc := max(ri, gi, bi)
		cr := maxc - min(ri, gi, bi)
		if cr == 0 {
			continue // gray: saturation 0, any hue gives the same colour
		}
		inv := 1 / cr
		var h float32
		switch {
		case maxc == ri:
			h = (maxc-bi)*inv - (maxc-gi)*inv
		case maxc == gi:
			h = 2 + (maxc-ri)*inv - (maxc-bi)*inv
		default:
			h = 4 + (maxc-gi)*inv - (maxc-ri)*inv
		}
		// torchvision takes h' = ((h/6 + 1) mod 1 + f) mod 1, then builds
		// RGB from the sextant of 6h'. Channel n in (r 5, g 3, b 1) is
		// v - v s clamp(min(k, 4-k), 0, 1) with k = (n + 6h') mod 6 =
		// (n + h + 6f) mod 6: the same values (within rounding), without
		// a branch on the sextant. x below is positive (n + h + 6f >= -3).
		base := h + 6*f + 12
		vs := cr // v s, with s = cr / v
		r[i] = maxc - vs*sextantWeight(base+5)
		g[i] = maxc - vs*sextantWeight(base+3)
		b[i] = maxc - vs*sextantWeight(base+1)
	}
}

// sextantWeight is clamp(min(k, 4-k), 0, 1) for k = x mod 6, x > 0.
// It is continuous in x, so rounding at a sextant edge does no harm.
func sextantWeight(x float32) float32 {
	k := x - 6*float32(int32(x*(1.0/6)))
	return min(max(min(k, 4-k), 0), 1)
}

// RandomGrayscale replaces an RGB image by its luma (0.2989 R + 0.587 G +
// 0.114 B, repeated in the three channels) with probability P
// (torchvision's RandomGrayscale; SimCLR uses P 0.2). One-channel images
// are left alone.
type RandomGrayscale struct {
	P float64
}

func (t RandomGrayscale) String() string { return fmt.Sprintf("RandomGrayscale(p=%g)", t.P) }

// Apply implements Transform.
func (t RandomGrayscale) Apply(img Image, rng *rand.Rand) Image {
	return t.applyOwned(img.Clone(), rng)
}

func (t RandomGrayscale) applyOwned(img Image, rng *rand.Rand) Image {
	if rng.Float64() < t.P {
		Grayscale(img)
	}
	return img
}

// Grayscale replaces each channel of an RGB img by its luma, in place. It
// does nothing to a one-channel image.
func Grayscale(img Image) {
	if img.C != 3 {
		return
	}
	n := img.H * img.W
	r, g, b := img.Pix[:n], img.Pix[n:2*n], img.Pix[2*n:3*n]
	for i := range r {
		l := lumaR*r[i] + lumaG*g[i] + lumaB*b[i]
		r[i], g[i], b[i] = l, l, l
	}
}

// Solarize inverts (x -> 1 - x) every value at or above Threshold, with
// probability P (torchvision's RandomSolarize). BYOL (arXiv 2006.07733)
// uses threshold 0.5 with P 0 and 0.2 on its two views.
type Solarize struct {
	Threshold float64 // zero means 0.5
	P         float64
}

func (t Solarize) String() string {
	return fmt.Sprintf("Solarize(threshold=%g, p=%g)", t.threshold(), t.P)
}

func (t Solarize) threshold() float32 {
	if t.Threshold == 0 {
		return 0.5
	}
	return float32(t.Threshold)
}

// Apply implements Transform.
func (t Solarize) Apply(img Image, rng *rand.Rand) Image {
	return t.applyOwned(img.Clone(), rng)
}

func (t Solarize) applyOwned(img Image, rng *rand.Rand) Image {
	if rng.Float64() < t.P {
		th := t.threshold()
		for i, v := range img.Pix {
			if v >= th {
				img.Pix[i] = 1 - v
			}
		}
	}
	return img
}
