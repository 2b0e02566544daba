package tsne

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// initStd is the standard deviation of the first coordinate of the
// initial embedding (openTSNE; Kobak & Berens 2019, arXiv:1902.05804,
// recommend PCA initialisation scaled this small so that it does not
// distort the early optimisation).
const initStd = 1e-4

const (
	pcaMaxRows = 10000 // rows sampled to find the principal axes
	pcaOver    = 10    // extra subspace columns
	pcaIters   = 10    // subspace iterations
)

// randomInit returns n*dims Gaussian coordinates with standard deviation
// initStd.
func randomInit(n, dims int, rng *rand.Rand) []float64 {
	y := make([]float64, n*dims)
	for i := range y {
		y[i] = rng.NormFloat64() * initStd
	}
	return y
}

// pcaInit projects the centred data on its first dims principal axes and
// scales the result so that the first coordinate has standard deviation
// initStd, as openTSNE's initialization.pca does. The axes come from
// randomised subspace iteration (Halko, Martinsson & Tropp 2011,
// arXiv:0909.4061) on at most pcaMaxRows sampled rows, which is ample for
// an initialisation; each axis's sign is fixed so that its largest entry
// is positive. It returns nil when the data has no spread or fewer
// columns than dims (the caller then initialises at random).
func pcaInit(x []float32, n, d, dims int, rng *rand.Rand) []float64 {
	if d < dims {
		return nil
	}
	mean := make([]float64, d)
	for i := range n {
		for c, v := range x[i*d : i*d+d] {
			mean[c] += float64(v)
		}
	}
	for c := range mean {
		mean[c] /= float64(n)
	}
	m := min(n, pcaMaxRows)
	rows := make([]int, m)
	if m == n {
		for i := range rows {
			rows[i] = i
		}
	} else {
		rows = rng.Perm(n)[:m]
	}
	s := mat.NewDense(m, d, nil)
	for r, i := range rows {
		for c, v := range x[i*d : i*d+d] {
			s.Set(r, c, float64(v)-mean[c])
		}
	}
	b := min(d, dims+pcaOver)
	q := mat.NewDense(d, b, nil)
	for i := range d {
		for j := range b {
			q.Set(i, j, rng.NormFloat64())
		}
	}
	z := mat.NewDense(m, b, nil)
	for range pcaIters {
		orthonormalize(q)
		z.Mul(s, q)
		q.Mul(s.T(), z)
	}
	orthonormalize(q)
	z.Mul(s, q)
	var g mat.SymDense
	g.SymOuterK(1, z.T())
	var eig mat.EigenSym
	if !eig.Factorize(&g, true) {
		return nil
	}
	vals := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	axes := mat.NewDense(d, dims, nil)
	for a := range dims {
		col := b - 1 - a // largest eigenvalues last
		if vals[col] <= 0 {
			return nil
		}
		var v mat.VecDense
		v.MulVec(q, vecs.ColView(col))
		big, sign := 0.0, 1.0
		for i := range d {
			if e := v.AtVec(i); math.Abs(e) > big {
				big = math.Abs(e)
				sign = math.Copysign(1, e)
			}
		}
		for i := range d {
			axes.Set(i, a, sign*v.AtVec(i))
		}
	}
	y := make([]float64, n*dims)
	for i := range n {
		xi := x[i*d : i*d+d]
		for a := range dims {
			var t float64
			for c, v := range xi {
				t += (float64(v) - mean[c]) * axes.At(c, a)
			}
			y[i*dims+a] = t
		}
	}
	var mu, sq float64
	for i := range n {
		mu += y[i*dims]
	}
	mu /= float64(n)
	for i := range n {
		e := y[i*dims] - mu
		sq += e * e
	}
	std := math.Sqrt(sq / float64(n))
	if std == 0 || math.IsNaN(std) {
		return nil
	}
	for i := range y {
		y[i] *= initStd / std
	}
	return y
}

// orthonormalize replaces the columns of q by an orthonormal basis of
// their span (modified Gram-Schmidt; a column that vanishes is left
// zero).
func orthonormalize(q *mat.Dense) {
	r, c := q.Dims()
	for j := range c {
		for k := range j {
			var dp float64
			for i := range r {
				dp += q.At(i, j) * q.At(i, k)
			}
			for i := range r {
				q.Set(i, j, q.At(i, j)-dp*q.At(i, k))
			}
		}
		var nrm float64
		for i := range r {
			nrm += q.At(i, j) * q.At(i, j)
		}
		nrm = math.Sqrt(nrm)
		if nrm == 0 {
			continue
		}
		for i := range r {
			q.Set(i, j, q.At(i, j)/nrm)
		}
	}
}
