//go:build amd64

package blas

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// hasAVX2FMA reports whether this CPU runs the assembly kernels.
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasAVX

//go:generate go run gen_kernels.go

// The micro-kernels in kernel_amd64.s: kernMxN computes an M x N tile
// (see kernelFunc) from the first M rows of a packed sliver of A and the
// first N columns of a packed panel of B.
//
//go:noescape
func kern6x16AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern6x8AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern5x16AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern5x8AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern4x16AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern4x8AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern3x16AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern3x8AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern2x16AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern2x8AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern1x16AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern1x8AVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

//go:noescape
func kern6x16NAVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int, lda uintptr)

//go:noescape
func kern6x8NAVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int, lda uintptr)

//go:noescape
func kern6x16TAVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int, lda uintptr)

//go:noescape
func kern6x8TAVX2(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int, lda uintptr)

type asmDirect func(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int, lda uintptr)

func wrapDirect(f asmDirect) directFunc {
	return func(k int, a, b, c []float32, ldc int, alpha, beta float32, count, lda int) {
		f(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), uintptr(ldc)*4, alpha, beta, count, uintptr(lda)*4)
	}
}

// avx2Direct[transA][w] computes 6 x 8 (w 0) or 6 x 16 (w 1) tiles reading
// A in place.
var avx2Direct = [2][2]directFunc{
	{wrapDirect(kern6x8NAVX2), wrapDirect(kern6x16NAVX2)},
	{wrapDirect(kern6x8TAVX2), wrapDirect(kern6x16TAVX2)},
}

type asmKernel func(k int, a, b, c *float32, ldc uintptr, alpha, beta float32, count int)

// wrap adapts an assembly micro-kernel to kernelFunc.
func wrap(f asmKernel) kernelFunc {
	return func(k int, a, b, c []float32, ldc int, alpha, beta float32, count int) {
		f(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), uintptr(ldc)*4, alpha, beta, count)
	}
}

// avx2Edge[mh][w] computes an mh x 8 (w 0) or mh x 16 (w 1) tile.
var avx2Edge = [mr + 1][2]kernelFunc{
	1: {wrap(kern1x8AVX2), wrap(kern1x16AVX2)},
	2: {wrap(kern2x8AVX2), wrap(kern2x16AVX2)},
	3: {wrap(kern3x8AVX2), wrap(kern3x16AVX2)},
	4: {wrap(kern4x8AVX2), wrap(kern4x16AVX2)},
	5: {wrap(kern5x8AVX2), wrap(kern5x16AVX2)},
	6: {wrap(kern6x8AVX2), wrap(kern6x16AVX2)},
}

//go:noescape
func sdotAVX2(n int, x, y *float32) float32

//go:noescape
func saxpyAVX2(n int, alpha float32, x, y *float32)

//go:noescape
func sscalAVX2(n int, alpha float32, x *float32)

//go:noescape
func sdot4AVX2(n int, a *float32, lda uintptr, x *float32, out *float32)

//go:noescape
func saxpy4AVX2(n int, alpha *float32, a *float32, lda uintptr, y *float32)

// kernelAVX2 is the main 6x16 micro-kernel. The caller guarantees that
// every element the kernel touches is inside the slices.
func kernelAVX2(k int, a, b, c []float32, ldc int, alpha, beta float32, count int) {
	kern6x16AVX2(k, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), uintptr(ldc)*4, alpha, beta, count)
}

func init() {
	if hasAVX2FMA {
		setImpl(true)
	}
}

// setImpl switches between the AVX2 kernels (asm true) and the portable
// ones. Tests use it to exercise both on amd64.
func setImpl(asm bool) {
	if asm && hasAVX2FMA {
		microKernel = kernelAVX2
		dotImpl = func(x, y []float32) float32 { return sdotAVX2(len(x), unsafe.SliceData(x), unsafe.SliceData(y)) }
		axpyImpl = func(alpha float32, x, y []float32) {
			saxpyAVX2(len(x), alpha, unsafe.SliceData(x), unsafe.SliceData(y))
		}
		scalImpl = func(alpha float32, x []float32) { sscalAVX2(len(x), alpha, unsafe.SliceData(x)) }
		packBNFast = func(kb, np int, src []float32, ldb int, dst []float32) {
			packBNAVX2(kb, np, unsafe.SliceData(src), uintptr(ldb)*4, unsafe.SliceData(dst), uintptr(kb*nr)*4)
		}
		packATFast = func(kb int, src []float32, lda int, dst []float32) {
			packATAVX2(kb, unsafe.SliceData(src), uintptr(lda)*4, unsafe.SliceData(dst))
		}
		packBTFast = func(k8 int, src []float32, ldb int, dst []float32) {
			packBTAVX2(k8, unsafe.SliceData(src), uintptr(ldb)*4, unsafe.SliceData(dst))
		}
		packANFast = func(k8 int, src []float32, lda int, dst []float32) {
			packANAVX2(k8, unsafe.SliceData(src), uintptr(lda)*4, unsafe.SliceData(dst))
		}
		edgeKernels = &avx2Edge
		directKernels = &avx2Direct
		dot4Impl = func(a []float32, lda int, x []float32, out *[4]float32) {
			sdot4AVX2(len(x), unsafe.SliceData(a), uintptr(lda)*4, unsafe.SliceData(x), &out[0])
		}
		axpy4Impl = func(alpha *[4]float32, a []float32, lda int, y []float32) {
			saxpy4AVX2(len(y), &alpha[0], unsafe.SliceData(a), uintptr(lda)*4, unsafe.SliceData(y))
		}
		asmOn = true
		return
	}
	setGeneric()
}

//go:noescape
func packBNAVX2(kb, np int, src *float32, ldb uintptr, dst *float32, pstride uintptr)

//go:noescape
func packATAVX2(kb int, src *float32, lda uintptr, dst *float32)

//go:noescape
func packBTAVX2(k8 int, src *float32, ldb uintptr, dst *float32)

//go:noescape
func packANAVX2(k8 int, src *float32, lda uintptr, dst *float32)
