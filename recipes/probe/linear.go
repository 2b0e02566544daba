package probe

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"

	"github.com/gocontrast/contrast/blas"
	"github.com/gocontrast/contrast/display"
	"github.com/gocontrast/contrast/recipes/nn"
)

// LinearConfig holds the linear probe's parameters.
type LinearConfig struct {
	// WeightDecay lambda of the objective (1/N) sum_i CE_i + (lambda/2)|W|^2;
	// scikit-learn's LogisticRegression(C) is lambda = 1/(C N). The bias is
	// not penalised.
	WeightDecay float64
	// MaxIter bounds the L-BFGS iterations.
	MaxIter int
	// Tol stops when the largest gradient entry is below it.
	Tol float64
	// Raw skips the L2 normalisation of the features.
	Raw bool
}

// DefaultLinear returns weight decay 1e-4, 500 L-BFGS iterations and a
// gradient tolerance of 1e-5 on L2-normalised features.
func DefaultLinear() LinearConfig {
	return LinearConfig{WeightDecay: 1e-4, MaxIter: 500, Tol: 1e-5}
}

// LinearProbe is a trained multinomial logistic regression: class scores
// W x + b for features x (L2-normalised unless trained Raw).
type LinearProbe struct {
	W       *nn.Tensor // [C, D]
	B       []float32  // [C]
	Raw     bool
	Loss    float64 // final objective value
	Iter    int     // L-BFGS iterations run
	Status  string  // why L-BFGS stopped
	classes int
	dim     int
}

// TrainLinear fits a linear probe to frozen features x [N, D] and labels
// by minimising the mean softmax cross-entropy plus (lambda/2)|W|^2 with
// L-BFGS (gonum/optimize), the full batch each step; the products are
// blas.Sgemm. It shows progress on large inputs and stops with
// display.Context()'s error on interrupt.
func TrainLinear(x *nn.Tensor, labels []int, cfg LinearConfig) (*LinearProbe, error) {
	n, d, err := features("features", x)
	if err != nil {
		return nil, err
	}
	c, err := checkLabels("labels", labels, n)
	if err != nil {
		return nil, err
	}
	if c < 2 {
		return nil, fmt.Errorf("probe: a linear probe needs at least 2 classes, labels have %d", c)
	}
	if cfg.WeightDecay < 0 || cfg.MaxIter < 0 || cfg.Tol < 0 {
		return nil, fmt.Errorf("probe: linear probe settings must be >= 0, got %+v", cfg)
	}
	xs := x.Data
	if !cfg.Raw {
		xs = unit(x)
	}
	o := &lrObjective{x: xs, y: labels, n: n, d: d, c: c, lambda: cfg.WeightDecay,
		w: make([]float32, c*d), logits: make([]float32, n*c), gw: make([]float32, c*d)}
	ctx := display.Context()
	p := newProgress(n*d*max(cfg.MaxIter, 1)/8, max(cfg.MaxIter, 1), "linear probe")
	defer p.Done()
	rec := &lbfgsRecorder{p: p}
	prob := optimize.Problem{
		Func: func(th []float64) float64 { return o.eval(th, nil) },
		Grad: func(g, th []float64) { o.eval(th, g) },
		Status: func() (optimize.Status, error) {
			if err := ctx.Err(); err != nil {
				return optimize.Failure, err
			}
			return optimize.NotTerminated, nil
		},
	}
	settings := &optimize.Settings{GradientThreshold: cfg.Tol, MajorIterations: cfg.MaxIter, Recorder: rec}
	if cfg.MaxIter == 0 {
		settings.MajorIterations = 500
	}
	th0 := make([]float64, c*d+c)
	res, err := optimize.Minimize(prob, th0, settings, &optimize.LBFGS{})
	if cerr := ctx.Err(); cerr != nil {
		return nil, cerr
	}
	if res == nil {
		return nil, fmt.Errorf("probe: linear probe optimisation failed: %w", err)
	}
	status := res.Status.String()
	// A line search that can make no more progress with float32 products
	// is as converged as this objective gets (gradient about 1e-6).
	if err != nil {
		if !errors.Is(err, optimize.ErrLinesearcherFailure) && !errors.Is(err, optimize.ErrNoProgress) {
			return nil, fmt.Errorf("probe: linear probe optimisation failed: %w", err)
		}
		status = "converged to float32 precision"
	}
	lp := &LinearProbe{W: nn.New(c, d), B: make([]float32, c), Raw: cfg.Raw, Loss: res.F,
		Iter: res.Stats.MajorIterations, Status: status, classes: c, dim: d}
	for i := 0; i < c*d; i++ {
		lp.W.Data[i] = float32(res.X[i])
	}
	for i := 0; i < c; i++ {
		lp.B[i] = float32(res.X[c*d+i])
	}
	return lp, nil
}

type lbfgsRecorder struct{ p progress }

func (r *lbfgsRecorder) Init() error { return nil }

func (r *lbfgsRecorder) Record(_ *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if op == optimize.MajorIteration {
		r.p.Add(1)
	}
	return nil
}

// lrObjective is the regularised multinomial cross-entropy.
type lrObjective struct {
	x         []float32
	y         []int
	n, d, c   int
	lambda    float64
	w, gw     []float32
	logits    []float32
	lastTheta []float64
	lastF     float64
	lastG     []float64 // gradient at lastTheta: dW, then db
	z         []float64 // one row's softmax
}

// eval returns the objective at theta and, if g is not nil, writes the
// gradient into it. The last evaluation is cached: L-BFGS asks for the
// value and the gradient at the same point.
func (o *lrObjective) eval(theta []float64, g []float64) float64 {
	if o.lastTheta != nil && equal(theta, o.lastTheta) {
		if g != nil {
			copy(g, o.lastG)
		}
		return o.lastF
	}
	n, d, c := o.n, o.d, o.c
	for i := range o.w {
		o.w[i] = float32(theta[i])
	}
	b := theta[c*d:]
	blas.Sgemm(false, true, n, c, d, 1, o.x, d, o.w, d, 0, o.logits, c)
	var f float64
	if len(o.lastG) != len(theta) {
		o.lastG = make([]float64, len(theta))
		o.z = make([]float64, c)
	}
	gb := o.lastG[c*d:]
	clear(gb)
	z := o.z
	for i := 0; i < n; i++ {
		row := o.logits[i*c : (i+1)*c]
		m := math.Inf(-1)
		for j := range row {
			z[j] = float64(row[j]) + b[j]
			m = math.Max(m, z[j])
		}
		var s float64
		for j := range z {
			z[j] = math.Exp(z[j] - m)
			s += z[j]
		}
		f += m + math.Log(s) - (math.Log(z[o.y[i]]) + m)
		for j := range z {
			p := z[j] / s
			if j == o.y[i] {
				p--
			}
			p /= float64(n)
			row[j] = float32(p)
			gb[j] += p
		}
	}
	f /= float64(n)
	var reg float64
	for _, v := range theta[:c*d] {
		reg += v * v
	}
	f += o.lambda / 2 * reg
	// dW = G^T X + lambda W.
	blas.Sgemm(true, false, c, d, n, 1, o.logits, c, o.x, d, 0, o.gw, d)
	o.lastTheta = append(o.lastTheta[:0], theta...)
	for i := 0; i < c*d; i++ {
		o.lastG[i] = float64(o.gw[i]) + o.lambda*theta[i]
	}
	o.lastF = f
	if g != nil {
		copy(g, o.lastG)
	}
	return f
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Scores returns the class scores W x + b, [M, C], of features x [M, D].
func (p *LinearProbe) Scores(x *nn.Tensor) (*nn.Tensor, error) {
	m, d, err := features("features", x)
	if err != nil {
		return nil, err
	}
	if d != p.dim {
		return nil, fmt.Errorf("probe: the probe was trained on %d dimensions, features have %d", p.dim, d)
	}
	xs := x.Data
	if !p.Raw {
		xs = unit(x)
	}
	out := nn.New(m, p.classes)
	blas.Sgemm(false, true, m, p.classes, d, 1, xs, d, p.W.Data, d, 0, out.Data, p.classes)
	for i := 0; i < m; i++ {
		for j := 0; j < p.classes; j++ {
			out.Data[i*p.classes+j] += p.B[j]
		}
	}
	return out, nil
}

// Predict returns the highest-scoring class of each row of x.
func (p *LinearProbe) Predict(x *nn.Tensor) ([]int, error) {
	s, err := p.Scores(x)
	if err != nil {
		return nil, err
	}
	out := make([]int, s.Rows())
	for i := range out {
		row := s.Row(i)
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		out[i] = best
	}
	return out, nil
}

// Accuracy is the fraction of rows of x whose predicted class is their label.
func (p *LinearProbe) Accuracy(x *nn.Tensor, labels []int) (float64, error) {
	pred, err := p.Predict(x)
	if err != nil {
		return 0, err
	}
	if _, err := checkLabels("labels", labels, len(pred)); err != nil {
		return 0, err
	}
	hit := 0
	for i, v := range pred {
		if v == labels[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(pred)), nil
}

// LinearResult is a linear probe evaluation.
type LinearResult struct {
	Probe              *LinearProbe
	TrainAcc, TestAcc  float64
	TrainRows, TestRow int
}

// String summarises the result.
func (r *LinearResult) String() string {
	return fmt.Sprintf("linear probe: test accuracy %.4f (train %.4f) after %d L-BFGS iterations (%s)",
		r.TestAcc, r.TrainAcc, r.Probe.Iter, r.Probe.Status)
}

// Linear trains a linear probe with DefaultLinear on (train,
// trainLabels) and reports its accuracy on (test, testLabels).
func Linear(train *nn.Tensor, trainLabels []int, test *nn.Tensor, testLabels []int) (*LinearResult, error) {
	return LinearWith(train, trainLabels, test, testLabels, DefaultLinear())
}

// LinearWith is Linear with the given configuration.
func LinearWith(train *nn.Tensor, trainLabels []int, test *nn.Tensor, testLabels []int, cfg LinearConfig) (*LinearResult, error) {
	p, err := TrainLinear(train, trainLabels, cfg)
	if err != nil {
		return nil, err
	}
	r := &LinearResult{Probe: p, TrainRows: train.Rows(), TestRow: test.Rows()}
	if r.TrainAcc, err = p.Accuracy(train, trainLabels); err != nil {
		return nil, err
	}
	if r.TestAcc, err = p.Accuracy(test, testLabels); err != nil {
		return nil, err
	}
	return r, nil
}
