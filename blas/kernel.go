package blas

// Register block of the micro-kernel: it computes an mr x nr tile of C
// from an mr-row sliver of op(A) and an nr-column packed panel of op(B).
const (
	mr = 6
	nr = 16
)

// kernelFunc computes, for i < mr and j < nr,
//
//	c[i*ldc+j] = alpha * sum_{p<k} a[p*mr+i] * b[p*nr+j] + beta*c[i*ldc+j]
//
// from a packed sliver a of op(A) and a packed panel b of op(B), reading no
// element of c when beta == 0. k >= 1. It does so count times (count >=
// 1), for the consecutive slivers of a (mr*k floats apart) and the tiles
// of c below one another (mr rows apart), with the same panel b. The
// caller guarantees that all the elements named are inside the slices (it
// may skip bounds checks).
type kernelFunc func(k int, a, b, c []float32, ldc int, alpha, beta float32, count int)

// The implementations in use; setImpl picks them.
var (
	microKernel kernelFunc = kernelGeneric
	dotImpl                = dotGeneric
	axpyImpl               = axpyGeneric
	scalImpl               = scalGeneric
	dot4Impl               = dot4Generic
	axpy4Impl              = axpy4Generic
	asmOn       bool

	// Optional fast packing of full panels (nil: the Go loops in pack.go).
	// packBNFast packs np full nr-column panels of op(B) = B, kb rows
	// each, from src (stride ldb) to dst;
	// packATFast copies kb rows of mr floats from src (stride lda) to dst;
	// packBTFast packs an nr-column panel of op(B) = B^T for 8*k8 values of
	// p from nr rows of src (stride ldb).
	packBNFast func(kb, np int, src []float32, ldb int, dst []float32)
	packATFast func(kb int, src []float32, lda int, dst []float32)
	packBTFast func(k8 int, src []float32, ldb int, dst []float32)
	// packANFast packs an mr-row sliver of op(A) = A for 8*k8 values of p
	// from mr rows of src (stride lda).
	packANFast func(k8 int, src []float32, lda int, dst []float32)

	// edgeKernels[mh][w], when not nil, computes an mh x 8 (w 0) or
	// mh x 16 (w 1) tile like microKernel, for the edges of C.
	edgeKernels *[mr + 1][2]kernelFunc

	// directKernels[transA][w], when not nil, computes mr x 8 (w 0) or
	// mr x 16 (w 1) tiles like microKernel but reads op(A) in place: a
	// starts at op(A)'s element (row 0, column 0) of the first tile, and
	// A's rows are lda floats apart.
	directKernels *[2][2]directFunc
)

type directFunc func(k int, a, b, c []float32, ldc int, alpha, beta float32, count, lda int)

func setGeneric() {
	microKernel = kernelGeneric
	dotImpl = dotGeneric
	axpyImpl = axpyGeneric
	scalImpl = scalGeneric
	dot4Impl = dot4Generic
	axpy4Impl = axpy4Generic
	packBNFast, packATFast, packBTFast, packANFast = nil, nil, nil, nil
	edgeKernels = nil
	directKernels = nil
	asmOn = false
}

// Accelerated reports which kernels Sgemm and the vector routines use on
// this machine: "avx2+fma" (amd64 with AVX2 and FMA), "generic" (the
// portable Go kernels) or "openblas" (built with -tags openblas: Sgemm's
// larger products go to OpenBLAS).
func Accelerated() string {
	if gemmOverride != nil {
		return "openblas"
	}
	if asmOn {
		return "avx2+fma"
	}
	return "generic"
}

// kernelGeneric is the portable micro-kernel: plain Go, register-blocked
// in 2x4 sub-tiles so that the accumulators stay in registers.
func kernelGeneric(k int, a, b, c []float32, ldc int, alpha, beta float32, count int) {
	for t := 0; t < count; t++ {
		kernelGeneric1(k, a[t*mr*k:], b, c[t*mr*ldc:], ldc, alpha, beta)
	}
}

func kernelGeneric1(k int, a, b, c []float32, ldc int, alpha, beta float32) {
	var acc [mr * nr]float32
	a = a[:k*mr]
	b = b[:k*nr]
	for i := 0; i < mr; i += 2 {
		for j := 0; j < nr; j += 4 {
			var c00, c01, c02, c03, c10, c11, c12, c13 float32
			for p := 0; p < k; p++ {
				bp := b[p*nr+j : p*nr+j+4 : p*nr+j+4]
				ap := a[p*mr+i : p*mr+i+2 : p*mr+i+2]
				x0, x1 := ap[0], ap[1]
				b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
				c00 += x0 * b0
				c01 += x0 * b1
				c02 += x0 * b2
				c03 += x0 * b3
				c10 += x1 * b0
				c11 += x1 * b1
				c12 += x1 * b2
				c13 += x1 * b3
			}
			r0 := acc[i*nr+j : i*nr+j+4 : i*nr+j+4]
			r0[0], r0[1], r0[2], r0[3] = c00, c01, c02, c03
			r1 := acc[(i+1)*nr+j : (i+1)*nr+j+4 : (i+1)*nr+j+4]
			r1[0], r1[1], r1[2], r1[3] = c10, c11, c12, c13
		}
	}
	storeTile(acc[:], c, ldc, alpha, beta)
}

// storeTile writes c = alpha*acc + beta*c for an mr x nr tile, not
// reading c when beta == 0.
func storeTile(acc []float32, c []float32, ldc int, alpha, beta float32) {
	for i := 0; i < mr; i++ {
		row := c[i*ldc : i*ldc+nr]
		ai := acc[i*nr : i*nr+nr]
		for j := range row {
			v := alpha * ai[j]
			if beta != 0 {
				v += beta * row[j]
			}
			row[j] = v
		}
	}
}

func dotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func axpyGeneric(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

func scalGeneric(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}

// dot4Generic sets out[r] = dot(a[r*lda:r*lda+len(x)], x) for r < 4.
func dot4Generic(a []float32, lda int, x []float32, out *[4]float32) {
	for r := range out {
		out[r] = dotGeneric(x, a[r*lda:r*lda+len(x)])
	}
}

// axpy4Generic sets y += sum_r alpha[r]*a[r*lda:r*lda+len(y)] for r < 4.
func axpy4Generic(alpha *[4]float32, a []float32, lda int, y []float32) {
	for r, al := range alpha {
		axpyGeneric(al, a[r*lda:r*lda+len(y)], y)
	}
}
