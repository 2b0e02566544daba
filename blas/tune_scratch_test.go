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
	// kernel alone, L1 resident
	kb := 256
	a := randSlice(rng, mr*kb)
	bp := randSlice(rng, nr*kb)
	c := make([]float32, mr*nr)
	d := bestOf(200, func() {
		for range 1000 {
			microKernel(kb, a, 1, mr, bp, c, nr, 1, 0)
		}
	})
	fmt.Printf("kernel k=%d: %.1f GFLOP/s\n", kb, 2*float64(mr*nr*kb)*1000/d.Seconds()/1e9)
	for _, th := range []int{1, 2} {
		SetThreads(th)
		for _, s := range gemmBenchShapes {
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
			reps := max(3, min(200, int(2e9/float64(s.m*s.n*s.k))))
			d := bestOf(reps, func() { Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n) })
			fmt.Printf("threads=%d %-28s %7.1f GFLOP/s\n", th, s.name, 2*float64(s.m*s.n*s.k)/d.Seconds()/1e9)
		}
	}
	SetThreads(0)
}
