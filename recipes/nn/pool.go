package nn

import "fmt"

// MaxPool2d takes the maximum over k x k windows of NHWC images with the
// given stride and padding (padding never wins, as in PyTorch).
// Shapes: x [N, H, W, C] → y [N, OH, OW, C], OH = (H + 2·Pad − K)/Stride + 1.
type MaxPool2d struct {
	K, Stride, Pad int

	x, y, dx *Tensor
	arg      []int32 // flat index into the image of each output's max
}

// NewMaxPool2d returns a max pool with window k, stride and padding
// (stride 0 means k, PyTorch's default).
func NewMaxPool2d(k, stride, pad int) *MaxPool2d {
	if stride == 0 {
		stride = k
	}
	if k <= 0 || stride <= 0 || pad < 0 || 2*pad > k {
		panic(fmt.Sprintf("nn: NewMaxPool2d(k %d, stride %d, pad %d): bad size", k, stride, pad))
	}
	return &MaxPool2d{K: k, Stride: stride, Pad: pad}
}

// Params returns nil.
func (*MaxPool2d) Params() []*Param { return nil }

func poolOut(layer string, x *Tensor, k, s, p int) (n, h, w, c, oh, ow int) {
	mustRank(layer, x, 4, "[N, H, W, C] (NHWC)")
	n, h, w, c = x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow = (h+2*p-k)/s+1, (w+2*p-k)/s+1
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: %s window %d does not fit input %v", layer, k, x.Shape))
	}
	return
}

// Forward pools x.
func (l *MaxPool2d) Forward(x *Tensor, train bool) *Tensor {
	n, h, w, c, oh, ow := poolOut("MaxPool2d", x, l.K, l.Stride, l.Pad)
	l.x = x
	l.y = ensure(l.y, n, oh, ow, c)
	if cap(l.arg) < len(l.y.Data) {
		l.arg = make([]int32, len(l.y.Data))
	}
	l.arg = l.arg[:len(l.y.Data)]
	parallelFor(n, func(_, img int) {
		xi := x.Data[img*h*w*c : (img+1)*h*w*c]
		yo := img * oh * ow * c
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				y := l.y.Data[yo+(i*ow+j)*c : yo+(i*ow+j+1)*c]
				a := l.arg[yo+(i*ow+j)*c : yo+(i*ow+j+1)*c]
				first := true
				for ki := 0; ki < l.K; ki++ {
					ih := i*l.Stride - l.Pad + ki
					if ih < 0 || ih >= h {
						continue
					}
					for kj := 0; kj < l.K; kj++ {
						iw := j*l.Stride - l.Pad + kj
						if iw < 0 || iw >= w {
							continue
						}
						base := (ih*w + iw) * c
						src := xi[base : base+c]
						for ch, v := range src {
							if first || v > y[ch] {
								y[ch] = v
								a[ch] = int32(base + ch)
							}
						}
						first = false
					}
				}
			}
		}
	})
	return l.y
}

// Backward routes dy to the position of each window's maximum.
func (l *MaxPool2d) Backward(dy *Tensor) *Tensor {
	if !sameShape(dy.Shape, l.y.Shape) {
		panic(fmt.Sprintf("nn: MaxPool2d Backward got dy %v, want %v", dy.Shape, l.y.Shape))
	}
	n := l.x.Shape[0]
	isz := len(l.x.Data) / max(n, 1)
	osz := len(l.y.Data) / max(n, 1)
	l.dx = ensure(l.dx, l.x.Shape...)
	parallelFor(n, func(_, img int) {
		dx := l.dx.Data[img*isz : (img+1)*isz]
		clear32(dx)
		d := dy.Data[img*osz : (img+1)*osz]
		a := l.arg[img*osz : (img+1)*osz]
		for o, g := range d {
			dx[a[o]] += g
		}
	})
	return l.dx
}

// AvgPool2d averages over k x k windows of NHWC images, counting padded
// zeros in the divisor (PyTorch's default count_include_pad=True).
type AvgPool2d struct {
	K, Stride, Pad int

	x, y, dx *Tensor
}

// NewAvgPool2d returns an average pool (stride 0 means k).
func NewAvgPool2d(k, stride, pad int) *AvgPool2d {
	if stride == 0 {
		stride = k
	}
	if k <= 0 || stride <= 0 || pad < 0 || 2*pad > k {
		panic(fmt.Sprintf("nn: NewAvgPool2d(k %d, stride %d, pad %d): bad size", k, stride, pad))
	}
	return &AvgPool2d{K: k, Stride: stride, Pad: pad}
}

// Params returns nil.
func (*AvgPool2d) Params() []*Param { return nil }

// Forward pools x.
func (l *AvgPool2d) Forward(x *Tensor, train bool) *Tensor {
	n, h, w, c, oh, ow := poolOut("AvgPool2d", x, l.K, l.Stride, l.Pad)
	l.x = x
	l.y = ensure(l.y, n, oh, ow, c)
	inv := 1 / float32(l.K*l.K)
	parallelFor(n, func(_, img int) {
		xi := x.Data[img*h*w*c : (img+1)*h*w*c]
		yo := img * oh * ow * c
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				y := l.y.Data[yo+(i*ow+j)*c : yo+(i*ow+j+1)*c]
				clear32(y)
				l.window(i, j, h, w, func(base int) { addTo(y, xi[base:base+c]) })
				for ch := range y {
					y[ch] *= inv
				}
			}
		}
	})
	return l.y
}

func (l *AvgPool2d) window(i, j, h, w int, f func(base int)) {
	c := 1
	if l.x != nil {
		c = l.x.Shape[3]
	}
	for ki := 0; ki < l.K; ki++ {
		ih := i*l.Stride - l.Pad + ki
		if ih < 0 || ih >= h {
			continue
		}
		for kj := 0; kj < l.K; kj++ {
			iw := j*l.Stride - l.Pad + kj
			if iw < 0 || iw >= w {
				continue
			}
			f((ih*w + iw) * c)
		}
	}
}

// Backward spreads dy/K² over each window.
func (l *AvgPool2d) Backward(dy *Tensor) *Tensor {
	if !sameShape(dy.Shape, l.y.Shape) {
		panic(fmt.Sprintf("nn: AvgPool2d Backward got dy %v, want %v", dy.Shape, l.y.Shape))
	}
	n, h, w, c := l.x.Shape[0], l.x.Shape[1], l.x.Shape[2], l.x.Shape[3]
	oh, ow := l.y.Shape[1], l.y.Shape[2]
	l.dx = ensure(l.dx, l.x.Shape...)
	inv := 1 / float32(l.K*l.K)
	parallelFor(n, func(_, img int) {
		dx := l.dx.Data[img*h*w*c : (img+1)*h*w*c]
		clear32(dx)
		yo := img * oh * ow * c
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				d := dy.Data[yo+(i*ow+j)*c : yo+(i*ow+j+1)*c]
				l.window(i, j, h, w, func(base int) {
					t := dx[base : base+c]
					for ch, g := range d {
						t[ch] += g * inv
					}
				})
			}
		}
	})
	return l.dx
}

// GlobalAvgPool averages each channel over all positions:
// x [N, H, W, C] → y [N, C].
type GlobalAvgPool struct {
	x, y, dx *Tensor
}

// NewGlobalAvgPool returns a global average pool.
func NewGlobalAvgPool() *GlobalAvgPool { return &GlobalAvgPool{} }

// Params returns nil.
func (*GlobalAvgPool) Params() []*Param { return nil }

// Forward averages over H and W.
func (l *GlobalAvgPool) Forward(x *Tensor, train bool) *Tensor {
	mustRank("GlobalAvgPool", x, 4, "[N, H, W, C] (NHWC)")
	n, c := x.Shape[0], x.Shape[3]
	hw := x.Shape[1] * x.Shape[2]
	l.x = x
	l.y = ensure(l.y, n, c)
	inv := 1 / float32(hw)
	parallelFor(n, func(_, img int) {
		y := l.y.Data[img*c : (img+1)*c]
		sumRows(y, x.Data[img*hw*c:(img+1)*hw*c], c)
		for ch := range y {
			y[ch] *= inv
		}
	})
	return l.y
}

// Backward spreads dy/(H·W) over every position.
func (l *GlobalAvgPool) Backward(dy *Tensor) *Tensor {
	if !sameShape(dy.Shape, l.y.Shape) {
		panic(fmt.Sprintf("nn: GlobalAvgPool Backward got dy %v, want %v", dy.Shape, l.y.Shape))
	}
	n, c := l.x.Shape[0], l.x.Shape[3]
	hw := l.x.Shape[1] * l.x.Shape[2]
	l.dx = ensure(l.dx, l.x.Shape...)
	inv := 1 / float32(hw)
	parallelFor(n, func(_, img int) {
		d := dy.Data[img*c : (img+1)*c]
		dx := l.dx.Data[img*hw*c : (img+1)*hw*c]
		for p := 0; p < hw; p++ {
			row := dx[p*c : (p+1)*c]
			for ch, g := range d {
				row[ch] = g * inv
			}
		}
	})
	return l.dx
}
