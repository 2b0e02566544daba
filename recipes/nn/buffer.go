package nn

import (
	"fmt"
	"slices"
)

// ensure returns a tensor of the given shape that reuses t's storage when
// its capacity suffices (t may be nil). Contents are unspecified. This is
// the workspace cache: a layer keeps its output and scratch tensors and
// re-slices them for every batch, so a training run allocates only on the
// first step, and a smaller last batch or an evaluation batch of another
// size reuses (or grows once) the same memory.
func ensure(t *Tensor, shape ...int) *Tensor {
	n := 1
	for _, s := range shape {
		n *= s
	}
	if t == nil {
		t = &Tensor{}
	}
	if cap(t.Data) < n {
		t.Data = make([]float32, n)
	}
	t.Data = t.Data[:n]
	t.Shape = append(t.Shape[:0], shape...)
	return t
}

// ensureF32 is ensure for a bare slice.
func ensureF32(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// ensureF64 is ensure for a float64 slice.
func ensureF64(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// view returns a tensor of another shape sharing x's storage.
func view(dst *Tensor, x *Tensor, shape ...int) *Tensor {
	n := 1
	for _, s := range shape {
		n *= s
	}
	if n != len(x.Data) {
		panic(fmt.Sprintf("nn: cannot view %v as %v", x.Shape, shape))
	}
	if dst == nil {
		dst = &Tensor{}
	}
	dst.Shape = append(dst.Shape[:0], shape...)
	dst.Data = x.Data
	return dst
}

func clear32(s []float32) {
	for i := range s {
		s[i] = 0
	}
}

// sameShape reports whether a and b have equal shapes.
func sameShape(a, b []int) bool { return slices.Equal(a, b) }

// mustRank panics unless x has the given rank.
func mustRank(layer string, x *Tensor, rank int, want string) {
	if len(x.Shape) != rank {
		panic(fmt.Sprintf("nn: %s expects a %d-D input %s, got shape %v", layer, rank, want, x.Shape))
	}
}

// newParam returns a parameter with a zero gradient.
func newParam(name string, noDecay bool, shape ...int) *Param {
	return &Param{Name: name, Value: New(shape...), Grad: New(shape...), NoDecay: noDecay}
}

// product is the number of elements of a shape.
func product(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}
