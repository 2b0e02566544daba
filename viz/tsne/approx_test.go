package tsne

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// clusteredEmbedding returns n points in dims dimensions scattered around
// a few centres over a span of about `span`, like a t-SNE embedding.
func clusteredEmbedding(n, dims int, span float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	const c = 7
	centres := make([]float64, c*dims)
	for i := range centres {
		centres[i] = (rng.Float64() - 0.5) * span
	}
	y := make([]float64, n*dims)
	for i := range n {
		k := rng.IntN(c)
		for d := range dims {
			y[i*dims+d] = centres[k*dims+d] + rng.NormFloat64()*span/15
		}
	}
	return y
}

// relErr is |a-b| / |b| over whole vectors.
func relErr(a, b []float64) float64 {
	var num, den float64
	for i := range a {
		num += (a[i] - b[i]) * (a[i] - b[i])
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}

func TestApproxRepulsionMatchesExact(t *testing.T) {
	cases := []struct {
		method string
		dims   int
		n      int
		span   float64
		width  float64 // FFT: the widest box
		tol    float64 // relative error of the force vectors and of Z
	}{
		// The interpolation error falls as width^3 (p = 3 nodes); at
		// openTSNE's width 1 it is a few per cent on sparse clusters.
		{"fft", 2, 2000, 0.01, 1, 1e-3}, // early optimisation: tiny span
		{"fft", 2, 2000, 30, 1, 1e-2},
		{"fft", 2, 3000, 120, 1, 5e-2},
		{"fft", 2, 3000, 60, 0.5, 7e-3},
		{"fft", 2, 3000, 60, 0.25, 1e-3},
		{"fft", 1, 2000, 5, 1, 1e-3},
		{"fft", 1, 2000, 150, 1, 5e-2},
		{"fft", 1, 2000, 150, 0.25, 1e-3},
		{"barnes-hut", 2, 2000, 30, 0, 2e-2},
		{"barnes-hut", 2, 2000, 120, 0, 2e-2},
		{"barnes-hut", 3, 1500, 30, 0, 2e-2},
		{"barnes-hut", 1, 1500, 30, 0, 2e-2},
	}
	defer func(w float64) { maxBoxWidth = w }(maxBoxWidth)
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%dd/span%v/width%v", tc.method, tc.dims, tc.span, tc.width), func(t *testing.T) {
			maxBoxWidth = tc.width
			y := clusteredEmbedding(tc.n, tc.dims, tc.span, uint64(tc.n))
			want := make([]float64, len(y))
			zWant := newExactRepulsion(tc.n, tc.dims, 2).forces(y, want)
			var rep repulsion
			if tc.method == "fft" {
				rep = newFFTRepulsion(tc.n, tc.dims, 2)
			} else {
				rep = newBHRepulsion(tc.n, tc.dims, 2, 0.5)
			}
			got := make([]float64, len(y))
			z := rep.forces(y, got)
			t.Logf("force error %.2e, Z error %.2e", relErr(got, want), math.Abs(z-zWant)/zWant)
			if e := relErr(got, want); e > tc.tol {
				t.Errorf("force relative error %.2e > %.0e", e, tc.tol)
			}
			if e := math.Abs(z-zWant) / zWant; e > tc.tol {
				t.Errorf("Z = %v, exact %v: relative error %.2e > %.0e", z, zWant, e, tc.tol)
			}
			// A second call (cached kernel, reused buffers) gives the same.
			again := make([]float64, len(y))
			if z2 := rep.forces(y, again); z2 != z || relErr(again, got) != 0 {
				t.Errorf("second evaluation differs")
			}
		})
	}
}
