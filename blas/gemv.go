package blas

import "fmt"

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

// gemvN sets y[i*incy] = alpha*dot(A row i, x) + beta*y[i*incy] for the
// m x n matrix A; len(x) == n.
func gemvN(m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32, incy int) {
	for i := 0; i < m; i++ {
		d := alpha * dotImpl(x, a[i*lda:i*lda+n])
		if beta != 0 {
			d += beta * y[i*incy]
		}
		y[i*incy] = d
	}
}

// gemvT sets y = alpha*A^T*x + beta*y for the m x n matrix A; len(x) == m,
// len(y) == n.
func gemvT(m, n int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	switch beta {
	case 0:
		clear(y)
	case 1:
	default:
		scalImpl(beta, y)
	}
	for i, xi := range x {
		if xi != 0 {
			axpyImpl(alpha*xi, a[i*lda:i*lda+n], y)
		}
	}
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
