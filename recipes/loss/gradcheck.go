package loss

import (
	"fmt"
	"math"

	"github.com/gocontrast/contrast/recipes/nn"
)

// GradCheck compares the analytic gradient that f returns at z with
// central finite differences (f(z+h e_i) - f(z-h e_i)) / 2h over every
// element of z, and returns the largest error relative to the gradient's
// scale, max_i |g_i - fd_i| / max(max_i |fd_i|, 1e-3), with a description
// of the worst element. It is the shared conformance check for every loss
// here and for the nn package's layers: a correct float32 gradient gives
// about 1e-3 with h = 1e-2; a wrong one gives O(1).
//
// f must not keep z, and must be deterministic (seed any randomness).
// z is restored after the check.
func GradCheck(f func(z *nn.Tensor) (float64, *nn.Tensor), z *nn.Tensor, h float64) (float64, string) {
	_, g := f(z)
	if g == nil || len(g.Data) != len(z.Data) {
		return math.Inf(1), "f returned no gradient or one of the wrong size"
	}
	g = g.Clone()
	fd := make([]float64, len(z.Data))
	scale := 1e-3
	for i := range z.Data {
		old := z.Data[i]
		z.Data[i] = old + float32(h)
		hi := float64(z.Data[i])
		fp, _ := f(z)
		z.Data[i] = old - float32(h)
		lo := float64(z.Data[i])
		fm, _ := f(z)
		z.Data[i] = old
		fd[i] = (fp - fm) / (hi - lo)
		scale = math.Max(scale, math.Abs(fd[i]))
	}
	worst, at := 0.0, 0
	for i := range fd {
		e := math.Abs(float64(g.Data[i])-fd[i]) / scale
		if e > worst || math.IsNaN(e) {
			worst, at = e, i
			if math.IsNaN(e) {
				worst = math.Inf(1)
			}
		}
	}
	return worst, fmt.Sprintf("element %d: analytic %.6g, finite difference %.6g (scale %.3g)", at, g.Data[at], fd[at], scale)
}
