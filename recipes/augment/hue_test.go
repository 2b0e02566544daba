package augment

import (
	"math"
	"testing"
)

// rgbToHSV follows torchvision's _rgb2hsv literally (four divisions): the
// plain reference for AdjustHue's reciprocal form.
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

// adjustHueRef is AdjustHue written as torchvision's three steps.
func adjustHueRef(img Image, f float32) {
	n := img.H * img.W
	r, g, b := img.Pix[:n], img.Pix[n:2*n], img.Pix[2*n:3*n]
	for i := range r {
		h, s, v := rgbToHSV(r[i], g[i], b[i])
		h = remainder1(h + f)
		r[i], g[i], b[i] = hsvToRGB(h, s, v)
	}
}

func TestAdjustHueMatchesPlainReference(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		img := randImage(3, 16, 16, seed)
		// Some gray and saturated pixels.
		for i := 0; i < 20; i++ {
			img.Pix[i+256], img.Pix[i+512] = img.Pix[i], img.Pix[i]
			img.Pix[30+i] = 1
		}
		for _, f := range []float32{-0.5, -0.21, 0, 0.13, 0.5} {
			got, want := img.Clone(), img.Clone()
			AdjustHue(got, f)
			adjustHueRef(want, f)
			for i := range got.Pix {
				if d := math.Abs(float64(got.Pix[i] - want.Pix[i])); d > 2e-6 {
					t.Fatalf("seed %d f %v: pixel %d = %v, reference %v", seed, f, i, got.Pix[i], want.Pix[i])
				}
			}
		}
	}
}
