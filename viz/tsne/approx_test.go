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
		mode   string  // FFT layout: "pure" (no near field), "near" or "" (automatic)
		width  float64 // FFT: the widest box ("pure") or the box width ("near")
		tol    float64 // relative error of the force vectors and of Z
	}{
		// Plain FIt-SNE: the interpolation error falls as width^3 (p = 3
		// nodes); at openTSNE's width 1 it is a few per cent on sparse
		// clusters.
		{"fft", 2, 2000, 0.01, "pure", 1, 1e-3}, // early optimisation: tiny span
		{"fft", 2, 2000, 30, "pure", 1, 1e-2},
		{"fft", 2, 3000, 120, "pure", 1, 5e-2},
		{"fft", 2, 3000, 60, "pure", 0.5, 7e-3},
		{"fft", 2, 3000, 60, "pure", 0.25, 1e-3},
		{"fft", 1, 2000, 5, "", 0, 1e-3},
		{"fft", 1, 2000, 150, "", 0, 5e-2},
		// Wider boxes with the near field summed exactly: the error is
		// governed by cutoff/width (1.5), about 1%.
		{"fft", 2, 3000, 120, "near", 2.5, 1.5e-2},
		{"fft", 2, 3000, 60, "near", 2, 1.5e-2},
		{"fft", 2, 3000, 60, "near", 0.7, 1.5e-2},
		{"fft", 2, 3000, 120, "", 0, 1.5e-2}, // automatic choice
		{"fft", 2, 2000, 0.01, "", 0, 1e-3},
		{"fft", 2, 2000, 8, "", 0, 1.5e-2},
		{"fft", 2, 3000, 20, "", 0, 1.5e-2},
		{"barnes-hut", 2, 2000, 30, "", 0, 2e-2},
		{"barnes-hut", 2, 2000, 120, "", 0, 2e-2},
		{"barnes-hut", 3, 1500, 30, "", 0, 2e-2},
		{"barnes-hut", 1, 1500, 30, "", 0, 2e-2},
	}
	defer func() { testLayout.mode, testLayout.width = "", 0 }()
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%dd/span%v/%s%v", tc.method, tc.dims, tc.span, tc.mode, tc.width), func(t *testing.T) {
			testLayout.mode, testLayout.width = tc.mode, tc.width
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

var sinkF float64

// BenchmarkRepulsion times one evaluation of the repulsive forces on a
// clustered embedding like t-SNE's at the given size and span.
func BenchmarkRepulsion(b *testing.B) {
	for _, bc := range []struct {
		method string
		n      int
		span   float64
	}{
		{"fft", 10000, 20}, {"barnes-hut", 10000, 20},
		{"fft", 10000, 80}, {"barnes-hut", 10000, 80},
		{"fft", 70000, 150}, {"barnes-hut", 70000, 150},
	} {
		b.Run(fmt.Sprintf("%s/n=%d/span=%v", bc.method, bc.n, bc.span), func(b *testing.B) {
			y := clusteredEmbedding(bc.n, 2, bc.span, 1)
			var rep repulsion
			if bc.method == "fft" {
				rep = newFFTRepulsion(bc.n, 2, threadCount(0))
			} else {
				rep = newBHRepulsion(bc.n, 2, threadCount(0), 0.5)
			}
			out := make([]float64, len(y))
			rep.forces(y, out)
			b.ResetTimer()
			for range b.N {
				sinkF = rep.forces(y, out)
			}
		})
	}
}

// TestGridShrinkThenGrow pins a bug: the FFT buffers were cleared only
// up to their current length, so when the grid shrank, the previous
// charges beyond the new length survived in the backing array and came
// back when the grid grew again (forces off by 10-1000% in the middle of
// a run, which ended with KL 2.2 instead of 1.5).
func TestGridShrinkThenGrow(t *testing.T) {
	defer func() { testLayout.mode, testLayout.width = "", 0 }()
	testLayout.mode, testLayout.width = "near", 2
	f := newFFTRepulsion(3000, 2, 2)
	out := make([]float64, 6000)
	var ffts []int
	for _, span := range []float64{400, 200, 300} {
		y := clusteredEmbedding(3000, 2, span, 9)
		z := f.forces(y, out)
		ffts = append(ffts, f.lastFFT)
		want := make([]float64, len(y))
		zw := newExactRepulsion(3000, 2, 2).forces(y, want)
		if e := relErr(out, want); e > 2.5e-2 {
			t.Errorf("span %v (FFT lengths so far %v): force error %.3g", span, ffts, e)
		}
		if e := math.Abs(z-zw) / zw; e > 2.5e-2 {
			t.Errorf("span %v (FFT lengths so far %v): Z error %.3g", span, ffts, e)
		}
	}
	if !(ffts[1] < ffts[0] && ffts[1] < ffts[2] && ffts[2] < ffts[0]) {
		t.Fatalf("FFT lengths %v: the test needs large, small, medium", ffts)
	}
}
