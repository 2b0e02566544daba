package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gocontrast/contrast/blas"
)

// Conv2d is a 2-D convolution (cross-correlation, as in PyTorch) over
// images in NHWC layout, computed as im2col + blas.Sgemm per chunk of
// images, chunks in parallel.
//
// Shapes: x [N, H, W, InC], weight [OutC, KH, KW, InC], bias [OutC],
// y [N, OH, OW, OutC] with OH = (H + 2·Pad − KH)/Stride + 1 (likewise OW).
// Note the layouts: PyTorch keeps images as NCHW and weights as
// [OutC, InC, KH, KW]; here channels are last, which makes im2col copy
// contiguous runs of InC values and lets the output of each chunk's GEMM
// land in place. Convert with NCHWToNHWC and ConvWeightFromTorch.
//
// Initialisation is PyTorch's default: U(-1/√fanIn, 1/√fanIn) with
// fanIn = InC·KH·KW.
type Conv2d struct {
	InC, OutC   int
	KH, KW      int
	Stride, Pad int
	Weight      *Param
	Bias        *Param // nil without bias
	// NoInputGrad skips dL/dx in Backward (which then returns nil): set
	// it on a network's first layer, whose input is data.
	NoInputGrad bool

	x      *Tensor
	y, dx  *Tensor
	oh, ow int
	cols   [][]float32 // per worker
	dcols  [][]float32 // per worker
	parts  []float32   // per chunk partial dW, then db
	wT     []float32   // weights as [9][OutC] for the direct grey kernels
}

// NewConv2d returns a square-kernel convolution from inC to outC channels
// with kernel size k, the given stride and zero padding, with a bias if
// bias is set, initialised from r (nil: a fixed seed).
func NewConv2d(inC, outC, k, stride, pad int, bias bool, r *rand.Rand) *Conv2d {
	if inC <= 0 || outC <= 0 || k <= 0 || stride <= 0 || pad < 0 {
		panic(fmt.Sprintf("nn: NewConv2d(in %d, out %d, k %d, stride %d, pad %d): bad size", inC, outC, k, stride, pad))
	}
	r = defaultRand(r)
	c := &Conv2d{InC: inC, OutC: outC, KH: k, KW: k, Stride: stride, Pad: pad,
		Weight: newParam("weight", false, outC, k, k, inC)}
	bound := 1 / math.Sqrt(float64(inC*k*k))
	uniformInit(c.Weight.Value, bound, r)
	if bias {
		c.Bias = newParam("bias", true, outC)
		uniformInit(c.Bias.Value, bound, r)
	}
	return c
}

// Params returns the weight and, if present, the bias.
func (c *Conv2d) Params() []*Param {
	if c.Bias == nil {
		return []*Param{c.Weight}
	}
	return []*Param{c.Weight, c.Bias}
}

// OutSize returns the output height and width for an h x w input.
func (c *Conv2d) OutSize(h, w int) (int, int) {
	return (h+2*c.Pad-c.KH)/c.Stride + 1, (w+2*c.Pad-c.KW)/c.Stride + 1
}

func (c *Conv2d) k() int { return c.KH * c.KW * c.InC }

// convRows is the number of GEMM rows (output pixels) a chunk aims for.
const convRows = 512

// plan returns the number of chunks and the images per chunk for a batch
// of n images.
func (c *Conv2d) plan(n int) (int, int) {
	per := max(1, convRows/(c.oh*c.ow))
	// Keep every worker busy: at least 4 chunks per worker when possible.
	if n/per < 4*threads() {
		per = max(1, n/(4*threads()))
	}
	k, _ := chunks(n, per)
	return k, per
}

func (c *Conv2d) scratch(p [][]float32, n int) [][]float32 {
	t := threads()
	if len(p) < t {
		p = append(p, make([][]float32, t-len(p))...)
	}
	for w := range p {
		p[w] = ensureF32(p[w], n)
	}
	return p
}

// Forward convolves x [N, H, W, InC].
func (c *Conv2d) Forward(x *Tensor, train bool) *Tensor {
	mustRank("Conv2d", x, 4, "[N, H, W, C] (NHWC)")
	n, h, w, ci := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	if ci != c.InC {
		panic(fmt.Sprintf("nn: Conv2d expects %d input channels, got %d: images [N, C, H, W] = [%d %d %d %d] (the engine holds them channels-last, %v); "+
			"build the encoder for %d channels (e.g. ConvNetConfig.InChannels = %d) or convert the images", c.InC, ci, n, ci, h, w, x.Shape, ci, ci))
	}
	c.oh, c.ow = c.OutSize(h, w)
	if c.oh <= 0 || c.ow <= 0 {
		panic(fmt.Sprintf("nn: Conv2d kernel %dx%d does not fit input %v with padding %d", c.KH, c.KW, x.Shape, c.Pad))
	}
	c.x = x
	c.y = ensure(c.y, n, c.oh, c.ow, c.OutC)
	if n == 0 {
		return c.y
	}
	nc, per := c.plan(n)
	hw := c.oh * c.ow
	K := c.k()
	c.cols = c.scratch(c.cols, max(per*hw*K, c.greyPadSize(h, w)))
	wt := c.Weight.Value.Data
	grey := c.grey()
	var wT []float32
	if grey {
		wT = c.greyWeights()
	}
	defer singleThreadGemm()()
	parallelFor(nc, func(wk, i int) {
		lo, hi := i*per, min(n, (i+1)*per)
		rows := (hi - lo) * hw
		out := c.y.Data[lo*hw*c.OutC : hi*hw*c.OutC]
		if grey {
			pad := c.cols[wk]
			for img := lo; img < hi; img++ {
				c.greyForwardImage(out[(img-lo)*hw*c.OutC:], x.Data[img*h*w:(img+1)*h*w], wT, pad, h, w)
			}
		} else {
			col := c.cols[wk][:rows*K]
			for img := lo; img < hi; img++ {
				c.im2col(col[(img-lo)*hw*K:], x.Data[img*h*w*ci:], h, w)
			}
			blas.Sgemm(false, true, rows, c.OutC, K, 1, col, K, wt, K, 0, out, c.OutC)
		}
		if c.Bias != nil {
			addRowVector(out, c.Bias.Value.Data)
		}
	})
	return c.y
}

// Backward accumulates dW += Σ dyᵀ·col and db += Σ dy over the batch and
// returns dx = col2im(dy·W) (nil if NoInputGrad).
func (c *Conv2d) Backward(dy *Tensor) *Tensor {
	x := c.x
	n, h, w := x.Shape[0], x.Shape[1], x.Shape[2]
	if !sameShape(dy.Shape, c.y.Shape) {
		panic(fmt.Sprintf("nn: Conv2d Backward got dy %v, want %v", dy.Shape, c.y.Shape))
	}
	if !c.NoInputGrad {
		c.dx = ensure(c.dx, x.Shape...)
	}
	if n == 0 {
		if c.NoInputGrad {
			return nil
		}
		return c.dx
	}
	nc, per := c.plan(n)
	hw := c.oh * c.ow
	K := c.k()
	co := c.OutC
	wsize := co * K
	psize := wsize
	if c.Bias != nil {
		psize += co
	}
	c.parts = ensureF32(c.parts, nc*psize)
	c.cols = c.scratch(c.cols, max(per*hw*K, c.greyPadSize(h, w)))
	if !c.NoInputGrad {
		c.dcols = c.scratch(c.dcols, per*hw*K)
	}
	wt := c.Weight.Value.Data
	imgSize := h * w * c.InC
	grey := c.grey()
	defer singleThreadGemm()()
	parallelFor(nc, func(wk, i int) {
		lo, hi := i*per, min(n, (i+1)*per)
		rows := (hi - lo) * hw
		d := dy.Data[lo*hw*co : hi*hw*co]
		part := c.parts[i*psize : (i+1)*psize]
		if grey {
			// direct, into the transposed [9][co] layout of K < 16
			clear32(part[:wsize])
			pad := c.cols[wk]
			for img := lo; img < hi; img++ {
				c.greyGradImage(part[:wsize], x.Data[img*imgSize:(img+1)*imgSize], d[(img-lo)*hw*co:(img-lo+1)*hw*co], pad, h, w)
			}
		} else {
			col := c.cols[wk][:rows*K]
			for img := lo; img < hi; img++ {
				c.im2col(col[(img-lo)*hw*K:], x.Data[img*imgSize:], h, w)
			}
			c.gradW(part[:wsize], d, col, rows, K, co)
		}
		if c.Bias != nil {
			sumRows(part[wsize:], d, co)
		}
		if c.NoInputGrad {
			return
		}
		dcol := c.dcols[wk][:rows*K]
		blas.Sgemm(false, false, rows, K, co, 1, d, co, wt, K, 0, dcol, K)
		dx := c.dx.Data[lo*imgSize : hi*imgSize]
		clear32(dx)
		for img := lo; img < hi; img++ {
			c.col2im(dx[(img-lo)*imgSize:], dcol[(img-lo)*hw*K:], h, w)
		}
	})
	return c.combineGrads(nc, psize, wsize, K, co)
}

// gradW writes the chunk's weight gradient dyᵀ·col into part.
func (c *Conv2d) gradW(part, d, col []float32, rows, K, co int) {
	if K < 16 {
		// Few columns (a first layer on grey or RGB images): the
		// transposed product dWᵀ = colᵀ·dy fills the 16-wide micro-kernel
		// better. Stored transposed, added back in combineGrads.
		blas.Sgemm(true, false, K, co, rows, 1, col, K, d, co, 0, part, co)
	} else {
		blas.Sgemm(true, false, co, K, rows, 1, d, co, col, K, 0, part, K)
	}
}

// combineGrads adds the per-chunk partials to the gradients in chunk order
// (reproducible), in parallel over slices of the gradient, and returns dx.
func (c *Conv2d) combineGrads(nc, psize, wsize, K, co int) *Tensor {
	g := c.Weight.Grad.Data
	const span = 4096
	ns, _ := chunks(psize, span)
	parallelFor(ns, func(_, s int) {
		lo, hi := s*span, min(psize, (s+1)*span)
		wlo, whi := min(lo, wsize), min(hi, wsize)
		for i := 0; i < nc; i++ {
			part := c.parts[i*psize : (i+1)*psize]
			if K < 16 {
				// stored transposed: element e is (k, o) = (e/co, e%co)
				for e := wlo; e < whi; e++ {
					g[(e%co)*K+e/co] += part[e]
				}
			} else {
				addTo(g[wlo:whi], part[wlo:whi])
			}
			for e := max(lo, wsize); e < hi; e++ {
				c.Bias.Grad.Data[e-wsize] += part[e]
			}
		}
	})
	if c.NoInputGrad {
		return nil
	}
	return c.dx
}

// im2col writes the [OH·OW, KH·KW·InC] patch matrix of one image.
func (c *Conv2d) im2col(col, img []float32, h, w int) {
	ci, s, p := c.InC, c.Stride, c.Pad
	K := c.k()
	if ci == 1 && c.KH == 3 && c.KW == 3 {
		c.im2colGrey3x3(col, img, h, w)
		return
	}
	if ci*c.KW < 8 {
		c.im2colNarrow(col, img, h, w)
		return
	}
	r := 0
	for oh := 0; oh < c.oh; oh++ {
		for ow := 0; ow < c.ow; ow++ {
			row := col[r*K : (r+1)*K]
			r++
			j := 0
			for kh := 0; kh < c.KH; kh++ {
				ih := oh*s - p + kh
				if ih < 0 || ih >= h {
					clear32(row[j : j+c.KW*ci])
					j += c.KW * ci
					continue
				}
				iw0 := ow*s - p
				if iw0 >= 0 && iw0+c.KW <= w {
					// the whole kernel row is inside: one contiguous copy
					copy(row[j:j+c.KW*ci], img[(ih*w+iw0)*ci:])
					j += c.KW * ci
					continue
				}
				for kw := 0; kw < c.KW; kw++ {
					iw := iw0 + kw
					if iw < 0 || iw >= w {
						clear32(row[j : j+ci])
					} else {
						copy(row[j:j+ci], img[(ih*w+iw)*ci:(ih*w+iw+1)*ci])
					}
					j += ci
				}
			}
		}
	}
}

// im2colGrey3x3 is im2col for one input channel and a 3x3 kernel (the
// first layer on grey images): per output row, each of the nine kernel
// taps copies a strided strip of one image row.
func (c *Conv2d) im2colGrey3x3(col, img []float32, h, w int) {
	s, p := c.Stride, c.Pad
	for oh := 0; oh < c.oh; oh++ {
		ih0 := oh*s - p
		inside := ih0 >= 0 && ih0+3 <= h
		for ow := 0; ow < c.ow; ow++ {
			r := (oh*c.ow + ow) * 9
			iw0 := ow*s - p
			if !inside || iw0 < 0 || iw0+3 > w {
				c.patchGrey3x3(col[r:r+9], img, h, w, ih0, iw0)
				continue
			}
			d := col[r : r+9 : r+9]
			b := ih0*w + iw0
			s0 := img[b : b+3 : b+3]
			s1 := img[b+w : b+w+3 : b+w+3]
			s2 := img[b+2*w : b+2*w+3 : b+2*w+3]
			d[0], d[1], d[2] = s0[0], s0[1], s0[2]
			d[3], d[4], d[5] = s1[0], s1[1], s1[2]
			d[6], d[7], d[8] = s2[0], s2[1], s2[2]
		}
	}
}

// patchGrey3x3 writes one border patch, zero outside the image.
func (c *Conv2d) patchGrey3x3(d, img []float32, h, w, ih0, iw0 int) {
	for kh := 0; kh < 3; kh++ {
		ih := ih0 + kh
		for kw := 0; kw < 3; kw++ {
			iw := iw0 + kw
			v := float32(0)
			if ih >= 0 && ih < h && iw >= 0 && iw < w {
				v = img[ih*w+iw]
			}
			d[kh*3+kw] = v
		}
	}
}

// im2colNarrow is im2col for few input channels (a first layer), element
// by element rather than by copy calls of a handful of values.
func (c *Conv2d) im2colNarrow(col, img []float32, h, w int) {
	ci, s, p := c.InC, c.Stride, c.Pad
	K := c.k()
	run := c.KW * ci
	r := 0
	for oh := 0; oh < c.oh; oh++ {
		ih0 := oh*s - p
		rowsInside := ih0 >= 0 && ih0+c.KH <= h
		for ow := 0; ow < c.ow; ow++ {
			row := col[r*K : (r+1)*K : (r+1)*K]
			r++
			iw0 := ow*s - p
			if rowsInside && iw0 >= 0 && iw0+c.KW <= w {
				// interior: KH runs of KW·InC contiguous values
				for kh := 0; kh < c.KH; kh++ {
					src := img[((ih0+kh)*w+iw0)*ci:][:run]
					dst := row[kh*run:][:run]
					for t, v := range src {
						dst[t] = v
					}
				}
				continue
			}
			j := 0
			for kh := 0; kh < c.KH; kh++ {
				ih := ih0 + kh
				for kw := 0; kw < c.KW; kw++ {
					iw := iw0 + kw
					if ih < 0 || ih >= h || iw < 0 || iw >= w {
						for ch := 0; ch < ci; ch++ {
							row[j+ch] = 0
						}
					} else {
						src := img[(ih*w+iw)*ci : (ih*w+iw+1)*ci]
						for ch, v := range src {
							row[j+ch] = v
						}
					}
					j += ci
				}
			}
		}
	}
}

// col2im adds the patch-matrix gradient of one image into dimg.
func (c *Conv2d) col2im(dimg, dcol []float32, h, w int) {
	ci, s, p := c.InC, c.Stride, c.Pad
	K := c.k()
	r := 0
	for oh := 0; oh < c.oh; oh++ {
		for ow := 0; ow < c.ow; ow++ {
			row := dcol[r*K : (r+1)*K]
			r++
			j := 0
			for kh := 0; kh < c.KH; kh++ {
				ih := oh*s - p + kh
				if ih < 0 || ih >= h {
					j += c.KW * ci
					continue
				}
				iw0 := ow*s - p
				if iw0 >= 0 && iw0+c.KW <= w {
					addTo(dimg[(ih*w+iw0)*ci:(ih*w+iw0+c.KW)*ci], row[j:j+c.KW*ci])
					j += c.KW * ci
					continue
				}
				for kw := 0; kw < c.KW; kw++ {
					iw := iw0 + kw
					if iw >= 0 && iw < w {
						addTo(dimg[(ih*w+iw)*ci:(ih*w+iw+1)*ci], row[j:j+ci])
					}
					j += ci
				}
			}
		}
	}
}

// singleThreadGemm makes each blas.Sgemm call run on one goroutine while
// a layer runs its own products in parallel, and returns the function that
// restores the previous setting. (blas.SetThreads is process-wide: a
// product started elsewhere meanwhile also runs on one goroutine.)
func singleThreadGemm() func() {
	if !gemmSingle || threads() == 1 {
		return func() {}
	}
	prev := blas.SetThreads(1)
	return func() { blas.SetThreads(prev) }
}

// gemmSingle enables singleThreadGemm (a switch for benchmarks).
var gemmSingle = true

// addTo sets dst[i] += src[i].
func addTo(dst, src []float32) {
	if len(src) >= 32 {
		blas.Saxpy(1, src, dst[:len(src)])
		return
	}
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}

// addRowVector adds v to every row of the [rows, len(v)] matrix m.
func addRowVector(m, v []float32) {
	c := len(v)
	for i := 0; i+c <= len(m); i += c {
		row := m[i : i+c]
		for j, b := range v {
			row[j] += b
		}
	}
}

// sumRows sets dst[j] = Σ_i m[i, j] for the [rows, c] matrix m.
func sumRows(dst, m []float32, c int) {
	clear32(dst[:c])
	for i := 0; i+c <= len(m); i += c {
		addTo(dst[:c], m[i:i+c])
	}
}
