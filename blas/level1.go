package blas

import "fmt"

// Sdot returns sum_i x[i]*y[i]. x and y must have the same length; Sdot
// panics otherwise.
func Sdot(x, y []float32) float32 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("blas: Sdot lengths differ: len(x)=%d len(y)=%d", len(x), len(y)))
	}
	if len(x) == 0 {
		return 0
	}
	return dotImpl(x, y)
}

// Saxpy sets y[i] += alpha*x[i]. x and y must have the same length and
// must not overlap; Saxpy panics when the lengths differ.
func Saxpy(alpha float32, x, y []float32) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("blas: Saxpy lengths differ: len(x)=%d len(y)=%d", len(x), len(y)))
	}
	if len(x) == 0 || alpha == 0 {
		return
	}
	axpyImpl(alpha, x, y)
}

// Sscal sets x[i] *= alpha. As in reference BLAS, alpha == 0 gives
// alpha*x[i] (a NaN stays NaN); use clear to zero a vector.
func Sscal(alpha float32, x []float32) {
	if len(x) == 0 {
		return
	}
	scalImpl(alpha, x)
}
