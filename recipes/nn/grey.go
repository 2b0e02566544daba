package nn

// Direct convolution for the first layer on grey images (one input
// channel, 3x3 kernel, a multiple of 32 output channels): each output
// pixel is nine broadcast multiply-adds of a weight row, with no im2col
// matrix and no GEMM packing. Border pixels, whose taps leave the image,
// are computed here in Go; runs of interior pixels by the AVX2 kernels.

// grey reports whether c runs through the direct kernels.
func (c *Conv2d) grey() bool {
	return c.InC == 1 && c.KH == 3 && c.KW == 3 && greyKernels(c.OutC)
}

// greyWeights returns the weights transposed to [9][OutC].
func (c *Conv2d) greyWeights() []float32 {
	co := c.OutC
	c.wT = ensureF32(c.wT, 9*co)
	for o := 0; o < co; o++ {
		for t := 0; t < 9; t++ {
			c.wT[t*co+o] = c.Weight.Value.Data[o*9+t]
		}
	}
	return c.wT
}

// greyInterior returns the output columns [lo, hi) of output row oh whose
// taps all lie inside an h x w image, and whether the row has any.
func (c *Conv2d) greyInterior(oh, h, w int) (lo, hi int, ok bool) {
	s, p := c.Stride, c.Pad
	ih0 := oh*s - p
	if ih0 < 0 || ih0+3 > h {
		return 0, 0, false
	}
	lo = (p + s - 1) / s
	hi = min(c.ow, (w-3+p)/s+1)
	return lo, hi, lo < hi
}

// greyForwardImage writes the [OH·OW, OutC] output of one image.
func (c *Conv2d) greyForwardImage(out, img, wT []float32, h, w int) {
	co, s, p := c.OutC, c.Stride, c.Pad
	for oh := 0; oh < c.oh; oh++ {
		lo, hi, ok := c.greyInterior(oh, h, w)
		if !ok {
			lo, hi = c.ow, c.ow
		}
		for ow := 0; ow < c.ow; ow++ {
			if ow == lo && lo < hi {
				base := (oh*s-p)*w + lo*s - p
				greyRow(out[(oh*c.ow+lo)*co:(oh*c.ow+hi)*co], img[base:], wT, hi-lo, w, s, co)
				ow = hi - 1
				continue
			}
			dst := out[(oh*c.ow+ow)*co : (oh*c.ow+ow+1)*co]
			clear32(dst)
			for t := 0; t < 9; t++ {
				ih, iw := oh*s-p+t/3, ow*s-p+t%3
				if ih < 0 || ih >= h || iw < 0 || iw >= w {
					continue
				}
				v := img[ih*w+iw]
				for o, wv := range wT[t*co : (t+1)*co] {
					dst[o] += v * wv
				}
			}
		}
	}
}

// greyGradImage adds one image's weight gradient to part [9][OutC].
func (c *Conv2d) greyGradImage(part, img, dy []float32, h, w int) {
	co, s, p := c.OutC, c.Stride, c.Pad
	for oh := 0; oh < c.oh; oh++ {
		lo, hi, ok := c.greyInterior(oh, h, w)
		if !ok {
			lo, hi = c.ow, c.ow
		}
		for ow := 0; ow < c.ow; ow++ {
			if ow == lo && lo < hi {
				base := (oh*s-p)*w + lo*s - p
				greyGradRow(part, img[base:], dy[(oh*c.ow+lo)*co:(oh*c.ow+hi)*co], hi-lo, w, s, co)
				ow = hi - 1
				continue
			}
			g := dy[(oh*c.ow+ow)*co : (oh*c.ow+ow+1)*co]
			for t := 0; t < 9; t++ {
				ih, iw := oh*s-p+t/3, ow*s-p+t%3
				if ih < 0 || ih >= h || iw < 0 || iw >= w {
					continue
				}
				v := img[ih*w+iw]
				pt := part[t*co : (t+1)*co]
				for o, gv := range g {
					pt[o] += v * gv
				}
			}
		}
	}
}
