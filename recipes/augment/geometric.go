package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RandomResizedCrop crops a random region and resizes it to H x W, as
// torchvision's RandomResizedCrop (Szegedy et al., arXiv 1409.4842): the
// region's area is a uniform fraction of the image's in Scale and its
// aspect ratio w/h is log-uniform in Ratio; after 10 tries that do not fit,
// it falls back to the largest central crop within Ratio. Resizing is
// bilinear with align_corners=False and no antialiasing: the crop is never
// larger than an output of the input's own size, so when H and W are the
// input's (the SimCLR setting on 28 or 32 px images) antialiasing would
// change nothing.
//
// SimCLR (arXiv 2002.05709, appendix A) uses Scale 0.08-1 and Ratio
// 3/4-4/3; the project's CPU reference recipe uses Scale 0.3-1 at 28 px.
type RandomResizedCrop struct {
	H, W  int        // output size; 0 means the input's
	Scale [2]float64 // area fraction range; zero means (0.08, 1)
	Ratio [2]float64 // aspect ratio (w/h) range; zero means (3/4, 4/3)
}

func (t RandomResizedCrop) String() string {
	s, r := or2(t.Scale, [2]float64{0.08, 1}), or2(t.Ratio, [2]float64{3. / 4, 4. / 3})
	return fmt.Sprintf("RandomResizedCrop(%dx%d, scale=%.3g-%.3g, ratio=%.3g-%.3g)", t.H, t.W, s[0], s[1], r[0], r[1])
}

// Apply implements Transform.
func (t RandomResizedCrop) Apply(img Image, rng *rand.Rand) Image {
	top, left, h, w := CropParams(img.H, img.W, or2(t.Scale, [2]float64{0.08, 1}), or2(t.Ratio, [2]float64{3. / 4, 4. / 3}), rng)
	oh, ow := t.H, t.W
	if oh == 0 || ow == 0 {
		oh, ow = img.H, img.W
	}
	return ResizedCrop(img, top, left, h, w, oh, ow)
}

// CropParams draws a RandomResizedCrop region (top, left, height, width)
// for an H x W image, exactly as torchvision's get_params does, with rng
// in place of torch's generator.
func CropParams(H, W int, scale, ratio [2]float64, rng *rand.Rand) (top, left, h, w int) {
	area := float64(H * W)
	lr0, lr1 := math.Log(ratio[0]), math.Log(ratio[1])
	for range 10 {
		target := area * uniform(rng, scale[0], scale[1])
		ar := math.Exp(uniform(rng, lr0, lr1))
		w := int(math.RoundToEven(math.Sqrt(target * ar)))
		h := int(math.RoundToEven(math.Sqrt(target / ar)))
		if 0 < w && w <= W && 0 < h && h <= H {
			return rng.IntN(H - h + 1), rng.IntN(W - w + 1), h, w
		}
	}
	// Central crop.
	in := float64(W) / float64(H)
	switch {
	case in < min(ratio[0], ratio[1]):
		w = W
		h = int(math.RoundToEven(float64(w) / min(ratio[0], ratio[1])))
	case in > max(ratio[0], ratio[1]):
		h = H
		w = int(math.RoundToEven(float64(h) * max(ratio[0], ratio[1])))
	default:
		w, h = W, H
	}
	return (H - h) / 2, (W - w) / 2, h, w
}

// ResizedCrop returns the region (top, left, h, w) of img resized to
// oh x ow with bilinear interpolation as PyTorch's interpolate
// (align_corners=False, no antialiasing): output pixel y samples source
// row (y+0.5)*h/oh - 0.5, clamped at 0. It panics if the region is not
// inside the image.
func ResizedCrop(img Image, top, left, h, w, oh, ow int) Image {
	if top < 0 || left < 0 || h < 1 || w < 1 || top+h > img.H || left+w > img.W || oh < 1 || ow < 1 {
		panic(fmt.Sprintf("augment: crop (%d, %d, %d, %d) to %dx%d does not fit %v", top, left, h, w, oh, ow, img))
	}
	out := NewImage(img.C, oh, ow)
	var xbuf [2 * 256]int32
	var lbuf [256]float32
	var xs []int32
	var lx []float32
	if ow <= 256 {
		xs, lx = xbuf[:2*ow], lbuf[:ow]
	} else {
		xs, lx = make([]int32, 2*ow), make([]float32, ow)
	}
	sx := float32(w) / float32(ow)
	for x := 0; x < ow; x++ {
		x0, x1, l := sourceIndex(x, sx, w)
		xs[2*x], xs[2*x+1], lx[x] = int32(left+x0), int32(left+x1), l
	}
	sy := float32(h) / float32(oh)
	plane := img.H * img.W
	for y := 0; y < oh; y++ {
		y0, y1, ly := sourceIndex(y, sy, h)
		ly0 := 1 - ly
		for c := 0; c < img.C; c++ {
			r0 := img.Pix[c*plane+(top+y0)*img.W : c*plane+(top+y0+1)*img.W]
			r1 := img.Pix[c*plane+(top+y1)*img.W : c*plane+(top+y1+1)*img.W]
			dst := out.Pix[(c*oh+y)*ow : (c*oh+y+1)*ow]
			for x := range dst {
				a, b := xs[2*x], xs[2*x+1]
				l1 := lx[x]
				l0 := 1 - l1
				dst[x] = ly0*(l0*r0[a]+l1*r0[b]) + ly*(l0*r1[a]+l1*r1[b])
			}
		}
	}
	return out
}

// sourceIndex maps output index i to its two source neighbours and the
// weight of the second, as PyTorch's area_pixel_compute_source_index.
func sourceIndex(i int, scale float32, n int) (i0, i1 int, l float32) {
	s := scale*(float32(i)+0.5) - 0.5
	if s < 0 {
		s = 0
	}
	i0 = int(s)
	if i0 > n-1 {
		i0 = n - 1
	}
	i1 = i0
	if i0 < n-1 {
		i1 = i0 + 1
	}
	l = min(max(s-float32(i0), 0), 1)
	return
}

// Resize resizes to H x W (bilinear, align_corners=False, no
// antialiasing). SpCL resizes person images to 256 x 128 (with bicubic
// interpolation in PIL; bilinear here).
type Resize struct {
	H, W int
}

func (t Resize) String() string { return fmt.Sprintf("Resize(%dx%d)", t.H, t.W) }

// Apply implements Transform.
func (t Resize) Apply(img Image, _ *rand.Rand) Image {
	if t.H == img.H && t.W == img.W {
		return img.Clone()
	}
	return ResizedCrop(img, 0, 0, img.H, img.W, t.H, t.W)
}

// HorizontalFlip mirrors the image left to right with probability P
// (torchvision's RandomHorizontalFlip; SimCLR, SupCon and SpCL use 0.5).
type HorizontalFlip struct {
	P float64
}

func (t HorizontalFlip) String() string { return fmt.Sprintf("HorizontalFlip(p=%g)", t.P) }

// Apply implements Transform.
func (t HorizontalFlip) Apply(img Image, rng *rand.Rand) Image {
	return t.applyOwned(img.Clone(), rng)
}

func (t HorizontalFlip) applyOwned(img Image, rng *rand.Rand) Image {
	if rng.Float64() < t.P {
		Flip(img)
	}
	return img
}

// Flip mirrors img left to right in place.
func Flip(img Image) {
	for r := 0; r < img.C*img.H; r++ {
		row := img.Pix[r*img.W : (r+1)*img.W]
		for i, j := 0, len(row)-1; i < j; i, j = i+1, j-1 {
			row[i], row[j] = row[j], row[i]
		}
	}
}

// PadCrop pads the image by Pad pixels of value Fill on every side and
// crops a random H x W region of the result (torchvision's
// RandomCrop(size, padding=Pad)). SpCL (arXiv 2006.02713) uses Pad 10 at
// the input size; the CIFAR ResNet recipes use Pad 4 at 32 px.
type PadCrop struct {
	Pad  int
	H, W int // crop size; 0 means the input's
	Fill float32
}

func (t PadCrop) String() string {
	return fmt.Sprintf("PadCrop(pad=%d, %dx%d, fill=%g)", t.Pad, t.H, t.W, t.Fill)
}

// Apply implements Transform. It panics if the padded image is smaller
// than the crop.
func (t PadCrop) Apply(img Image, rng *rand.Rand) Image {
	h, w := t.H, t.W
	if h == 0 || w == 0 {
		h, w = img.H, img.W
	}
	ph, pw := img.H+2*t.Pad, img.W+2*t.Pad
	if ph < h || pw < w {
		panic(fmt.Sprintf("augment: PadCrop: %v padded by %d is smaller than the %dx%d crop", img, t.Pad, h, w))
	}
	top, left := rng.IntN(ph-h+1)-t.Pad, rng.IntN(pw-w+1)-t.Pad
	out := NewImage(img.C, h, w)
	for c := 0; c < img.C; c++ {
		for y := 0; y < h; y++ {
			dst := out.Pix[(c*h+y)*w : (c*h+y+1)*w]
			sy := top + y
			if sy < 0 || sy >= img.H {
				for x := range dst {
					dst[x] = t.Fill
				}
				continue
			}
			src := img.Pix[(c*img.H+sy)*img.W : (c*img.H+sy+1)*img.W]
			for x := range dst {
				if sx := left + x; sx >= 0 && sx < img.W {
					dst[x] = src[sx]
				} else {
					dst[x] = t.Fill
				}
			}
		}
	}
	return out
}
