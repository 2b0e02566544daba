//go:build amd64

package nn

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// useAVX2 selects the assembly kernels; tests switch it off to compare
// them with the portable Go loops.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasAVX

//go:noescape
func bnApplyAVX2(y, x, scale, shift *float32, rows, c int, relu bool)

//go:noescape
func bnSumsAVX2(s, q, x, shift *float32, rows, c int)

//go:noescape
func bnGradSumsAVX2(s, q, dy, x, scale, shift, mean *float32, rows, c int, relu bool)

//go:noescape
func bnGradApplyAVX2(dy, x, scale, shift, a, k, d *float32, rows, c int, relu bool)

// vec reports whether the AVX2 kernels can handle c channels and n values.
func vec(c, n int) bool { return useAVX2 && c%8 == 0 && c > 0 && n >= c }

func bnApply(y, x, scale, shift []float32, relu bool) {
	c := len(scale)
	if !vec(c, len(x)) || len(y) < len(x) || len(shift) < c {
		bnApplyGo(y, x, scale, shift, relu)
		return
	}
	bnApplyAVX2(unsafe.SliceData(y), unsafe.SliceData(x), unsafe.SliceData(scale), unsafe.SliceData(shift), len(x)/c, c, relu)
}

func bnSums(s, q, x, shift []float32) {
	c := len(s)
	if !vec(c, len(x)) || len(q) < c || len(shift) < c {
		bnSumsGo(s, q, x, shift)
		return
	}
	bnSumsAVX2(unsafe.SliceData(s), unsafe.SliceData(q), unsafe.SliceData(x), unsafe.SliceData(shift), len(x)/c, c)
}

func bnGradSums(s, q, dy, x, scale, shift, mean []float32, relu bool) {
	c := len(s)
	if !vec(c, len(x)) || len(q) < c || len(mean) < c || len(scale) < c || len(shift) < c || len(dy) < len(x) {
		bnGradSumsGo(s, q, dy, x, scale, shift, mean, relu)
		return
	}
	bnGradSumsAVX2(unsafe.SliceData(s), unsafe.SliceData(q), unsafe.SliceData(dy), unsafe.SliceData(x), unsafe.SliceData(scale), unsafe.SliceData(shift), unsafe.SliceData(mean), len(x)/c, c, relu)
}

func bnGradApply(dy, x, scale, shift, a, k, d []float32, relu bool) {
	c := len(a)
	if !vec(c, len(x)) || len(k) < c || len(d) < c || len(scale) < c || len(shift) < c || len(dy) < len(x) {
		bnGradApplyGo(dy, x, scale, shift, a, k, d, relu)
		return
	}
	bnGradApplyAVX2(unsafe.SliceData(dy), unsafe.SliceData(x), unsafe.SliceData(scale), unsafe.SliceData(shift), unsafe.SliceData(a), unsafe.SliceData(k), unsafe.SliceData(d), len(x)/c, c, relu)
}

//go:noescape
func greyRowAVX2(out, in, wT *float32, n, inRow, step, co int)

//go:noescape
func greyGradRowAVX2(part, in, dy *float32, n, inRow, step, co int)

// greyKernels reports whether the direct one-channel 3x3 kernels run
// here for co output channels.
func greyKernels(co int) bool { return useAVX2 && co%32 == 0 && co > 0 }

// greyRow: see greyRowAVX2. The caller guarantees the bounds.
func greyRow(out, in, wT []float32, n, inRow, step, co int) {
	greyRowAVX2(unsafe.SliceData(out), unsafe.SliceData(in), unsafe.SliceData(wT), n, inRow, step, co)
}

// greyGradRow: see greyGradRowAVX2. The caller guarantees the bounds.
func greyGradRow(part, in, dy []float32, n, inRow, step, co int) {
	greyGradRowAVX2(unsafe.SliceData(part), unsafe.SliceData(in), unsafe.SliceData(dy), n, inRow, step, co)
}
