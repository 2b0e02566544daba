//go:build amd64

package blas

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// hasAVX2FMA reports whether this CPU runs the assembly kernels.
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasAVX

//go:noescape
func kernel6x16AVX2(k int, a *float32, rsa, ksa uintptr, b *float32, c *float32, ldc uintptr, alpha, beta float32)

//go:noescape
func sdotAVX2(n int, x, y *float32) float32

//go:noescape
func saxpyAVX2(n int, alpha float32, x, y *float32)

//go:noescape
func sscalAVX2(n int, alpha float32, x *float32)

// kernelAVX2 adapts the assembly micro-kernel to kernelFunc. The caller
// guarantees that every element the kernel touches is inside the slices.
func kernelAVX2(k int, a []float32, rsa, ksa int, b []float32, c []float32, ldc int, alpha, beta float32) {
	kernel6x16AVX2(k, unsafe.SliceData(a), uintptr(rsa)*4, uintptr(ksa)*4, unsafe.SliceData(b), unsafe.SliceData(c), uintptr(ldc)*4, alpha, beta)
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
		packBNFast = func(kb int, src []float32, ldb int, dst []float32) {
			packBNAVX2(kb, unsafe.SliceData(src), uintptr(ldb)*4, unsafe.SliceData(dst))
		}
		packATFast = func(kb int, src []float32, lda int, dst []float32) {
			packATAVX2(kb, unsafe.SliceData(src), uintptr(lda)*4, unsafe.SliceData(dst))
		}
		packBTFast = func(k8 int, src []float32, ldb int, dst []float32) {
			packBTAVX2(k8, unsafe.SliceData(src), uintptr(ldb)*4, unsafe.SliceData(dst))
		}
		asmOn = true
		return
	}
	setGeneric()
}

//go:noescape
func packBNAVX2(kb int, src *float32, ldb uintptr, dst *float32)

//go:noescape
func packATAVX2(kb int, src *float32, lda uintptr, dst *float32)

//go:noescape
func packBTAVX2(k8 int, src *float32, ldb uintptr, dst *float32)
