package tsne

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocontrast/contrast/display"
)

// blobs returns n points in d dimensions drawn around c well-separated
// centres (unit Gaussian noise, centres 20 apart on random axes), with
// their labels.
func blobs(n, d, c int, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	centres := make([][]float64, c)
	for j := range centres {
		centres[j] = make([]float64, d)
		for t := range d {
			centres[j][t] = rng.NormFloat64() * 20
		}
	}
	x := make([]float32, n*d)
	labels := make([]int, n)
	for i := range n {
		l := i % c
		labels[i] = l
		for t := range d {
			x[i*d+t] = float32(centres[l][t] + rng.NormFloat64())
		}
	}
	return x, labels
}

// knnLabelAgreement is the fraction of each point's k nearest neighbours
// in y (brute force) that share its label.
func knnLabelAgreement(y []float64, dims int, labels []int, k int) float64 {
	n := len(labels)
	var agree int
	type pair struct {
		d float64
		j int
	}
	ps := make([]pair, 0, n)
	for i := range n {
		ps = ps[:0]
		for j := range n {
			if j == i {
				continue
			}
			var s float64
			for c := range dims {
				e := y[i*dims+c] - y[j*dims+c]
				s += e * e
			}
			ps = append(ps, pair{s, j})
		}
		slices.SortFunc(ps, func(a, b pair) int {
			if a.d < b.d {
				return -1
			}
			if a.d > b.d {
				return 1
			}
			return a.j - b.j
		})
		for _, p := range ps[:k] {
			if labels[p.j] == labels[i] {
				agree++
			}
		}
	}
	return float64(agree) / float64(n*k)
}

func TestPerplexityCalibration(t *testing.T) {
	x, _ := blobs(300, 10, 3, 1)
	for _, perp := range []float64{5, 30, 60} {
		k := int(3 * perp)
		nb, err := knnExact(context.Background(), x, 300, 10, k, 2)
		if err != nil {
			t.Fatal(err)
		}
		pc := conditionalP(nb, perp, 2)
		for i := range 300 {
			row := pc[i*k : (i+1)*k]
			var h, s float64
			for _, v := range row {
				s += v
				if v > 0 {
					h -= v * math.Log(v)
				}
			}
			if math.Abs(s-1) > 1e-9 {
				t.Fatalf("perplexity %v row %d: sums to %v, want 1", perp, i, s)
			}
			if want := math.Log(perp); math.Abs(h-want) > 1e-4 {
				t.Fatalf("perplexity %v row %d: entropy %v, want log(perplexity) = %v", perp, i, h, want)
			}
		}
	}
}

func TestSymmetrizedP(t *testing.T) {
	x, _ := blobs(200, 5, 4, 2)
	k := 45
	nb, err := knnExact(context.Background(), x, 200, 5, k, 2)
	if err != nil {
		t.Fatal(err)
	}
	pc := conditionalP(nb, 15, 2)
	p := symmetrize(nb, pc, 2)
	var sum float64
	dense := make([]float64, 200*200)
	for i := range 200 {
		for t2 := p.ptr[i]; t2 < p.ptr[i+1]; t2++ {
			if t2 > p.ptr[i] && p.col[t2] <= p.col[t2-1] {
				t.Fatalf("row %d: columns not strictly ascending", i)
			}
			if int(p.col[t2]) == i {
				t.Fatalf("row %d: diagonal entry present", i)
			}
			sum += p.val[t2]
			dense[i*200+int(p.col[t2])] = p.val[t2]
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("sum of P = %v, want 1", sum)
	}
	// Reference: (P_cond + P_cond^T) / 2n built densely.
	want := make([]float64, 200*200)
	for i := range 200 {
		for s := range k {
			j := int(nb.idx[i*k+s])
			want[i*200+j] += pc[i*k+s] / 400
			want[j*200+i] += pc[i*k+s] / 400
		}
	}
	for i := range dense {
		if math.Abs(dense[i]-want[i]) > 1e-15 {
			t.Fatalf("P[%d,%d] = %v, want %v", i/200, i%200, dense[i], want[i])
		}
	}
}

func TestKNNExactMatchesSort(t *testing.T) {
	x, _ := blobs(203, 7, 3, 3) // not a multiple of 4: exercises the tail
	k := 10
	nb, err := knnExact(context.Background(), x, 203, 7, k, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 203 {
		type pair struct {
			d float64
			j int
		}
		var ps []pair
		for j := range 203 {
			if j != i {
				ps = append(ps, pair{sqDist64(x[i*7:i*7+7], x[j*7:j*7+7]), j})
			}
		}
		slices.SortFunc(ps, func(a, b pair) int {
			if a.d < b.d {
				return -1
			}
			if a.d > b.d {
				return 1
			}
			return a.j - b.j
		})
		for s := range k {
			if got := nb.dist[i*k+s]; math.Abs(got-ps[s].d) > 1e-6*ps[s].d {
				t.Fatalf("point %d neighbour %d: distance %v, want %v", i, s, got, ps[s].d)
			}
		}
	}
}

// denseKL computes KL(P||Q) from scratch with a dense Q: the independent
// reference for the gradient check.
func denseKL(p *sparseP, y []float64, dims int) float64 {
	n := p.n
	var z float64
	for i := range n {
		for j := range n {
			if i == j {
				continue
			}
			var s float64
			for c := range dims {
				e := y[i*dims+c] - y[j*dims+c]
				s += e * e
			}
			z += 1 / (1 + s)
		}
	}
	var kl float64
	for i := range n {
		for t := p.ptr[i]; t < p.ptr[i+1]; t++ {
			j := int(p.col[t])
			var s float64
			for c := range dims {
				e := y[i*dims+c] - y[j*dims+c]
				s += e * e
			}
			q := 1 / (1 + s) / z
			kl += p.val[t] * math.Log(p.val[t]/q)
		}
	}
	return kl
}

func smallProblem(t *testing.T, n, dims int, seed uint64) (*sparseP, []float64) {
	t.Helper()
	x, _ := blobs(n, 6, 3, seed)
	nb, err := knnExact(context.Background(), x, n, 6, 15, 2)
	if err != nil {
		t.Fatal(err)
	}
	p := symmetrize(nb, conditionalP(nb, 5, 2), 2)
	rng := rand.New(rand.NewPCG(seed, 9))
	y := make([]float64, n*dims)
	for i := range y {
		y[i] = rng.NormFloat64() * 3
	}
	return p, y
}

func TestExactGradientFiniteDifferences(t *testing.T) {
	for _, dims := range []int{1, 2, 3} {
		p, y := smallProblem(t, 40, dims, uint64(dims))
		obj := newObjective(p, dims, 2, newExactRepulsion(40, dims, 2))
		grad := make([]float64, len(y))
		kl := obj.gradient(y, grad, 1, true)
		if want := denseKL(p, y, dims); math.Abs(kl-want) > 1e-10*math.Abs(want) {
			t.Errorf("dims %d: KL %v, want %v", dims, kl, want)
		}
		const h = 1e-5
		for i := range y {
			old := y[i]
			y[i] = old + h
			up := denseKL(p, y, dims)
			y[i] = old - h
			down := denseKL(p, y, dims)
			y[i] = old
			fd := (up - down) / (2 * h) / 4 // the package's gradient is dKL/dy / 4
			if math.Abs(grad[i]-fd) > 1e-6+1e-5*math.Abs(fd) {
				t.Fatalf("dims %d coord %d: gradient %v, finite difference %v", dims, i, grad[i], fd)
			}
		}
	}
}

func TestClustersSeparate(t *testing.T) {
	x, labels := blobs(600, 20, 6, 4)
	res, err := EmbedContext(context.Background(), x, 600, 20, Config{Seed: 1, Method: "exact"})
	if err != nil {
		t.Fatal(err)
	}
	if res.N != 600 || res.Dims != 2 || len(res.Y) != 1200 || res.Iterations != 750 {
		t.Fatalf("result shape: N %d Dims %d len(Y) %d iterations %d", res.N, res.Dims, len(res.Y), res.Iterations)
	}
	if got := knnLabelAgreement(res.Y, 2, labels, 5); got < 0.99 {
		t.Errorf("5-NN label agreement %v, want >= 0.99 for well-separated clusters", got)
	}
	if !(res.KL > 0 && res.KL < 3) {
		t.Errorf("KL %v outside (0, 3)", res.KL)
	}
	if len(res.KLTrace) != 15 {
		t.Errorf("KL trace has %d entries, want 15", len(res.KLTrace))
	}
}

func TestDeterministic(t *testing.T) {
	x, _ := blobs(300, 10, 3, 5)
	cfg := Config{Seed: 7, Iterations: 200, EarlyIterations: 100, Threads: 2}
	a, err := EmbedContext(context.Background(), x, 300, 10, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EmbedContext(context.Background(), x, 300, 10, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Y, b.Y) || a.KL != b.KL {
		t.Errorf("same seed and threads gave different embeddings (KL %v vs %v)", a.KL, b.KL)
	}
	cfg.Seed = 8
	cfg.Init = "random"
	c, err := EmbedContext(context.Background(), x, 300, 10, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(a.Y, c.Y) {
		t.Errorf("a different seed and init gave the same embedding")
	}
}

// TestDeterministicAcrossThreads: every reduction sums fixed chunks in
// order, so the thread count does not change the result, on the
// approximate-neighbour, FFT-interpolation path included.
func TestDeterministicAcrossThreads(t *testing.T) {
	x, _ := blobs(1200, 10, 4, 13)
	var ys [][]float64
	for _, threads := range []int{1, 3} {
		res, err := EmbedContext(context.Background(), x, 1200, 10, Config{
			Seed: 2, Threads: threads, Neighbors: "approx", Method: "fft", Iterations: 300,
		})
		if err != nil {
			t.Fatal(err)
		}
		ys = append(ys, res.Y)
	}
	if !slices.Equal(ys[0], ys[1]) {
		t.Errorf("1 and 3 threads gave different embeddings")
	}
}

func TestInterruptReturnsPromptly(t *testing.T) {
	x, _ := blobs(2000, 10, 4, 6)
	ctx, cancel := context.WithCancel(context.Background())
	var seen int
	cfg := Config{Seed: 1, Method: "exact", Iterations: 100000, OnIteration: func(it int, kl float64, y []float64) bool {
		seen = it
		if it == 100 {
			cancel()
		}
		return true
	}}
	start := time.Now()
	res, err := EmbedContext(ctx, x, 2000, 10, cfg)
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping ErrInterrupted and context.Canceled", err)
	}
	if res == nil || res.Iterations != 100 || len(res.Y) != 4000 || seen != 100 {
		t.Fatalf("interrupted result: %+v", res)
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("interrupt took %v", el)
	}
}

func TestBadInput(t *testing.T) {
	x := []float32{0, 1, 2, 3, 4, 5, 6, float32(math.NaN()), 8, 9}
	if _, err := EmbedContext(context.Background(), x, 5, 2, Config{}); err == nil {
		t.Error("NaN input: no error")
	}
	if _, err := EmbedContext(context.Background(), []float32{1, 2, 3}, 3, 1, Config{}); err == nil {
		t.Error("3 points: no error")
	}
	good, _ := blobs(50, 3, 2, 1)
	for _, cfg := range []Config{{Metric: "manhattan"}, {Method: "magic"}, {Init: "spectral"}, {Perplexity: 0.5}, {Dims: 3, Method: "fft"}} {
		if _, err := EmbedContext(context.Background(), good, 50, 3, cfg); err == nil {
			t.Errorf("config %+v: no error", cfg)
		}
	}
	zero := make([]float32, 50*3)
	copy(zero, good)
	zero[3*10], zero[3*10+1], zero[3*10+2] = 0, 0, 0
	if _, err := EmbedContext(context.Background(), zero, 50, 3, Config{Metric: "cosine"}); err == nil {
		t.Error("cosine with a zero row: no error")
	}
	defer func() {
		if recover() == nil {
			t.Error("len(x) != n*d did not panic")
		}
	}()
	EmbedContext(context.Background(), good, 50, 4, Config{})
}

func TestSmallNLowersPerplexity(t *testing.T) {
	x, _ := blobs(40, 3, 2, 1)
	res, err := EmbedContext(context.Background(), x, 40, 3, Config{Seed: 1, Iterations: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.Perplexity != 13 || res.K != 39 {
		t.Errorf("n=40: perplexity %v k %d, want 13 and 39", res.Perplexity, res.K)
	}
}

// TestApproxNeighboursReorder runs the approximate-neighbour path, which
// renumbers the points internally: the result must come back in the
// caller's order (else the label agreement would be near chance), and
// so must the embedding OnIteration sees.
func TestApproxNeighboursReorder(t *testing.T) {
	x, labels := blobs(1500, 20, 5, 12)
	var seen []float64
	res, err := EmbedContext(context.Background(), x, 1500, 20, Config{
		Seed: 3, Neighbors: "approx", Method: "fft", Iterations: 400,
		OnIteration: func(it int, kl float64, y []float64) bool {
			seen = append(seen[:0], y...)
			return true
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Neighbors != "approx" || res.Method != "fft" {
		t.Fatalf("ran %s neighbours, %s repulsion", res.Neighbors, res.Method)
	}
	if got := knnLabelAgreement(res.Y, 2, labels, 5); got < 0.99 {
		t.Errorf("5-NN label agreement %v, want >= 0.99", got)
	}
	if got := knnLabelAgreement(seen, 2, labels, 5); got < 0.99 {
		t.Errorf("OnIteration's embedding: 5-NN label agreement %v, want >= 0.99", got)
	}
}

func TestDivergenceIsAnError(t *testing.T) {
	x, _ := blobs(300, 5, 3, 2)
	// A learning rate of 1e300 with no step clipping overflows at once.
	_, err := EmbedContext(context.Background(), x, 300, 5, Config{Method: "exact", LearningRate: 1e300, MaxStepNorm: -1, Iterations: 50})
	if err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Errorf("error %v, want one saying the optimisation diverged", err)
	}
}

type progressSink struct {
	mu    sync.Mutex
	texts []string
}

func (s *progressSink) Display(b display.Bundle, _ map[string]any, _ string) { s.add(b) }
func (s *progressSink) Update(_ string, b display.Bundle, _ map[string]any)  { s.add(b) }
func (s *progressSink) Clear(bool)                                           {}
func (s *progressSink) add(b display.Bundle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.texts = append(s.texts, b.String(display.MIMEText))
}

// TestProgressShowsKL runs Embed inside a bound display (as a notebook
// cell does): the progress bar reaches the last iteration with the KL
// divergence as its postfix, and a cancelled cell context interrupts.
func TestProgressShowsKL(t *testing.T) {
	x, _ := blobs(200, 5, 2, 3)
	sink := &progressSink{}
	unbind := display.Bind(context.Background(), sink)
	res, err := Embed(x, 200, 5, Config{Progress: true, Iterations: 100, EarlyIterations: 50})
	unbind()
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.texts) == 0 {
		t.Fatal("no progress output")
	}
	last := sink.texts[len(sink.texts)-1]
	if !strings.Contains(last, "100/100") || !strings.Contains(last, fmt.Sprintf("KL %.4f", res.KLTrace[1])) {
		t.Errorf("final progress %q: want 100/100 and the KL", last)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	unbind = display.Bind(ctx, sink)
	_, err = Embed(x, 200, 5, Config{})
	unbind()
	if !errors.Is(err, ErrInterrupted) {
		t.Errorf("cancelled cell: error %v, want ErrInterrupted", err)
	}
}

// TestCosineMetric: the cosine neighbours and distances match a brute
// force over 1 - cos, and points on three rays with log-uniform lengths
// (0.05 to 20), three groups by angle, embed as three groups.
func TestCosineMetric(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const n, d, k = 450, 8, 30
	dirs := make([][]float64, 3)
	for c := range dirs {
		dirs[c] = make([]float64, d)
		for j := range d {
			dirs[c][j] = rng.NormFloat64()
		}
	}
	x := make([]float32, n*d)
	labels := make([]int, n)
	for i := range n {
		c := i % 3
		labels[i] = c
		r := math.Exp(6*rng.Float64() - 3)
		for j := range d {
			x[i*d+j] = float32(r * (dirs[c][j] + 0.3*rng.NormFloat64()))
		}
	}
	nb, _, err := findNeighbors(context.Background(), x, n, d, k, "cosine", "exact", 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	cos := func(i, j int) float64 {
		var ab, aa, bb float64
		for c := range d {
			a, b := float64(x[i*d+c]), float64(x[j*d+c])
			ab, aa, bb = ab+a*b, aa+a*a, bb+b*b
		}
		return ab / math.Sqrt(aa*bb)
	}
	for i := range n {
		ds := make([]float64, 0, n-1)
		for j := range n {
			if j != i {
				ds = append(ds, (1-cos(i, j))*(1-cos(i, j)))
			}
		}
		slices.Sort(ds)
		for s := range k {
			if got := nb.dist[i*k+s]; math.Abs(got-ds[s]) > 1e-5*ds[s]+1e-9 {
				t.Fatalf("point %d neighbour %d: (1-cos)^2 = %v, brute force %v", i, s, got, ds[s])
			}
		}
	}
	res, err := EmbedContext(context.Background(), x, n, d, Config{Metric: "cosine", Seed: 1, Iterations: 500})
	if err != nil {
		t.Fatal(err)
	}
	if got := knnLabelAgreement(res.Y, 2, labels, 5); got < 0.99 {
		t.Errorf("cosine: 5-NN label agreement %.3f, want >= 0.99", got)
	}
}

// TestDegenerateInputs: the fewest points allowed and data without any
// spread (every row equal) give finite embeddings, not panics or NaN.
func TestDegenerateInputs(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float32
		n, d int
	}{
		{"4 points", []float32{0, 0, 1, 0, 0, 1, 5, 5}, 4, 2},
		{"identical rows", make([]float32, 60*3), 60, 3},
		{"one column", []float32{1, 2, 3, 10, 11, 12, 20, 21, 22, 23}, 10, 1},
	} {
		for _, method := range []string{"exact", "fft", "barnes-hut"} {
			res, err := EmbedContext(context.Background(), tc.x, tc.n, tc.d, Config{Method: method, Iterations: 100})
			if err != nil {
				t.Errorf("%s, %s: %v", tc.name, method, err)
				continue
			}
			for _, v := range res.Y {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("%s, %s: non-finite coordinate", tc.name, method)
					break
				}
			}
			if math.IsNaN(res.KL) {
				t.Errorf("%s, %s: KL is NaN", tc.name, method)
			}
		}
	}
}
