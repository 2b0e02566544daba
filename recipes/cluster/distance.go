package cluster

import (
	"fmt"
	"math"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// maxDense bounds CosineDistances: an N x N float32 matrix of 2 GiB.
const maxDense = 23170

// CosineDistances returns the dense [N, N] matrix of cosine distances
// between the rows of features [N, D], for DBSCAN on embeddings:
//
//	d_ij = 1 - u_i.u_j,  u = x/|x|  (a zero row stays zero: d = 1)
//
// clamped to [0, 2] with an exact 0 diagonal, as scikit-learn's
// pairwise_distances(metric="cosine") computes it. The products are one
// blas.Sgemm per chunk of rows; it stops with display.Context()'s error on
// interrupt. The matrix takes 4 N^2 bytes: above 23,170 rows (2 GiB) it
// returns an error; cluster a subset, or use JaccardGraph, which stays
// sparse.
//
//	z := run.Embed(sub)
//	dist, _ := cluster.CosineDistances(z)
//	labels, _ := cluster.DBSCAN(dist, 0.1, 4)
func CosineDistances(features *nn.Tensor) (*nn.Tensor, error) {
	if features == nil || len(features.Shape) != 2 || features.Shape[0] == 0 || features.Shape[1] == 0 {
		return nil, fmt.Errorf("cluster: CosineDistances needs features [N, D] with N, D > 0, got %v", shapeOf(features))
	}
	n, d := features.Shape[0], features.Shape[1]
	if n > maxDense {
		return nil, fmt.Errorf("cluster: CosineDistances of %d rows would take %.1f GB; cluster a subset (Dataset.Sample) or use JaccardGraph, which stays sparse",
			n, 4*float64(n)*float64(n)/1e9)
	}
	u := make([]float32, n*d)
	for i := 0; i < n; i++ {
		row := features.Data[i*d : (i+1)*d]
		var ss float64
		for j, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("cluster: feature (%d, %d) is %v", i, j, v)
			}
			ss += float64(v) * float64(v)
		}
		if ss == 0 {
			continue
		}
		inv := 1 / math.Sqrt(ss)
		for j, v := range row {
			u[i*d+j] = float32(float64(v) * inv)
		}
	}
	out := nn.New(n, n)
	ctx := display.Context()
	chunk := max(1, min(n, (1<<22)/n))
	for lo := 0; lo < n; lo += chunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(n, lo+chunk)
		// out rows lo..hi = 1 - u[lo:hi] u^T
		c := out.Data[lo*n : hi*n]
		for i := range c {
			c[i] = 1
		}
		blas.Sgemm(false, true, hi-lo, n, d, -1, u[lo*d:hi*d], d, u, d, 1, c, n)
	}
	for i := 0; i < n; i++ {
		row := out.Data[i*n : (i+1)*n]
		for j, v := range row {
			if v < 0 {
				row[j] = 0
			} else if v > 2 {
				row[j] = 2
			}
		}
		row[i] = 0
	}
	return out, nil
}
