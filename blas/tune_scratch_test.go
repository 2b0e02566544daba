package blas

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"
)

func bestOf(reps int, f func()) time.Duration {
	best := time.Hour
	for range reps {
		t0 := time.Now()
		f()
		if d := time.Since(t0); d < best {
			best = d
		}
	}
	return best
}

func TestTuneScratch(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip()
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var x int
	if _, err := fmt.Sscan(os.Getenv("BK"), &x); err == nil {
		blockK = x
	}
	if _, err := fmt.Sscan(os.Getenv("BM"), &x); err == nil {
		blockM = x
	}
	if _, err := fmt.Sscan(os.Getenv("BN"), &x); err == nil {
		blockN = x
	}
	_ = 0
	ths := []int{1, 2}
	if os.Getenv("TH") == "1" {
		ths = []int{1}
	}
	// kernel alone, L1 resident
	kb := 256
	a := randSlice(rng, mr*kb)
	bp := randSlice(rng, nr*kb)
	c := make([]float32, mr*nr)
	d := bestOf(200, func() {
		for range 1000 {
			microKernel(kb, a, bp, c, nr, 1, 0)
		}
	})
	fmt.Printf("kernel k=%d: %.1f GFLOP/s\n", kb, 2*float64(mr*nr*kb)*1000/d.Seconds()/1e9)
	for _, th := range ths {
		SetThreads(th)
		for _, s := range gemmBenchShapes {
			if os.Getenv("ONLY") != "" && os.Getenv("ONLY") != s.name {
				continue
			}
			if s.m*s.n*s.k > 600*600*600 && os.Getenv("TUNE") != "all" {
				continue
			}
			lda, ldb := s.k, s.n
			if s.transA {
				lda = s.m
			}
			if s.transB {
				ldb = s.k
			}
			A := randSlice(rng, s.m*s.k)
			B := randSlice(rng, s.k*s.n)
			C := make([]float32, s.m*s.n)
			reps := max(3, min(400, int(2e10/float64(s.m*s.n*s.k))))
			d := bestOf(reps, func() { Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n) })
			fmt.Printf("threads=%d %-28s %7.1f GFLOP/s\n", th, s.name, 2*float64(s.m*s.n*s.k)/d.Seconds()/1e9)
		}
	}
	SetThreads(0)
}

func TestTuneThreshold(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip()
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{32, 48, 64, 80, 96, 128, 160} {
		A := randSlice(rng, n*n)
		B := randSlice(rng, n*n)
		C := make([]float32, n*n)
		var res [3][]float64
		for round := 0; round < 20; round++ {
			for th := 1; th <= 2; th++ {
				SetThreads(th)
				parallelMin = 1
				d := bestOf(50, func() { Sgemm(false, false, n, n, n, 1, A, n, B, n, 0, C, n) })
				res[th] = append(res[th], 2*float64(n*n*n)/d.Seconds()/1e9)
			}
		}
		fmt.Printf("n=%d 1 thread %.1f  2 threads %.1f  (medians of best-of-50)\n", n, median(res[1]), median(res[2]))
	}
	SetThreads(0)
}

func median(x []float64) float64 {
	y := append([]float64(nil), x...)
	for i := range y {
		for j := i + 1; j < len(y); j++ {
			if y[j] < y[i] {
				y[i], y[j] = y[j], y[i]
			}
		}
	}
	return y[len(y)/2]
}

func BenchmarkTiny(b *testing.B) {
	for _, n := range []int{2, 4, 8, 16, 32} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			A := randSlice(rng, n*n)
			B := randSlice(rng, n*n)
			C := make([]float32, n*n)
			b.Run("opt", func(b *testing.B) {
				for range b.N {
					Sgemm(false, false, n, n, n, 1, A, n, B, n, 0, C, n)
				}
				b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
			b.Run("ref", func(b *testing.B) {
				for range b.N {
					sgemmRef(false, false, n, n, n, 1, A, n, B, n, 0, C, n)
				}
				b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		})
	}
}
