//go:build !amd64

package nn

var useAVX2 = false

func bnApply(y, x, scale, shift []float32, relu bool)      { bnApplyGo(y, x, scale, shift, relu) }
func bnSums(s, q, x, shift []float32)                      { bnSumsGo(s, q, x, shift) }
func bnGradSums(s, q, dy, x, y, mean []float32, relu bool) { bnGradSumsGo(s, q, dy, x, y, mean, relu) }
func bnGradApply(dy, x, y, a, k, d []float32, relu bool)   { bnGradApplyGo(dy, x, y, a, k, d, relu) }

func greyKernels(co int) bool { return false }

func greyRow(out, in, wT []float32, n, inRow, step, co int)      { panic("nn: no grey kernels") }
func greyGradRow(part, in, dy []float32, n, inRow, step, co int) { panic("nn: no grey kernels") }
