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

// greyPad copies img (h x w) into pad, a (h+2·Pad) x (w+2·Pad) image
// with a zero border, so that every output pixel's taps lie inside it.
func (c *Conv2d) greyPad(pad, img []float32, h, w int) []float32 {
	p := c.Pad
	pw := w + 2*p
	pad = pad[:(h+2*p)*pw]
	if p == 0 {
		copy(pad, img[:h*w])
		return pad
	}
	clear32(pad[:p*pw])
	clear32(pad[(h+p)*pw:])
	for y := 0; y < h; y++ {
		row := pad[(y+p)*pw : (y+p+1)*pw]
		clear32(row[:p])
		copy(row[p:p+w], img[y*w:(y+1)*w])
		clear32(row[p+w:])
	}
	return pad
}

// greyPadSize is the scratch a padded image needs.
func (c *Conv2d) greyPadSize(h, w int) int { return (h + 2*c.Pad) * (w + 2*c.Pad) }

// greyForwardImage writes the [OH·OW, OutC] output of one image; pad is
// scratch of greyPadSize.
func (c *Conv2d) greyForwardImage(out, img, wT, pad []float32, h, w int) {
	pad = c.greyPad(pad, img, h, w)
	pw, co, s := w+2*c.Pad, c.OutC, c.Stride
	for oh := 0; oh < c.oh; oh++ {
		greyRow(out[oh*c.ow*co:(oh+1)*c.ow*co], pad[oh*s*pw:], wT, c.ow, pw, s, co)
	}
}

// greyGradImage adds one image's weight gradient to part [9][OutC]; pad is
// scratch of greyPadSize.
func (c *Conv2d) greyGradImage(part, img, dy, pad []float32, h, w int) {
	pad = c.greyPad(pad, img, h, w)
	pw, co, s := w+2*c.Pad, c.OutC, c.Stride
	for oh := 0; oh < c.oh; oh++ {
		greyGradRow(part, pad[oh*s*pw:], dy[oh*c.ow*co:(oh+1)*c.ow*co], c.ow, pw, s, co)
	}
}
