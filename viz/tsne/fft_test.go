package tsne

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

func naiveDFT(x []complex128) []complex128 {
	n := len(x)
	out := make([]complex128, n)
	for f := range n {
		var s complex128
		for t, v := range x {
			s += v * cmplx.Rect(1, -2*math.Pi*float64((f*t)%n)/float64(n))
		}
		out[f] = s
	}
	return out
}

func TestFFTMatchesNaiveDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 4, 5, 6, 8, 12, 15, 16, 30, 36, 60, 64, 100, 120, 150, 243, 300, 384} {
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		want := naiveDFT(x)
		got := append([]complex128(nil), x...)
		p := newFFTPlan(n)
		p.forward(got, make([]complex128, n))
		for f := range n {
			if cmplx.Abs(got[f]-want[f]) > 1e-9*float64(n) {
				t.Fatalf("n=%d f=%d: got %v want %v", n, f, got[f], want[f])
			}
		}
		p.inverse(got, make([]complex128, n))
		for i := range n {
			if cmplx.Abs(got[i]/complex(float64(n), 0)-x[i]) > 1e-12*float64(n) {
				t.Fatalf("n=%d: inverse(forward(x))/n differs at %d: %v vs %v", n, i, got[i]/complex(float64(n), 0), x[i])
			}
		}
	}
}

var sinkC complex128

func BenchmarkFFT(b *testing.B) {
	for _, n := range []int{360, 768, 960, 1024} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			p := newFFTPlan(n)
			x := make([]complex128, n)
			s := make([]complex128, n)
			for i := range x {
				x[i] = complex(float64(i%7), 0)
			}
			b.ResetTimer()
			for range b.N {
				p.forward(x, s)
			}
			sinkC = x[1]
		})
	}
}
