package tsne

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gocontrast/contrast/display"
)

// Config holds the t-SNE settings. The zero value of every field selects
// the default in brackets, which reproduces openTSNE's defaults (Poličar,
// Stražar & Zupan 2019, bioRxiv 731877) except where noted.
type Config struct {
	// Dims is the embedding dimension [2].
	Dims int
	// Perplexity is the effective number of neighbours [30]; each point's
	// Gaussian is calibrated to it over its k = 3*Perplexity nearest
	// neighbours. When 3*Perplexity >= N it is lowered to (N-1)/3 and
	// Result.Perplexity says so.
	Perplexity float64
	// Metric is the input distance: "euclidean" [default] or "cosine"
	// (1 - cos, squared in the Gaussian as openTSNE does).
	Metric string
	// Iterations is the total number of gradient steps, early
	// exaggeration included [750 = 250 early + 500, openTSNE's total].
	Iterations int
	// EarlyExaggeration multiplies P during the first EarlyIterations
	// steps [12]. 1 means no exaggeration.
	EarlyExaggeration float64
	// EarlyIterations is the length of the early exaggeration phase
	// [250]; negative means none.
	EarlyIterations int
	// LearningRate is the step size in this package's gradient units
	// (dKL/dy / 4, as openTSNE). Zero means N/exaggeration in each phase
	// (Belkina et al. 2019, as openTSNE: N/12 early, N after).
	LearningRate float64
	// Momentum is the momentum after early exaggeration [0.8]; negative
	// means none.
	Momentum float64
	// EarlyMomentum is the momentum during early exaggeration [0.8, the
	// issue's setting; openTSNE uses 0.5]; negative means none.
	EarlyMomentum float64
	// Theta is the Barnes-Hut opening angle [0.5].
	Theta float64
	// Method is the repulsive-force method: "auto" [default], "exact"
	// (O(N^2)), "barnes-hut" (Dims <= 3) or "fft" (FIt-SNE's
	// interpolation, Dims <= 2). Auto picks exact for small N and FFT
	// (Dims <= 2) or Barnes-Hut (Dims 3) above; see chooseMethod.
	Method string
	// Neighbors is the nearest-neighbour search: "auto" [default],
	// "exact" (brute force, O(N^2 d)) or "approx" (random-projection
	// forest refined by neighbour-of-neighbour search). Auto is exact up
	// to exactKNNMax points.
	Neighbors string
	// Seed seeds every random choice (PCA sampling, random init, the
	// approximate neighbour search). The same Seed, data and Threads give
	// the same embedding.
	Seed uint64
	// Threads is the number of goroutines [GOMAXPROCS].
	Threads int
	// Progress shows a progress bar with the KL divergence every 50
	// iterations (display.NewProgress).
	Progress bool
	// Init is the initial embedding: "pca" [default] or "random"
	// (Gaussian); both have standard deviation 1e-4. "pca" falls back to
	// random when the data has no spread or fewer columns than Dims.
	Init string
	// MaxStepNorm clips each point's update to this length [5, openTSNE's
	// max_step_norm]; negative means no clipping.
	MaxStepNorm float64
	// OnIteration, if set, is called after every 50th iteration (and the
	// last) with the iteration count, the KL divergence and the current
	// embedding (N x Dims, row-major; do not keep it). Returning false
	// stops the optimisation early without error.
	OnIteration func(iter int, kl float64, y []float64) bool
}

// Result is a t-SNE embedding.
type Result struct {
	// Y is the N x Dims embedding, row-major, in float64 (what plotting
	// wants; Float32 converts).
	Y       []float64
	N, Dims int
	// KL is KL(P||Q) of the final embedding, in nats. P is the sparse
	// k-nearest-neighbour affinity matrix; Q's normalisation Z is exact for
	// Method "exact" and approximate (as computed by Barnes-Hut or the
	// interpolation) otherwise. scikit-learn's kl_divergence_ is the same
	// quantity.
	KL float64
	// Iterations is the number of gradient steps taken.
	Iterations int
	// Method is the repulsive-force method used: "exact", "barnes-hut"
	// or "fft".
	Method string
	// Neighbors is the neighbour search used: "exact" or "approx".
	Neighbors string
	// K is the number of neighbours per point in P, Perplexity the
	// perplexity calibrated for.
	K          int
	Perplexity float64
	// KLTrace holds the KL divergence every 50 iterations.
	KLTrace []float64
	// AffinityTime is the time spent on neighbours and P, OptimizeTime on
	// the gradient descent.
	AffinityTime, OptimizeTime time.Duration
}

// Float32 returns Y converted to float32.
func (r *Result) Float32() []float32 {
	out := make([]float32, len(r.Y))
	for i, v := range r.Y {
		out[i] = float32(v)
	}
	return out
}

// ErrInterrupted is wrapped by the error Embed returns when its context is
// cancelled; the Result then holds the embedding reached so far.
var ErrInterrupted = errors.New("tsne: interrupted")

const (
	defaultPerplexity  = 30
	defaultIterations  = 750
	defaultEarlyIters  = 250
	defaultExaggerate  = 12
	defaultMomentum    = 0.8
	defaultTheta       = 0.5
	defaultMaxStepNorm = 5
	minGain            = 0.01
	klEvery            = 50
)

// Embed returns the N x Dims t-SNE embedding (row-major) of the n x d
// row-major data x (van der Maaten & Hinton 2008, JMLR 9:2579), optimised
// as openTSNE does. It watches display.Context() and returns the embedding
// so far with an error wrapping ErrInterrupted when the cell is
// interrupted. x is not modified.
//
// It panics if len(x) != n*d (a programmer error); bad values (NaN, too
// few points, unknown options) are returned as errors.
func Embed(x []float32, n, d int, cfg Config) (*Result, error) {
	return EmbedContext(display.Context(), x, n, d, cfg)
}

// EmbedContext is Embed under an explicit context.
func EmbedContext(ctx context.Context, x []float32, n, d int, cfg Config) (*Result, error) {
	if n < 0 || d < 0 || len(x) != n*d {
		panic(fmt.Sprintf("tsne: len(x) = %d, want n*d = %d*%d", len(x), n, d))
	}
	c, err := cfg.resolve(n)
	if err != nil {
		return nil, err
	}
	if d == 0 {
		return nil, errors.New("tsne: the data has zero columns")
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("tsne: row %d column %d is %v; remove or impute non-finite values first", i/d, i%d, v)
		}
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x7453_4e45)) // "tSNE"
	start := time.Now()
	var prog *display.Progress
	if c.Progress {
		// Shown from the start, so that the neighbour search (seconds at
		// 70,000 points) is visibly under way.
		prog = display.NewProgress(c.Iterations, "t-SNE (finding neighbours)")
		prog.Set(0)
		defer prog.Done()
	}

	k := min(n-1, int(3*c.Perplexity))
	nb, knn, err := findNeighbors(ctx, x, n, d, k, c.Metric, c.Neighbors, c.Threads, rng.Uint64())
	if err != nil {
		return nil, err
	}
	// Renumber the points so that neighbours sit close in memory: the
	// attractive forces then read nearby coordinates (at 70,000 points
	// this halves their time). perm[new] = old.
	perm := nb.order
	if perm != nil {
		nb = nb.relabel(perm)
	}
	p := symmetrize(nb, conditionalP(nb, c.Perplexity, c.Threads), c.Threads)

	var y []float64
	if c.Init == "pca" {
		y = pcaInit(x, n, d, c.Dims, rng)
	}
	if y == nil { // "random", or PCA of data without spread
		y = randomInit(n, c.Dims, rng)
	}
	if perm != nil {
		y = permuteRows(y, perm, c.Dims, false)
	}
	res := &Result{
		N: n, Dims: c.Dims, K: k, Perplexity: c.Perplexity, Neighbors: knn,
		AffinityTime: time.Since(start),
	}
	rep := c.newRepulsion(n)
	res.Method = rep.name()
	start = time.Now()
	err = optimize(ctx, p, y, c, rep, res, perm, prog)
	res.OptimizeTime = time.Since(start)
	res.Y = y
	if perm != nil {
		res.Y = permuteRows(y, perm, c.Dims, true)
	}
	return res, err
}

// permuteRows returns the rows of y reordered: out[r] = y[perm[r]], or
// with inverse out[perm[r]] = y[r].
func permuteRows(y []float64, perm []int32, dims int, inverse bool) []float64 {
	out := make([]float64, len(y))
	for r, old := range perm {
		o := int(old)
		if inverse {
			copy(out[o*dims:(o+1)*dims], y[r*dims:(r+1)*dims])
		} else {
			copy(out[r*dims:(r+1)*dims], y[o*dims:(o+1)*dims])
		}
	}
	return out
}

// findNeighbors returns each point's k nearest neighbours under metric
// with squared distances (for "cosine", (1 - cos)^2, as openTSNE squares
// its distances), by the search method ("auto", "exact" or "approx") it
// also returns resolved.
func findNeighbors(ctx context.Context, x []float32, n, d, k int, metric, method string, threads int, seed uint64) (*neighbors, string, error) {
	data := x
	if metric == "cosine" {
		var err error
		if data, err = normalizeRows(x, n, d); err != nil {
			return nil, "", err
		}
	}
	if method == "auto" {
		method = "exact"
		if n > exactKNNMax {
			method = "approx"
		}
	}
	var nb *neighbors
	var err error
	if method == "exact" {
		nb, err = knnExact(ctx, data, n, d, k, threads)
	} else {
		nb, err = knnApprox(ctx, data, n, d, k, threads, seed)
	}
	if err != nil {
		return nil, "", fmt.Errorf("%w during the neighbour search: %w", ErrInterrupted, err)
	}
	if metric == "cosine" {
		// |a-b|^2 = 2 - 2cos for unit rows, so (1-cos)^2 = (|a-b|^2/2)^2.
		for i, v := range nb.dist {
			nb.dist[i] = v * v / 4
		}
	}
	return nb, method, nil
}

// resolved is a Config with defaults filled in and names checked.
type resolved struct{ Config }

func (cfg Config) resolve(n int) (resolved, error) {
	c := cfg
	if c.Dims == 0 {
		c.Dims = 2
	}
	if c.Dims < 0 {
		return resolved{}, fmt.Errorf("tsne: Dims = %d; want 1 or more", c.Dims)
	}
	if n < 4 {
		return resolved{}, fmt.Errorf("tsne: %d points; t-SNE needs at least 4", n)
	}
	if c.Perplexity == 0 {
		c.Perplexity = defaultPerplexity
	}
	if !(c.Perplexity >= 1) || math.IsInf(c.Perplexity, 0) {
		return resolved{}, fmt.Errorf("tsne: Perplexity = %v; want a value of at least 1 (5 to 50 is usual)", c.Perplexity)
	}
	if 3*c.Perplexity > float64(n-1) {
		c.Perplexity = float64(n-1) / 3
	}
	switch c.Metric {
	case "":
		c.Metric = "euclidean"
	case "euclidean", "cosine":
	default:
		return resolved{}, fmt.Errorf("tsne: Metric %q; want \"euclidean\" or \"cosine\"", c.Metric)
	}
	if c.EarlyIterations == 0 {
		c.EarlyIterations = defaultEarlyIters
	}
	if c.EarlyIterations < 0 {
		c.EarlyIterations = 0
	}
	if c.Iterations == 0 {
		c.Iterations = defaultIterations
	}
	if c.Iterations < 0 {
		return resolved{}, fmt.Errorf("tsne: Iterations = %d; want a positive count", c.Iterations)
	}
	if c.EarlyExaggeration == 0 {
		c.EarlyExaggeration = defaultExaggerate
	}
	if !(c.EarlyExaggeration > 0) {
		return resolved{}, fmt.Errorf("tsne: EarlyExaggeration = %v; want a positive factor (1 for none)", c.EarlyExaggeration)
	}
	if c.LearningRate < 0 || math.IsNaN(c.LearningRate) {
		return resolved{}, fmt.Errorf("tsne: LearningRate = %v; want a positive rate or 0 for N/exaggeration", c.LearningRate)
	}
	c.Momentum = momentumOrDefault(c.Momentum)
	c.EarlyMomentum = momentumOrDefault(c.EarlyMomentum)
	if c.Momentum >= 1 || c.EarlyMomentum >= 1 {
		return resolved{}, fmt.Errorf("tsne: momentum must be below 1 (got %v and %v)", c.EarlyMomentum, c.Momentum)
	}
	if c.Theta == 0 {
		c.Theta = defaultTheta
	}
	if c.Theta < 0 {
		return resolved{}, fmt.Errorf("tsne: Theta = %v; want a positive opening angle (0.5 is usual)", c.Theta)
	}
	if c.MaxStepNorm == 0 {
		c.MaxStepNorm = defaultMaxStepNorm
	}
	switch c.Method {
	case "":
		c.Method = "auto"
	case "auto", "exact":
	case "barnes-hut", "bh":
		c.Method = "barnes-hut"
		if c.Dims > 3 {
			return resolved{}, fmt.Errorf("tsne: Barnes-Hut supports Dims <= 3, not %d; use Method \"exact\"", c.Dims)
		}
	case "fft":
		if c.Dims > 2 {
			return resolved{}, fmt.Errorf("tsne: the FFT method supports Dims 1 and 2, not %d; use \"barnes-hut\" or \"exact\"", c.Dims)
		}
	default:
		return resolved{}, fmt.Errorf("tsne: Method %q; want \"auto\", \"exact\", \"barnes-hut\" or \"fft\"", c.Method)
	}
	switch c.Neighbors {
	case "":
		c.Neighbors = "auto"
	case "auto", "exact", "approx":
	default:
		return resolved{}, fmt.Errorf("tsne: Neighbors %q; want \"auto\", \"exact\" or \"approx\"", c.Neighbors)
	}
	switch c.Init {
	case "":
		c.Init = "pca"
	case "pca", "random":
	default:
		return resolved{}, fmt.Errorf("tsne: Init %q; want \"pca\" or \"random\"", c.Init)
	}
	c.Threads = threadCount(c.Threads)
	return resolved{c}, nil
}

func momentumOrDefault(m float64) float64 {
	switch {
	case m == 0:
		return defaultMomentum
	case m < 0:
		return 0
	}
	return m
}

// normalizeRows returns x with every row scaled to unit length.
func normalizeRows(x []float32, n, d int) ([]float32, error) {
	out := make([]float32, len(x))
	for i := range n {
		var s float64
		for _, v := range x[i*d : i*d+d] {
			s += float64(v) * float64(v)
		}
		if s == 0 {
			return nil, fmt.Errorf("tsne: row %d is all zeros; the cosine metric is undefined for it (drop it or use \"euclidean\")", i)
		}
		inv := 1 / math.Sqrt(s)
		for c, v := range x[i*d : i*d+d] {
			out[i*d+c] = float32(float64(v) * inv)
		}
	}
	return out, nil
}

// optimize runs gradient descent with momentum and per-coordinate gains
// (Jacobs 1988 delta-bar-delta, as in the t-SNE reference code and
// openTSNE): gains grow by 0.2 where the gradient's sign differs from the
// last update's and shrink by 0.8 (plus 0.01) where it agrees; update =
// momentum*update - lr*gains*grad, clipped to MaxStepNorm per point; the
// embedding is re-centred after each step. The update is reset when early
// exaggeration ends, as openTSNE's two optimise calls do.
func optimize(ctx context.Context, p *sparseP, y []float64, c resolved, rep repulsion, res *Result, perm []int32, prog *display.Progress) error {
	n, dims := p.n, c.Dims
	obj := newObjective(p, dims, c.Threads, rep)
	grad := make([]float64, n*dims)
	update := make([]float64, n*dims)
	gains := make([]float64, n*dims)
	for i := range gains {
		gains[i] = 1
	}
	if prog != nil {
		prog.SetLabel(fmt.Sprintf("t-SNE (%s)", rep.name()))
	}
	total := c.Iterations
	for it := 0; it < total; it++ {
		if err := ctx.Err(); err != nil {
			res.Iterations = it
			res.KL = obj.gradient(y, grad, 1, true)
			return fmt.Errorf("%w after %d of %d iterations: %w", ErrInterrupted, it, total, err)
		}
		early := it < c.EarlyIterations
		ex, mom := 1.0, c.Momentum
		if early {
			ex, mom = c.EarlyExaggeration, c.EarlyMomentum
		}
		if it == c.EarlyIterations && it > 0 {
			clear(update)
		}
		lr := c.LearningRate
		if lr == 0 {
			lr = float64(n) / ex
		}
		evalKL := (it+1)%klEvery == 0
		kl := obj.gradient(y, grad, ex, evalKL)
		if !step(y, grad, update, gains, mom, lr, c.MaxStepNorm, dims) {
			res.Iterations = it + 1
			res.KL = math.NaN()
			return fmt.Errorf("tsne: the optimisation diverged (non-finite coordinates) at iteration %d; lower LearningRate (now %g) or MaxStepNorm", it+1, lr)
		}
		if evalKL {
			res.KLTrace = append(res.KLTrace, kl)
			if prog != nil {
				prog.SetPostfix(fmt.Sprintf("KL %.4f", kl))
			}
			if c.OnIteration != nil && !c.OnIteration(it+1, kl, userOrder(y, perm, dims)) {
				res.Iterations = it + 1
				res.KL = obj.gradient(y, grad, 1, true)
				return nil
			}
		}
		if prog != nil {
			prog.Add(1)
		}
	}
	res.Iterations = total
	res.KL = obj.gradient(y, grad, 1, true)
	return nil
}

// step applies one gains-and-momentum update and re-centres y. It
// reports false if the embedding is no longer finite.
func step(y, grad, update, gains []float64, mom, lr, maxStep float64, dims int) bool {
	for i, g := range grad {
		u := update[i]
		// np.sign(update) != np.sign(grad), as openTSNE: the update has
		// been moving against the gradient, so speed up.
		if sign(g) != sign(u) {
			gains[i] += 0.2
		} else {
			gains[i] = gains[i]*0.8 + minGain
		}
		update[i] = mom*u - lr*gains[i]*g
	}
	n := len(y) / dims
	if maxStep > 0 {
		lim := maxStep * maxStep
		for i := range n {
			u := update[i*dims : (i+1)*dims]
			var s float64
			for _, v := range u {
				s += v * v
			}
			if s > lim {
				f := maxStep / math.Sqrt(s)
				for c := range u {
					u[c] *= f
				}
			}
		}
	}
	mean := make([]float64, dims)
	for i := range n {
		for c := range dims {
			y[i*dims+c] += update[i*dims+c]
			mean[c] += y[i*dims+c]
		}
	}
	for c := range mean {
		mean[c] /= float64(n)
		if math.IsNaN(mean[c]) || math.IsInf(mean[c], 0) {
			return false
		}
	}
	for i := range n {
		for c := range dims {
			y[i*dims+c] -= mean[c]
		}
	}
	return true
}

// userOrder returns y in the caller's point order.
func userOrder(y []float64, perm []int32, dims int) []float64 {
	if perm == nil {
		return y
	}
	return permuteRows(y, perm, dims, true)
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// newRepulsion makes the repulsive-force method: the one named, or for
// "auto" the one chooseMethod picks.
func (c resolved) newRepulsion(n int) repulsion {
	m := c.Method
	if m == "auto" {
		m = chooseMethod(n, c.Dims)
	}
	switch m {
	case "fft":
		return newFFTRepulsion(n, c.Dims, c.Threads)
	case "barnes-hut":
		return newBHRepulsion(n, c.Dims, c.Threads, c.Theta)
	}
	return newExactRepulsion(n, c.Dims, c.Threads)
}

// exactMax is the largest N for which Method "auto" sums the repulsion
// exactly. Measured (750 iterations, 2-D, one thread): at 500 points
// exact 0.90 s, Barnes-Hut 0.82 s, FFT 0.68 s of CPU; at 1,000: 2.9,
// 1.8, 1.4 s; at 4,000: 40, 10, 7.4 s, the KL divergences within 0.003.
const exactMax = 500

// chooseMethod is Method "auto": exact up to exactMax points, then FFT
// interpolation in 1-D and 2-D, Barnes-Hut in 3-D, exact above.
func chooseMethod(n, dims int) string {
	switch {
	case n <= exactMax:
		return "exact"
	case dims <= 2:
		return "fft"
	case dims == 3:
		return "barnes-hut"
	}
	return "exact"
}

// exactKNNMax is the largest N for which Neighbors "auto" searches by
// brute force (about 1 s of CPU at 5,000 x 50; the approximate search
// finds 99% of the neighbours of 10,000 Fashion-MNIST points in a third
// of the exact search's time).
const exactKNNMax = 5000
