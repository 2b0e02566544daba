//go:build openblas && cgo

package blas

import "github.com/gocontrast/contrast/blas/internal/openblas"

// With the build tag openblas (and cgo), Sgemm hands its products to
// OpenBLAS's cblas_sgemm (Debian libopenblas-dev) on Threads() threads.
// The Go kernels stay in use for the vector routines and for products too
// small to be worth a cgo call.
func init() {
	gemmOverride = func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		openblas.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Threads())
	}
}
