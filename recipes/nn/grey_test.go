package nn

import (
	"fmt"
	"math"
	"testing"
)

// TestGreyConvMatchesGEMM compares the direct one-channel kernels with the
// im2col + GEMM path on shapes with and without interior pixels, strides
// and paddings.
func TestGreyConvMatchesGEMM(t *testing.T) {
	if !greyKernels(32) {
		t.Skip("no direct grey kernels on this machine")
	}
	r := randFor(11)
	for _, c := range []struct{ n, h, w, stride, pad, co int }{
		{3, 28, 28, 1, 1, 32}, {2, 9, 7, 2, 1, 64}, {2, 6, 6, 1, 0, 32}, {2, 3, 3, 1, 1, 32}, {1, 2, 5, 1, 1, 32}, {2, 11, 10, 3, 2, 32},
	} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			a := NewConv2d(1, c.co, 3, c.stride, c.pad, true, r)
			b := NewConv2d(1, c.co, 3, c.stride, c.pad, true, nil)
			copy(b.Weight.Value.Data, a.Weight.Value.Data)
			copy(b.Bias.Value.Data, a.Bias.Value.Data)
			a.NoInputGrad, b.NoInputGrad = true, true
			x := randTensor(r, c.n, c.h, c.w, 1)
			ya := a.Forward(x, true).Clone()
			useAVX2 = false
			yb := b.Forward(x, true).Clone()
			useAVX2 = true
			nearTol(t, "output", ya.Data, yb.Data)
			dy := randTensor(r, ya.Shape...)
			a.Backward(dy.Clone())
			useAVX2 = false
			b.Backward(dy.Clone())
			useAVX2 = true
			nearTol(t, "weight gradient", a.Weight.Grad.Data, b.Weight.Grad.Data)
			nearTol(t, "bias gradient", a.Bias.Grad.Data, b.Bias.Grad.Data)
		})
	}
}

func nearTol(t *testing.T, what string, got, want []float32) {
	t.Helper()
	scale := 0.0
	for _, w := range want {
		scale = max(scale, math.Abs(float64(w)))
	}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-5*max(scale, 1) {
			t.Fatalf("%s[%d]: direct %v, GEMM %v", what, i, got[i], want[i])
		}
	}
}
