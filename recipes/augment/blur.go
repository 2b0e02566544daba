package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// GaussianBlur blurs with a Gaussian of standard deviation sigma ~
// U[Sigma[0], Sigma[1]] with probability P, as torchvision's GaussianBlur
// (reflect padding, kernel normalised to sum 1):
//
//	k[i] = exp(-x_i^2 / (2 sigma^2)) / sum, x_i = i - (K-1)/2
//
// SimCLR (arXiv 2002.05709, appendix A) blurs ImageNet views with P 0.5,
// sigma in [0.1, 2.0] and a kernel 10% of the image side; it leaves blur
// out on CIFAR-10 (32 px), as the presets here do for images of 32 px or
// less.
type GaussianBlur struct {
	Kernel int        // odd kernel size; 0 means 10% of the image side, made odd (28 px: 3; 224 px: 23)
	Sigma  [2]float64 // zero means (0.1, 2.0)
	P      float64
}

func (t GaussianBlur) String() string {
	s := or2(t.Sigma, [2]float64{0.1, 2})
	k := "10%"
	if t.Kernel > 0 {
		k = fmt.Sprint(t.Kernel)
	}
	return fmt.Sprintf("GaussianBlur(kernel=%s, sigma=%g-%g, p=%g)", k, s[0], s[1], t.P)
}

// KernelSize is the 10%-of-side rule: int(0.1 side), plus one if even.
func KernelSize(side int) int {
	k := int(0.1 * float64(side))
	if k%2 == 0 {
		k++
	}
	return k
}

// Apply implements Transform.
func (t GaussianBlur) Apply(img Image, rng *rand.Rand) Image {
	return t.applyOwned(img.Clone(), rng)
}

func (t GaussianBlur) applyOwned(img Image, rng *rand.Rand) Image {
	if !(rng.Float64() < t.P) {
		return img
	}
	s := or2(t.Sigma, [2]float64{0.1, 2})
	sigma := uniform(rng, s[0], s[1])
	kx, ky := t.Kernel, t.Kernel
	if t.Kernel <= 0 {
		kx, ky = KernelSize(img.W), KernelSize(img.H)
	}
	Blur(img, kx, ky, sigma)
	return img
}

// GaussianKernel returns torchvision's 1-D kernel of size k (odd) for
// sigma.
func GaussianKernel(k int, sigma float64) []float32 {
	if k < 1 || k%2 == 0 {
		panic(fmt.Sprintf("augment: Gaussian kernel size %d must be odd and positive", k))
	}
	out := make([]float32, k)
	half := float32(k-1) * 0.5
	var sum float32
	for i := range out {
		x := -half + float32(i) // linspace(-half, half, k)
		v := float32(math.Exp(float64(-0.5 * (x / float32(sigma)) * (x / float32(sigma)))))
		out[i] = v
		sum += v
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// Blur convolves img in place with a kx-wide, ky-tall Gaussian of standard
// deviation sigma, separably, with reflect padding (torchvision's
// gaussian_blur).
func Blur(img Image, kx, ky int, sigma float64) {
	gx, gy := GaussianKernel(kx, sigma), GaussianKernel(ky, sigma)
	h, w := img.H, img.W
	// Source column of each tap for each output column, reflected.
	xi := make([]int32, w*kx)
	for x := 0; x < w; x++ {
		for k := 0; k < kx; k++ {
			xi[x*kx+k] = int32(mirror(x+k-kx/2, w))
		}
	}
	yi := make([]int32, h*ky)
	for y := 0; y < h; y++ {
		for k := 0; k < ky; k++ {
			yi[y*ky+k] = int32(mirror(y+k-ky/2, h))
		}
	}
	tmp := make([]float32, h*w)
	for c := 0; c < img.C; c++ {
		p := img.Pix[c*h*w : (c+1)*h*w]
		for y := 0; y < h; y++ {
			row := p[y*w : (y+1)*w]
			dst := tmp[y*w : (y+1)*w]
			for x := range dst {
				var s float32
				for k, g := range gx {
					s += g * row[xi[x*kx+k]]
				}
				dst[x] = s
			}
		}
		for y := 0; y < h; y++ {
			dst := p[y*w : (y+1)*w]
			for x := range dst {
				dst[x] = 0
			}
			for k, g := range gy {
				src := tmp[int(yi[y*ky+k])*w:][:w]
				for x := range dst {
					dst[x] += g * src[x]
				}
			}
		}
	}
}

// mirror maps an index outside [0, n) back inside by mirroring without
// repeating the edge (numpy's and PyTorch's "reflect").
func mirror(i, n int) int {
	if n == 1 {
		return 0
	}
	period := 2 * (n - 1)
	i %= period
	if i < 0 {
		i += period
	}
	if i >= n {
		i = period - i
	}
	return i
}
