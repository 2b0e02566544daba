package blas

import (
	"fmt"
	"sync"
)

// Sgemv computes y = alpha*op(A)*x + beta*y where A is an m x n row-major
// matrix with leading dimension lda and op(A) is A (trans false: x has n
// elements, y has m) or its transpose (trans true: x has m, y has n).
// Only the first n (or m) elements of x and y are used. With beta == 0, y
// need not be initialised. Sgemv panics with a "blas:" message when a
// slice is too short.
func Sgemv(trans bool, m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	if m < 0 || n < 0 {
		panic(fmt.Sprintf("blas: negative size m=%d n=%d", m, n))
	}
	checkMatrix("a", a, m, n, lda)
	nx, ny := n, m
	if trans {
		nx, ny = m, n
	}
	if len(x) < nx {
		panic(fmt.Sprintf("blas: Sgemv x has %d elements, need %d", len(x), nx))
	}
	if len(y) < ny {
		panic(fmt.Sprintf("blas: Sgemv y has %d elements, need %d", len(y), ny))
	}
	if ny == 0 {
		return
	}
	if alpha == 0 || nx == 0 {
		scaleMatrix(1, ny, beta, y, ny)
		return
	}
	if trans {
		gemvT(m, n, alpha, a, lda, x[:m], beta, y[:n])
		return
	}
	gemvN(m, n, alpha, a, lda, x[:n], beta, y, 1)
}

// gemvParallelMin is the matrix size (m*n) from which Sgemv splits its
// work across Threads() goroutines: about where A stops fitting in the
// caches, and the product is bound by memory bandwidth.
var gemvParallelMin = 1 << 21

// gemvN sets y[i*incy] = alpha*dot(A row i, x) + beta*y[i*incy] for the
// m x n matrix A; len(x) == n.
func gemvN(m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32, incy int) {
	// Four rows at a time share the loads of x, which pays while A is in
	// cache; a larger A streams faster one row after the other (measured:
	// 65536 x 128 ran about 1.3x faster row by row, 4096 x 64 1.5x slower).
	step4 := m*n < gemvParallelMin
	rows := func(i0, i1 int) {
		var d [4]float32
		i := i0
		for ; step4 && i+4 <= i1; i += 4 {
			dot4Impl(a[i*lda:(i+3)*lda+n], lda, x, &d)
			for r, v := range d {
				v *= alpha
				if beta != 0 {
					v += beta * y[(i+r)*incy]
				}
				y[(i+r)*incy] = v
			}
		}
		for ; i < i1; i++ {
			v := alpha * dotImpl(x, a[i*lda:i*lda+n])
			if beta != 0 {
				v += beta * y[i*incy]
			}
			y[i*incy] = v
		}
	}
	parallelRange(m, 4, m*n, rows)
}

// gemvT sets y = alpha*A^T*x + beta*y for the m x n matrix A; len(x) == m,
// len(y) == n.
func gemvT(m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	step4 := m*n < gemvParallelMin // as in gemvN
	cols := func(j0, j1 int) {
		yj := y[j0:j1]
		switch beta {
		case 0:
			clear(yj)
		case 1:
		default:
			scalImpl(beta, yj)
		}
		var al [4]float32
		i := 0
		for ; step4 && i+4 <= m; i += 4 {
			al = [4]float32{alpha * x[i], alpha * x[i+1], alpha * x[i+2], alpha * x[i+3]}
			axpy4Impl(&al, a[i*lda+j0:(i+3)*lda+j1], lda, yj)
		}
		for ; i < m; i++ {
			axpyImpl(alpha*x[i], a[i*lda+j0:i*lda+j1], yj)
		}
	}
	// One goroutine: split by columns, each would stream half rows, and
	// that measured slower than one streaming whole rows.
	cols(0, n)
}

// parallelRange runs f over [0, n) cut into Threads() contiguous parts
// (multiples of q, but the last) when work is at least gemvParallelMin, else
// in one call.
func parallelRange(n, q, work int, f func(lo, hi int)) {
	t := Threads()
	if t <= 1 || work < gemvParallelMin || n < 2*q {
		f(0, n)
		return
	}
	t = min(t, n/q)
	step := roundUp((n+t-1)/t, q)
	var wg sync.WaitGroup
	for lo := step; lo < n; lo += step {
		wg.Go(func() { f(lo, min(n, lo+step)) })
	}
	f(0, min(n, step))
	wg.Wait()
}

// gemmVector is Sgemm for m == 1 or n == 1, done as a matrix-vector
// product.
func gemmVector(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ws := wsPool.Get().(*workspace)
	defer wsPool.Put(ws)
	if m == 1 {
		// Row 0 of C: y[j] = alpha*sum_p x[p]*op(B)[p][j] + beta*y[j].
		x := a[:k]
		if transA {
			ws.reserve(k, 0)
			x = ws.a[:k]
			for p := range x {
				x[p] = a[p*lda]
			}
		}
		if transB {
			gemvN(n, k, alpha, b, ldb, x, beta, c, 1)
		} else {
			gemvT(k, n, alpha, b, ldb, x, beta, c[:n])
		}
		return
	}
	// Column 0 of C: y[i*ldc] = alpha*sum_p op(A)[i][p]*x[p] + beta*y[i*ldc].
	x := b[:k]
	if !transB {
		ws.reserve(k, 0)
		x = ws.a[:k]
		for p := range x {
			x[p] = b[p*ldb]
		}
	}
	if !transA {
		gemvN(m, k, alpha, a, lda, x, beta, c, ldc)
		return
	}
	y := c[:m]
	if ldc != 1 {
		ws.reserve(0, m)
		y = ws.b[:m]
		for i := range y {
			y[i] = c[i*ldc]
		}
	}
	gemvT(k, m, alpha, a, lda, x, beta, y)
	if ldc != 1 {
		for i, v := range y {
			c[i*ldc] = v
		}
	}
}
