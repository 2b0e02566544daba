package probe

import (
	"fmt"
	"math"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// Alignment is Wang and Isola's alignment loss (arXiv 2005.10242, eq. 4)
// of the positive pairs (x_i, y_i), rows of x and y [N, D]:
//
//	L_align = (1/N) sum_i |u_i - v_i|^alpha,  u = x/|x|, v = y/|y|
//
// Lower is better aligned. The paper uses alpha = 2.
func Alignment(x, y *nn.Tensor, alpha float64) (float64, error) {
	n, d, err := features("x", x)
	if err != nil {
		return 0, err
	}
	m, e, err := features("y", y)
	if err != nil {
		return 0, err
	}
	if m != n || e != d {
		return 0, fmt.Errorf("probe: alignment pairs rows of x %v with rows of y %v: shapes must match", x.Shape, y.Shape)
	}
	if !(alpha > 0) {
		return 0, fmt.Errorf("probe: alignment alpha must be positive, got %v", alpha)
	}
	u, v := unit(x), unit(y)
	var s float64
	for i := 0; i < n; i++ {
		var d2 float64
		for j := 0; j < d; j++ {
			t := float64(u[i*d+j]) - float64(v[i*d+j])
			d2 += t * t
		}
		s += math.Pow(d2, alpha/2)
	}
	return s / float64(n), nil
}

// Uniformity is Wang and Isola's uniformity loss (arXiv 2005.10242,
// eq. 5) of the rows of x [N, D], over all pairs i < j:
//
//	L_uniform = log mean_{i<j} exp(-t |u_i - u_j|^2),  u = x/|x|
//
// Lower is more uniform on the sphere. The paper uses t = 2. It costs
// N^2 D/2 multiply-adds (blas.Sgemm in chunks) and stops with
// display.Context()'s error on interrupt.
func Uniformity(x *nn.Tensor, t float64) (float64, error) {
	n, d, err := features("x", x)
	if err != nil {
		return 0, err
	}
	if n < 2 {
		return 0, fmt.Errorf("probe: uniformity needs at least 2 rows, got %d", n)
	}
	if !(t > 0) {
		return 0, fmt.Errorf("probe: uniformity t must be positive, got %v", t)
	}
	u := unit(x)
	chunk := min(n, chunkRows(n))
	sim := make([]float32, chunk*n)
	ctx := display.Context()
	rows := make([]float64, n)
	for lo := 0; lo < n; lo += chunk {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		hi := min(n, lo+chunk)
		blas.Sgemm(false, true, hi-lo, n, d, 1, u[lo*d:hi*d], d, u, d, 0, sim, n)
		parallel(hi-lo, func(r int) {
			i := lo + r
			var s float64
			for j := i + 1; j < n; j++ {
				// |u_i - u_j|^2 = 2 - 2 u_i.u_j for unit rows.
				s += math.Exp(-t * math.Max(2-2*float64(sim[r*n+j]), 0))
			}
			rows[i] = s
		})
	}
	var s float64
	for _, v := range rows {
		s += v
	}
	return math.Log(s / (float64(n) * float64(n-1) / 2)), nil
}

// AlignUniform returns the alignment (alpha = 2) of the two views in z
// [2B, D] (rows i and B+i are views of image i) and the mean of the two
// views' uniformities (t = 2), as Wang and Isola's reference code combines
// them.
func AlignUniform(z *nn.Tensor) (align, uniform float64, err error) {
	n, d, err := features("z", z)
	if err != nil {
		return 0, 0, err
	}
	if n%2 != 0 || n < 4 {
		return 0, 0, fmt.Errorf("probe: AlignUniform needs two views of at least 2 images (rows i and B+i), got %d rows", n)
	}
	b := n / 2
	x := nn.FromSlice(z.Data[:b*d], b, d)
	y := nn.FromSlice(z.Data[b*d:], b, d)
	if align, err = Alignment(x, y, 2); err != nil {
		return 0, 0, err
	}
	ux, err := Uniformity(x, 2)
	if err != nil {
		return 0, 0, err
	}
	uy, err := Uniformity(y, 2)
	if err != nil {
		return 0, 0, err
	}
	return align, (ux + uy) / 2, nil
}

// CollapseStd returns the mean over dimensions of the standard deviation
// (n-1 denominator) of the L2-normalised rows of z [N, D], the collapse
// check of SimSiam (arXiv 2011.10566, sec. 4.1), and 1/sqrt(D), what it is
// for unit vectors spread uniformly. A value near 0 means the
// representation has collapsed to a point.
func CollapseStd(z *nn.Tensor) (std, uniform float64, err error) {
	n, d, err := features("z", z)
	if err != nil {
		return 0, 0, err
	}
	if n < 2 {
		return 0, 0, fmt.Errorf("probe: CollapseStd needs at least 2 rows, got %d", n)
	}
	u := unit(z)
	for j := 0; j < d; j++ {
		var mean float64
		for i := 0; i < n; i++ {
			mean += float64(u[i*d+j])
		}
		mean /= float64(n)
		var ss float64
		for i := 0; i < n; i++ {
			t := float64(u[i*d+j]) - mean
			ss += t * t
		}
		std += math.Sqrt(ss / float64(n-1))
	}
	return std / float64(d), 1 / math.Sqrt(float64(d)), nil
}
