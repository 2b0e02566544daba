package blas

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// tolGemm is the relative tolerance, per unit of sqrt(k), between Sgemm
// and sgemmRef: both round float32 products, in different orders.
const tolGemm = 1e-6

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// impls runs f with each set of kernels: AVX2 (when the CPU has it), AVX2
// with A always packed (no in-place reading of narrow products), and the
// portable Go ones.
func impls(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	names := []string{"generic"}
	if hasAsm() {
		names = append([]string{"asm", "asm-packA"}, names...)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			setImpl(name != "generic")
			defer setImpl(true)
			if name == "asm-packA" {
				defer func(v int) { directMaxN = v }(directMaxN)
				directMaxN = 0
			}
			f(t)
		})
	}
}

// checkGemmCase runs Sgemm and sgemmRef on the same random inputs and
// compares every element of C, including the padding between rows, which
// must be left alone.
func checkGemmCase(t *testing.T, rng *rand.Rand, transA, transB bool, m, n, k int, alpha, beta float32, padA, padB, padC int) {
	t.Helper()
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	lda, ldb, ldc := ac+padA, bc+padB, n+padC
	a := randSlice(rng, max(0, (ar-1)*lda+ac))
	b := randSlice(rng, max(0, (br-1)*ldb+bc))
	c := randSlice(rng, max(0, (m-1)*ldc+n+padC))
	if beta == 0 {
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				c[i*ldc+j] = float32(math.NaN())
			}
		}
	}
	want := append([]float32(nil), c...)
	sgemmRef(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	got := append([]float32(nil), c...)
	Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc)
	tol := tolGemm
	bad := 0
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		// Rounding errors grow with the terms summed (about sqrt(k) in
		// size for these random inputs), not with the possibly cancelled
		// sum itself.
		scale := 1 + math.Abs(w) + math.Sqrt(float64(k))
		if math.IsNaN(g) || math.Abs(g-w) > tol*scale*math.Sqrt(float64(k)+1) {
			if bad < 3 {
				t.Errorf("tA=%v tB=%v m=%d n=%d k=%d alpha=%g beta=%g: c[%d] (row %d col %d) got %g want %g",
					transA, transB, m, n, k, alpha, beta, i, i/ldc, i%ldc, g, w)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d elements wrong", bad, len(want))
	}
}

func TestSgemmShapes(t *testing.T) {
	sizes := [][3]int{
		{1, 1, 1}, {1, 7, 3}, {7, 1, 3}, {2, 2, 0}, {3, 5, 1}, {5, 3, 2},
		{6, 16, 1}, {6, 16, 8}, {7, 17, 9}, {5, 15, 33}, {12, 32, 4},
		{13, 31, 257}, {1, 100, 50}, {100, 1, 50}, {2, 100, 3}, {100, 2, 3},
		{37, 53, 29}, {145, 47, 19}, {150, 100, 70}, {64, 64, 64},
	}
	paths := []struct {
		name     string
		smallMax int
	}{{"auto", smallMax}, {"packed", 0}, {"loops", 1 << 30}}
	defer func(v int) { smallMax = v }(smallMax)
	impls(t, func(t *testing.T) {
		for _, path := range paths {
			smallMax = path.smallMax
			t.Run(path.name, func(t *testing.T) { testShapes(t, sizes) })
		}
	})
}

func testShapes(t *testing.T, sizes [][3]int) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range sizes {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				name := fmt.Sprintf("%dx%dx%d/tA=%v/tB=%v", s[0], s[1], s[2], tA, tB)
				t.Run(name, func(t *testing.T) {
					for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {2.5, 0}} {
						checkGemmCase(t, rng, tA, tB, s[0], s[1], s[2], ab[0], ab[1], 0, 0, 0)
					}
					checkGemmCase(t, rng, tA, tB, s[0], s[1], s[2], 1.5, -1, 3, 5, 7)
				})
			}
		}
	}
}

// TestSgemmBlockEdges crosses the cache-block and micro-tile boundaries in
// every dimension, with the block sizes shrunk so that the test stays fast.
func TestSgemmBlockEdges(t *testing.T) {
	defer func(k, m, n int) { blockK, blockM, blockN = k, m, n }(blockK, blockM, blockN)
	blockK, blockM, blockN = 16, 12, 32
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, m := range []int{11, 12, 13, 23, 25} {
			for _, n := range []int{31, 32, 33, 63, 65} {
				for _, k := range []int{15, 16, 17, 33} {
					for _, tA := range []bool{false, true} {
						for _, tB := range []bool{false, true} {
							checkGemmCase(t, rng, tA, tB, m, n, k, 1.25, 0.5, 1, 0, 2)
						}
					}
				}
			}
		}
	})
}

// TestSgemmEdgeTiles covers every partial micro-tile: heights 1..6 and
// widths below, at and above half a panel.
func TestSgemmEdgeTiles(t *testing.T) {
	impls(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for m := 2; m <= 13; m++ {
			for _, n := range []int{2, 5, 8, 9, 13, 16, 24, 29, 40} {
				for _, tA := range []bool{false, true} {
					for _, tB := range []bool{false, true} {
						checkGemmCase(t, rng, tA, tB, m, n, 19, 1.5, 0, 0, 0, 1)
						checkGemmCase(t, rng, tA, tB, m, n, 19, 1, -2, 1, 2, 0)
					}
				}
			}
		}
	})
}

// TestSgemmParallel runs products big enough to be split across
// goroutines, with several thread caps.
func TestSgemmParallel(t *testing.T) {
	defer SetThreads(0)
	defer func(v int) { parallelMin = v }(parallelMin)
	rng := rand.New(rand.NewPCG(5, 6))
	// The default threshold gives these one task per goroutine; a low one
	// makes them long enough for several.
	for _, pmin := range []int{parallelMin, 1 << 16} {
		parallelMin = pmin
		for _, th := range []int{1, 2, 3} {
			SetThreads(th)
			if got := Threads(); got > th {
				t.Fatalf("Threads() = %d after SetThreads(%d)", got, th)
			}
			several := false // some product cut into more tasks than goroutines
			for _, s := range [][3]int{{200, 160, 70}, {13, 1800, 90}, {1800, 13, 90}, {97, 530, 65}, {60, 50, 1500}} {
				if tm, tn := split(s[0], s[1], s[2], th); tm*tn > th {
					several = true
				}
				for _, tA := range []bool{false, true} {
					for _, tB := range []bool{false, true} {
						checkGemmCase(t, rng, tA, tB, s[0], s[1], s[2], 0.75, 0.25, 2, 1, 3)
						checkGemmCase(t, rng, tA, tB, s[0], s[1], s[2], -1, 0, 0, 0, 1)
					}
				}
			}
			if th > 1 && pmin < 1<<20 && !several {
				t.Errorf("parallelMin=%d, %d threads: no product cut into more tasks than goroutines", pmin, th)
			}
		}
	}
}

// TestSgemmConcurrent runs independent products from several goroutines
// at once, as a caller parallelising over a batch does (run it with -race).
func TestSgemmConcurrent(t *testing.T) {
	prev := SetThreads(1)
	defer SetThreads(prev)
	const m, n, k = 40, 70, 50
	rng := rand.New(rand.NewPCG(9, 10))
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	want := make([]float32, m*n)
	sgemmRef(false, false, m, n, k, 1, a, k, b, n, 0, want, n)
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			c := make([]float32, m*n)
			for it := 0; it < 20; it++ {
				Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
				for i := range c {
					if d := c[i] - want[i]; d > 1e-4 || d < -1e-4 {
						errs <- fmt.Sprintf("goroutine %d: c[%d] got %g want %g", g, i, c[i], want[i])
						return
					}
				}
			}
			errs <- ""
		}()
	}
	for g := 0; g < 8; g++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

func TestSgemmAlphaZeroDoesNotReadAB(t *testing.T) {
	c := []float32{1, 2, float32(math.NaN()), 4}
	a := []float32{float32(math.NaN()), 1, 1, 1}
	b := []float32{float32(math.Inf(1)), 1, 1, 1}
	Sgemm(false, false, 2, 2, 2, 0, a, 2, b, 2, 0, c, 2)
	for i, v := range c {
		if v != 0 {
			t.Errorf("alpha=0 beta=0: c[%d] = %g, want 0", i, v)
		}
	}
	c = []float32{1, 2, 3, 4}
	Sgemm(false, false, 2, 2, 2, 0, a, 2, b, 2, 2, c, 2)
	for i, v := range c {
		if v != float32(2*(i+1)) {
			t.Errorf("alpha=0 beta=2: c[%d] = %g, want %d", i, v, 2*(i+1))
		}
	}
	c = []float32{1, 2, float32(math.NaN()), 4}
	Sgemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 0, c, 2)
	for i, v := range c {
		if v != 0 {
			t.Errorf("k=0 beta=0: c[%d] = %g, want 0", i, v)
		}
	}
}

func TestSgemmPanics(t *testing.T) {
	cases := []struct {
		name string
		f    func()
		want string
	}{
		{"short a", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
		}, "blas: a has 3 elements"},
		{"short b transposed", func() {
			Sgemm(false, true, 2, 3, 2, 1, make([]float32, 4), 2, make([]float32, 5), 2, 0, make([]float32, 6), 3)
		}, "blas: b has 5 elements"},
		{"short c", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 3), 2)
		}, "blas: c has 3 elements"},
		{"small ldc", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 4), 1)
		}, "blas: ldc=1 < 2"},
		{"negative", func() { Sgemm(false, false, -1, 2, 2, 1, nil, 2, nil, 2, 0, nil, 2) }, "blas: negative size"},
		{"sdot", func() { Sdot(make([]float32, 2), make([]float32, 3)) }, "blas: Sdot lengths differ"},
		{"saxpy", func() { Saxpy(1, make([]float32, 2), make([]float32, 3)) }, "blas: Saxpy lengths differ"},
		{"sgemv x", func() { Sgemv(false, 2, 3, 1, make([]float32, 6), 3, make([]float32, 2), 0, make([]float32, 2)) }, "blas: Sgemv x has 2"},
		{"sgemv y", func() { Sgemv(true, 2, 3, 1, make([]float32, 6), 3, make([]float32, 2), 0, make([]float32, 2)) }, "blas: Sgemv y has 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, tc.want) {
					t.Errorf("panic %v, want one starting %q", r, tc.want)
				}
			}()
			tc.f()
		})
	}
}

func FuzzSgemm(f *testing.F) {
	f.Add(uint8(3), uint8(5), uint8(7), uint8(0), uint8(1), uint8(2), int64(1))
	f.Add(uint8(17), uint8(33), uint8(9), uint8(3), uint8(0), uint8(0), int64(2))
	f.Fuzz(func(t *testing.T, m, n, k, flags, pad, betaSel uint8, seed int64) {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		betas := []float32{0, 1, -0.5}
		checkGemmCase(t, rng, flags&1 != 0, flags&2 != 0, int(m%70), int(n%70), int(k%70), 0.5, betas[int(betaSel)%3], int(pad%3), int(pad/3%3), int(pad/9%3))
	})
}

// TestSgemmTorchVectors checks Sgemm against products computed by PyTorch
// in float64 (blas/testdata/gemm_torch.json, made by bench/gemm_vectors.py).
func TestSgemmTorchVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/gemm_torch.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			M, N, K       int
			TA, TB        bool
			Alpha, Beta   float32
			A, B, C, Want []float64
		}
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases in testdata/gemm_torch.json")
	}
	f32 := func(x []float64) []float32 {
		y := make([]float32, len(x))
		for i, v := range x {
			y[i] = float32(v)
		}
		return y
	}
	impls(t, func(t *testing.T) {
		for _, tc := range file.Cases {
			lda, ldb := tc.K, tc.N
			if tc.TA {
				lda = tc.M
			}
			if tc.TB {
				ldb = tc.K
			}
			c := f32(tc.C)
			Sgemm(tc.TA, tc.TB, tc.M, tc.N, tc.K, tc.Alpha, f32(tc.A), lda, f32(tc.B), ldb, tc.Beta, c, tc.N)
			tol := 1e-5 * math.Sqrt(float64(tc.K))
			for i, w := range tc.Want {
				if math.Abs(float64(c[i])-w) > tol*(1+math.Abs(w)) {
					t.Errorf("%dx%dx%d tA=%v tB=%v: c[%d] got %g want %g (torch)", tc.M, tc.N, tc.K, tc.TA, tc.TB, i, c[i], w)
					break
				}
			}
		}
	})
}
