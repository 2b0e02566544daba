package augment

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/gocontrast/contrast/recipes/nn"
)

// Image is one image in channel-major (CHW) float32 layout: pixel (c, y, x)
// is Pix[c*H*W + y*W + x]. Values are in [0, 1] until Normalize. C is 1
// (grayscale) or 3 (RGB) for the colour transforms; the geometric ones take
// any C.
type Image struct {
	C, H, W int
	Pix     []float32
}

// NewImage returns a black image.
func NewImage(c, h, w int) Image {
	return Image{C: c, H: h, W: w, Pix: make([]float32, c*h*w)}
}

// Clone returns a copy with its own Pix.
func (m Image) Clone() Image {
	m.Pix = append([]float32(nil), m.Pix...)
	return m
}

// At returns pixel (c, y, x).
func (m Image) At(c, y, x int) float32 { return m.Pix[(c*m.H+y)*m.W+x] }

// String describes the image, e.g. "Image[1x28x28]".
func (m Image) String() string { return fmt.Sprintf("Image[%dx%dx%d]", m.C, m.H, m.W) }

// FromTensor returns image i of a batch t shaped [N, C, H, W]; its Pix
// shares t's storage (transforms never modify their input). It panics if t
// is not 4-D or i is out of range.
func FromTensor(t *nn.Tensor, i int) Image {
	if len(t.Shape) != 4 {
		panic(fmt.Sprintf("augment: want an image batch [N, C, H, W], got shape %v", t.Shape))
	}
	if i < 0 || i >= t.Shape[0] {
		panic(fmt.Sprintf("augment: image %d of a batch of %d", i, t.Shape[0]))
	}
	return Image{C: t.Shape[1], H: t.Shape[2], W: t.Shape[3], Pix: t.Row(i)}
}

// Tensor returns a copy of the image as a [1, C, H, W] batch.
func (m Image) Tensor() *nn.Tensor {
	return nn.FromSlice(append([]float32(nil), m.Pix...), 1, m.C, m.H, m.W)
}

// Stack copies images of one size into a [N, C, H, W] batch. It panics if
// their sizes differ.
func Stack(imgs []Image) *nn.Tensor {
	if len(imgs) == 0 {
		return nn.New(0, 0, 0, 0)
	}
	c, h, w := imgs[0].C, imgs[0].H, imgs[0].W
	t := nn.New(len(imgs), c, h, w)
	for i, m := range imgs {
		if m.C != c || m.H != h || m.W != w {
			panic(fmt.Sprintf("augment: Stack: image %d is %v, image 0 is %v", i, m, imgs[0]))
		}
		copy(t.Row(i), m.Pix)
	}
	return t
}

// Montage lays the first n images of a batch [N, C, H, W] out in a grid
// with cols columns and a 1-pixel gap, as one Image: a cell that ends with
// augment.Montage(views, 16) shows the views.
func Montage(t *nn.Tensor, n, cols int) Image {
	if len(t.Shape) != 4 {
		panic(fmt.Sprintf("augment: Montage wants [N, C, H, W], got %v", t.Shape))
	}
	n = min(n, t.Shape[0])
	if cols < 1 {
		cols = 1
	}
	c, h, w := t.Shape[1], t.Shape[2], t.Shape[3]
	rows := (n + cols - 1) / cols
	gw, gh := cols*(w+1)-1, max(rows*(h+1)-1, 0)
	out := NewImage(c, gh, gw)
	for k := 0; k < n; k++ {
		src := FromTensor(t, k)
		oy, ox := (k/cols)*(h+1), (k%cols)*(w+1)
		for ch := 0; ch < c; ch++ {
			for y := 0; y < h; y++ {
				copy(out.Pix[(ch*gh+oy+y)*gw+ox:][:w], src.Pix[(ch*h+y)*w:][:w])
			}
		}
	}
	return out
}

// PNG renders the image (values clamped to [0, 1]), enlarged with nearest
// neighbours so that small images are visible: a cell whose last value is
// an Image shows it.
func (m Image) PNG() ([]byte, error) {
	if m.C != 1 && m.C != 3 {
		return nil, fmt.Errorf("augment: cannot draw an image with %d channels", m.C)
	}
	if m.H == 0 || m.W == 0 {
		return nil, fmt.Errorf("augment: cannot draw an empty image")
	}
	s := max(1, min(8, 256/max(m.H, m.W)))
	img := image.NewNRGBA(image.Rect(0, 0, m.W*s, m.H*s))
	q := func(v float32) uint8 {
		switch {
		case v <= 0:
			return 0
		case v >= 1:
			return 255
		}
		return uint8(v*255 + 0.5)
	}
	plane := m.H * m.W
	for y := 0; y < m.H*s; y++ {
		for x := 0; x < m.W*s; x++ {
			o := (y/s)*m.W + x/s
			r := q(m.Pix[o])
			g, b := r, r
			if m.C == 3 {
				g, b = q(m.Pix[plane+o]), q(m.Pix[2*plane+o])
			}
			img.SetNRGBA(x, y, color.NRGBA{r, g, b, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
