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
// [-0.5, 0.5], through HSV exactly as torchvision's adjust_hue. It does
// nothing to a one-channel image.
func AdjustHue(img Image, f float32) {
	if img.C != 3 {
		return
	}
	n := img.H * img.W
	r, g, b := img.Pix[:n], img.Pix[n:2*n], img.Pix[2*n:3*n]
	for i := range r {
		h, s, v := rgbToHSV(r[i], g[i], b[i])
		h = remainder1(h + f)
		r[i], g[i], b[i] = hsvToRGB(h, s, v)
	}
}

// remainder1 is Python's x % 1.0 (result in [0, 1)) for |x| < 2^23.
func remainder1(x float32) float32 {
	f := float32(int32(x))
	if f > x {
		f--
	}
	r := x - f
	if r >= 1 {
		r = 0
	}
	return r
}

// rgbToHSV follows torchvision's _rgb2hsv (after Pillow).
func rgbToHSV(r, g, b float32) (h, s, v float32) {
	maxc := max(r, g, b)
	minc := min(r, g, b)
	cr := maxc - minc
	eq := maxc == minc
	den, crd := maxc, cr
	if eq {
		den, crd = 1, 1
	}
	s = cr / den
	rc, gc, bc := (maxc-r)/crd, (maxc-g)/crd, (maxc-b)/crd
	switch {
	case maxc == r:
		h = bc - gc
	case maxc == g:
		h = 2 + rc - bc
	default:
		h = 4 + gc - rc
	}
	h = remainder1(h/6 + 1) // torch.fmod of a positive value
	return h, s, maxc
}

// hsvToRGB follows torchvision's _hsv2rgb.
func hsvToRGB(h, s, v float32) (r, g, b float32) {
	fi := float32(int32(h * 6)) // h >= 0: truncation is floor
	f := h*6 - fi
	i := int(fi) % 6
	if i < 0 {
		i += 6
	}
	p := clamp01(v * (1 - s))
	q := clamp01(v * (1 - s*f))
	t := clamp01(v * (1 - s*(1-f)))
	switch i {
	case 0:
		return v, t, p
	case 1:
		return q, v, p
	case 2:
		return p, v, t
	case 3:
		return p, q, v
	case 4:
		return t, p, v
	}
	return v, p, q
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
