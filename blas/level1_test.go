package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// tolVec is the relative tolerance of the vector kernels against float64
// references, per unit of sqrt(n).
const tolVec = 2e-7

func TestSdot(t *testing.T) {
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(11, 12))
		for _, n := range []int{0, 1, 3, 7, 8, 9, 31, 32, 33, 100, 1000} {
			x, y := randSlice(rng, n), randSlice(rng, n)
			var want, norm float64
			for i := range x {
				want += float64(x[i]) * float64(y[i])
				norm += math.Abs(float64(x[i]) * float64(y[i]))
			}
			got := Sdot(x, y)
			if math.Abs(float64(got)-want) > tolVec*math.Sqrt(float64(n)+1)*(norm+1) {
				t.Errorf("n=%d: Sdot got %g want %g", n, got, want)
			}
		}
	})
}

func TestSaxpySscal(t *testing.T) {
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 14))
		for _, n := range []int{0, 1, 7, 8, 9, 31, 32, 33, 100} {
			x, y := randSlice(rng, n+1), randSlice(rng, n+1)
			y0 := append([]float32(nil), y...)
			Saxpy(-1.5, x[:n], y[:n])
			for i := 0; i <= n; i++ {
				want := y0[i]
				if i < n {
					want = float32(float64(y0[i]) - 1.5*float64(x[i]))
				}
				if d := math.Abs(float64(y[i] - want)); d > 1e-6*(1+math.Abs(float64(want))) {
					t.Errorf("n=%d: Saxpy y[%d] got %g want %g", n, i, y[i], want)
				}
			}
			x0 := append([]float32(nil), x...)
			Sscal(0.25, x[:n])
			for i := 0; i <= n; i++ {
				want := x0[i]
				if i < n {
					want *= 0.25 // exact in binary
				}
				if x[i] != want {
					t.Errorf("n=%d: Sscal x[%d] got %g want %g", n, i, x[i], want)
				}
			}
		}
	})
}

func TestSgemv(t *testing.T) {
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(15, 16))
		for _, s := range [][2]int{{1, 1}, {3, 5}, {17, 9}, {40, 33}, {2, 100}, {100, 2}} {
			for _, trans := range []bool{false, true} {
				for _, beta := range []float32{0, 1, -0.5} {
					m, n := s[0], s[1]
					lda := n + 3
					a := randSlice(rng, (m-1)*lda+n)
					nx, ny := n, m
					if trans {
						nx, ny = m, n
					}
					x := randSlice(rng, nx)
					y := randSlice(rng, ny)
					if beta == 0 {
						y[0] = float32(math.NaN())
					}
					// The reference: the same product as an ny x 1 GEMM.
					want := append([]float32(nil), y...)
					if trans {
						sgemmRef(true, false, n, 1, m, 0.75, a, lda, x, 1, beta, want, 1)
					} else {
						sgemmRef(false, false, m, 1, n, 0.75, a, lda, x, 1, beta, want, 1)
					}
					Sgemv(trans, m, n, 0.75, a, lda, x, beta, y)
					for i := range want {
						if d := math.Abs(float64(y[i] - want[i])); !(d <= 1e-5*(1+math.Abs(float64(want[i])))) {
							t.Errorf("%dx%d trans=%v beta=%g: y[%d] got %g want %g", m, n, trans, beta, i, y[i], want[i])
						}
					}
				}
			}
		}
	})
}

var sinkVec float32

func BenchmarkSdot(b *testing.B) {
	for _, n := range []int{128, 4096, 65536} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			x, y := randSlice(rng, n), randSlice(rng, n)
			b.ResetTimer()
			var s float32
			for range b.N {
				s += Sdot(x, y)
			}
			sinkVec = s
			b.ReportMetric(2*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkSaxpy(b *testing.B) {
	for _, n := range []int{128, 4096, 65536} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			x, y := randSlice(rng, n), randSlice(rng, n)
			b.ResetTimer()
			for range b.N {
				Saxpy(1e-3, x, y)
			}
			sinkVec = y[0]
			b.ReportMetric(2*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkSgemv times a 65,536 x 128 memory-bank queue against one
// 128-d query, both ways round.
func BenchmarkSgemv(b *testing.B) {
	const m, n = 65536, 128
	for _, trans := range []bool{false, true} {
		b.Run(fmt.Sprintf("%dx%d/trans=%v", m, n, trans), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			a := randSlice(rng, m*n)
			x := randSlice(rng, max(m, n))
			y := make([]float32, max(m, n))
			b.ResetTimer()
			for range b.N {
				Sgemv(trans, m, n, 1, a, n, x, 0, y)
			}
			sinkVec = y[0]
			b.ReportMetric(2*float64(m*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
