package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestBNKernelsMatchGo compares the dispatching kernels (assembly where
// available) with the portable Go loops on shapes with and without a
// multiple of 8 channels, with and without the fused ReLU.
func TestBNKernelsMatchGo(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	vecOf := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		return v
	}
	for _, c := range []int{8, 32, 40, 5} {
		for _, rows := range []int{1, 2, 7} {
			for _, relu := range []bool{false, true} {
				name := fmt.Sprintf("c%d_rows%d_relu%v", c, rows, relu)
				t.Run(name, func(t *testing.T) {
					n := c * rows
					x, sc, sh := vecOf(n), vecOf(c), vecOf(c)
					y1, y2 := make([]float32, n), make([]float32, n)
					bnApply(y1, x, sc, sh, relu)
					bnApplyGo(y2, x, sc, sh, relu)
					near(t, "apply", y1, y2)
					s1, q1, s2, q2 := vecOf(c), vecOf(c), make([]float32, c), make([]float32, c)
					copy(s2, s1)
					copy(q2, q1)
					bnSums(s1, q1, x, sh)
					bnSumsGo(s2, q2, x, sh)
					near(t, "sums s", s1, s2)
					near(t, "sums q", q1, q2)
					dy := vecOf(n)
					mean := vecOf(c)
					bnGradSums(s1, q1, dy, x, sc, sh, mean, relu)
					bnGradSumsGo(s2, q2, dy, x, sc, sh, mean, relu)
					near(t, "grad sums s", s1, s2)
					near(t, "grad sums q", q1, q2)
					a, k, d := vecOf(c), vecOf(c), vecOf(c)
					d1, d2 := append([]float32(nil), dy...), append([]float32(nil), dy...)
					bnGradApply(d1, x, sc, sh, a, k, d, relu)
					bnGradApplyGo(d2, x, sc, sh, a, k, d, relu)
					near(t, "grad apply", d1, d2)
				})
			}
		}
	}
}

// kernelTol allows for FMA rounding and another summation order.
const kernelTol = 1e-5

func near(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > kernelTol*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("%s[%d]: kernel %v, Go %v", what, i, got[i], want[i])
		}
	}
}
